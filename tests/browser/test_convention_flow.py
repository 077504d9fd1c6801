"""微公约 in a real browser at 390x844: a household signs the community's adopted convention.
A resident with no household yet opens the convention, is sent to fill in her door number,
comes back to the confirmation and signs for the household; her husband joins the same
household on his phone, finds it already signed by her and cannot sign it twice; the staff's
coverage page shows the building at 1/1. The convention's page passes axe in normal and large
text, before and after signing, and nothing scrolls sideways."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from portal.conventions import services
from portal.conventions.models import HouseholdMember, Signature
from portal.extensions import db
from tests.browser.a11y import axe_violations
from tests.browser.helpers import assert_no_horizontal_overflow, flash, log_in, submit

pytestmark = pytest.mark.browser

TITLE = "新安路社区居民公约"
ITEMS = [{"kind": "do", "text": "垃圾分类投放，按时倒垃圾"},
         {"kind": "do", "text": "邻里互助，关心独居老人"},
         {"kind": "dont", "text": "在楼道堆放杂物、停放电动车"}]


@pytest.fixture
def adopted(make_user, tree):
    """张丽 the community's admin, and the convention she drafted, adopted by the 居民会议."""
    admin = make_user("admin", zone=tree.xinan, name="张丽")
    convention = services.create(admin, tree.xinan, title=TITLE,
                                 preamble="为了共建美好家园，全体居民共同约定：", items=ITEMS)
    services.adopt(admin, convention.versions[0], on=date(2026, 11, 20),
                   minutes="居民会议到会 212 户，举手表决通过。")
    db.session.commit()
    return {"admin": admin, "convention_id": convention.id}


def check_both_text_sizes(page: Page) -> None:
    """axe finds nothing and nothing scrolls sideways on the current URL, in large and then
    normal text; the page is left in normal text."""
    url = page.url.split("#", 1)[0]
    for size in ("large", "normal"):
        page.context.add_cookies([{"name": "text_size", "value": size, "url": url}])
        page.goto(url)
        expect(page.locator("html")).to_have_class(f"{size}-text")
        assert_no_horizontal_overflow(page)
        found = axe_violations(page)
        assert found == [], f"axe, {size} text, {url}:\n" + "\n".join(found)


def fill_household(page: Page) -> None:
    page.get_by_label("楼栋").select_option(label="新安小区1栋")
    page.get_by_label("单元（没有可不填）").fill("1")
    page.get_by_label("室号").fill("302")
    submit(page, "保存")
    expect(flash(page)).to_contain_text("已保存您家的门牌")


def test_a_household_signs_the_convention_once(page: Page, new_phone, make_user, adopted,
                                               live_server):
    convention_id = adopted["convention_id"]
    wang = make_user(name="王秀英")
    li = make_user(name="李建国")

    # She opens the convention: no household yet, so she is asked for her door number first.
    log_in(page, wang.phone, live_server)
    page.goto(f"/conventions/{convention_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text("在楼道堆放杂物、停放电动车")
    state = page.get_by_test_id("household-state")
    expect(state).to_contain_text("签署前请先填写您家的楼栋、单元和室号")
    check_both_text_sizes(page)
    with page.expect_navigation():
        state.get_by_role("link", name="填写我家门牌").click()
    expect(page).to_have_url(re.compile(r"/conventions/household\?next="))
    assert_no_horizontal_overflow(page)
    fill_household(page)

    # The household saved, she lands on the convention's confirmation, which names her home:
    # the tap on 填写我家门牌 stood for 以户签署, and one more tap signs.
    expect(page).to_have_url(f"{live_server}/conventions/{convention_id}/sign")
    confirm = page.get_by_test_id("sign-confirm")
    expect(confirm).to_contain_text("代表 新安小区1栋1单元302室 签署本公约")
    check_both_text_sizes(page)
    submit(page, "确认签署")
    expect(flash(page)).to_contain_text("已代表本户签署")
    expect(page).to_have_url(f"{live_server}/conventions/{convention_id}")
    expect(page.get_by_test_id("household-state")).to_contain_text("本户已签署（王** 于")

    # Her husband joins the same household on his phone and finds it signed already, with no
    # button to sign again.
    husband = new_phone()
    log_in(husband, li.phone, live_server)
    husband.goto("/conventions/household")
    fill_household(husband)
    expect(husband.get_by_test_id("my-household")).to_contain_text("新安小区1栋1单元302室")
    # households are self-declared: a count, never the other members' names
    expect(husband.get_by_test_id("my-household")).to_contain_text("本户已登记 2 人")
    husband.goto(f"/conventions/{convention_id}")
    state = husband.get_by_test_id("household-state")
    expect(state).to_contain_text("本户已签署（王** 于")
    expect(husband.get_by_test_id("sign-start")).to_have_count(0)
    check_both_text_sizes(husband)
    husband.goto(f"/conventions/{convention_id}/sign")  # typed in, or an old link
    expect(husband).to_have_url(f"{live_server}/conventions/{convention_id}")
    husband.goto("/conventions/")
    expect(husband.locator("main")).to_contain_text(TITLE)
    assert_no_horizontal_overflow(husband)

    # The staff's coverage: one household known in 新安小区1栋, and it signed.
    office = new_phone()
    log_in(office, adopted["admin"].phone, live_server)
    office.goto(f"/staff/conventions/{convention_id}/coverage")
    expect(office.get_by_test_id("coverage-total")).to_have_text("已签署 1 户 / 已知 1 户（100%）")
    by_building = office.get_by_test_id("coverage-table").nth(1)
    expect(by_building.locator("tbody tr")).to_have_count(1)
    expect(by_building.locator("tbody tr td")).to_have_text(["新安小区1栋", "1", "1", "100%"])
    check_both_text_sizes(office)

    db.session.rollback()  # the server thread wrote it
    signature = db.session.scalars(select(Signature)).one()
    assert (signature.user_id, signature.paper) == (wang.id, False)
    assert db.session.scalar(select(func.count(Signature.id))) == 1
    homes = db.session.scalars(select(HouseholdMember.household_id)).all()
    assert len(homes) == 2 and len(set(homes)) == 1 and homes[0] == signature.household_id
