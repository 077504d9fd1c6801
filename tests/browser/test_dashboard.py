"""A staff dashboard in a real browser at 390x844: the community's admin opens 数据看板 from
the staff home, picks 新安路社区 and sees its figures beside last month's, four charts drawn as
inline SVG (named for screen readers) each with its table of numbers, in normal and large
text; axe finds nothing and nothing scrolls sideways. A custom range shows its dates, a
reversed one the Chinese reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.points import hours
from tests.browser.a11y import axe_violations
from tests.browser.helpers import assert_no_horizontal_overflow, log_in, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def community(tree, make_user):
    """张丽, and two residents with six hours of service credited this month."""
    admin = make_user("admin", zone=tree.xinan, name="张丽")
    for minutes in (240, 120):
        resident = make_user(home=tree.xinan_building)
        hours.credit_hours(resident.id, minutes, source_type="import", source_id=resident.id)
    db.session.commit()
    return {"admin": admin, "zone": tree.xinan}


def test_a_staff_dashboard_with_its_charts(page: Page, live_server, community):
    log_in(page, community["admin"].phone, live_server)
    page.goto(f"{live_server}/staff/")
    page.get_by_test_id("tile-dashboards").click()
    page.get_by_test_id("dashboard-scopes").get_by_role("link", name="新安路社区").click()
    url = page.url
    for size in ("large", "normal"):
        page.context.add_cookies([{"name": "text_size", "value": size, "url": url}])
        page.goto(url)
        expect(page.locator("html")).to_have_class(f"{size}-text")
        charts = page.locator("main svg[role=img]")
        expect(charts).to_have_count(4)
        for i in range(4):
            chart = charts.nth(i)
            assert chart.get_attribute("aria-label")
            assert chart.bounding_box()["width"] > 250
            section = page.locator("section.chart").nth(i)
            expect(section.locator("table caption")).to_have_count(1)
            assert section.locator("tbody tr").count() >= 1
        expect(page.get_by_test_id("chart-hours").locator("tbody")).to_contain_text("6 小时")
        expect(page.get_by_test_id("figures").first).to_contain_text("比上期多 6 小时")
        assert axe_violations(page) == [], size
        assert_no_horizontal_overflow(page)

    page.get_by_label("自选日期").check()
    page.get_by_label("开始日期").fill("2026-11-19")
    page.get_by_label("结束日期").fill("2026-11-10")
    submit(page, "查看")
    expect(page.get_by_test_id("period-problem")).to_contain_text("结束日期不能早于开始日期")
    page.get_by_label("开始日期").fill("2026-11-10")
    page.get_by_label("结束日期").fill("2026-11-19")
    submit(page, "查看")
    expect(page.get_by_test_id("dashboard-period")).to_contain_text("2026-11-10 — 2026-11-19")
    expect(page.get_by_test_id("period-problem")).to_have_count(0)
