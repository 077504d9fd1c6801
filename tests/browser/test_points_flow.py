"""Points in a real browser at 390x844: a resident's passbook, and a large award that needs a
second staff member's approval before it is credited.

Runs against the live server (CSRF on, rate limits on). Each person gets a browser context of
their own, as each would be on their own phone.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.points import awards, ledger
from portal.points.award_models import Award
from tests.browser.helpers import (
    TAP_TARGETS_JS,
    assert_no_horizontal_overflow,
    flash,
    html_class,
    log_in,
    submit,
    toggle_text_size,
)

pytestmark = pytest.mark.browser


# ------------------------------------------------------------------ helpers


def balance_in_db(user_id: int) -> int:
    db.session.rollback()  # a fresh snapshot: the rows were written by the server thread
    return ledger.balance_of(user_id)


# ------------------------------------------------------------------ tests


def test_resident_sees_passbook(page: Page, make_user, tree, live_server):
    coordinator = make_user(role="coordinator", zone=tree.xinan)
    resident = make_user()
    award = awards.record_award(coordinator, resident, points="1.5", reason="调处纠纷",
                                evidence_note="协助调解3栋楼上楼下漏水纠纷，双方已和解。")
    db.session.commit()
    assert award.status == "posted"  # 1.5 is under the approval threshold

    log_in(page, resident.phone, live_server)
    page.goto("/points/")
    expect(page.get_by_role("heading", name="积分存折", level=1)).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text("1.5")

    passbook = page.get_by_test_id("passbook")
    entry = passbook.locator("li.entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("积分奖励：调处纠纷")
    expect(entry.locator(".amount")).to_have_text("+1.5 分")
    expect(entry).to_contain_text("余额 1.5")
    html_class(page).to_have_class(re.compile(r"\bnormal-text\b"))
    assert_no_horizontal_overflow(page)

    toggle_text_size(page)
    expect(page).to_have_url(f"{live_server}/points/")
    html_class(page).to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.get_by_test_id("balance")).to_have_text("1.5")
    assert_no_horizontal_overflow(page)

    # Where the points came from.
    with page.expect_navigation():
        entry.get_by_role("link", name="查看来源").click()
    expect(page).to_have_url(f"{live_server}/points/awards/{award.id}")
    expect(page.get_by_role("heading", name="积分奖励", level=1)).to_be_visible()
    facts = page.locator(".facts")
    expect(facts).to_contain_text("调处纠纷")
    expect(facts).to_contain_text("1.5 分")
    expect(facts).to_contain_text("协助调解3栋楼上楼下漏水纠纷")
    html_class(page).to_have_class(re.compile(r"\blarge-text\b"))
    assert_no_horizontal_overflow(page)

    toggle_text_size(page)
    html_class(page).to_have_class(re.compile(r"\bnormal-text\b"))
    assert_no_horizontal_overflow(page)


def test_two_person_approval_of_a_large_award(page: Page, new_phone, make_user, tree,
                                              live_server):
    coordinator = make_user(role="coordinator", zone=tree.xinan, name="陈志强")
    admin = make_user(role="admin", zone=tree.xinan, name="张丽")
    resident = make_user(name="刘晓燕")
    neighbour = make_user(name="赵桂兰")  # reads the public notice

    # Phone 1: the coordinator records an 8-point custom award.
    log_in(page, coordinator.phone, live_server)
    page.goto("/staff/points/awards/new")
    expect(page.get_by_role("heading", name="登记积分奖励", level=1)).to_be_visible()
    assert_no_horizontal_overflow(page)
    page.get_by_label("居民手机号码").fill(resident.phone)
    expect(page.get_by_label("依据")).to_have_value("0")  # 自定义奖励 is the default
    expect(page.get_by_label("依据").locator("option:checked")).to_contain_text("自定义奖励")
    page.get_by_label("分值").fill("8")
    page.get_by_label("奖励理由").fill("扑灭楼道火情")
    page.get_by_label("事迹说明").fill("11月18日晚楼道电动车起火，用灭火器扑灭，无人员受伤。")
    submit(page, "登记")

    expect(page).to_have_url(f"{live_server}/staff/points/residents/{resident.id}")
    expect(flash(page)).to_contain_text("等待另一位工作人员审批")
    expect(page.get_by_test_id("balance")).to_have_text("0 分")
    expect(page.get_by_test_id("passbook").locator("li.entry")).to_have_count(0)
    assert_no_horizontal_overflow(page)
    assert balance_in_db(resident.id) == 0
    award = db.session.query(Award).filter_by(recipient_id=resident.id).one()
    assert (award.status, award.points_tenths, award.created_by_id) == (
        "pending", 80, coordinator.id)

    # A coordinator may record awards but not approve them.
    response = page.goto("/staff/points/approvals")
    assert response is not None and response.status == 403
    expect(page.get_by_role("button", name="审批通过")).to_have_count(0)

    # Phone 2: the admin approves it.
    admin_page = new_phone()
    log_in(admin_page, admin.phone, live_server)
    admin_page.goto("/staff/points/approvals")
    expect(admin_page.get_by_role("heading", name="奖励审批", level=1)).to_be_visible()
    card = admin_page.get_by_test_id("pending-award")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("刘晓燕 · 8 分")
    expect(card).to_contain_text("扑灭楼道火情")
    expect(card).to_contain_text("陈志强")
    assert_no_horizontal_overflow(admin_page)
    card.get_by_label("意见").fill("情况属实")
    with admin_page.expect_navigation():
        card.get_by_role("button", name="审批通过", exact=True).click()
    expect(admin_page).to_have_url(f"{live_server}/staff/points/approvals")
    expect(flash(admin_page)).to_contain_text("已审批通过，积分已入账。")
    expect(admin_page.get_by_test_id("pending-award")).to_have_count(0)
    expect(admin_page.get_by_text("没有等待审批的奖励。")).to_be_visible()

    assert balance_in_db(resident.id) == 80
    db.session.refresh(award)
    assert (award.status, award.decided_by_id) == ("posted", admin.id)

    # Phone 3: the resident sees the 8 points.
    resident_page = new_phone()
    log_in(resident_page, resident.phone, live_server)
    resident_page.goto("/points/")
    expect(resident_page.get_by_test_id("balance")).to_have_text("8")
    entry = resident_page.get_by_test_id("passbook").locator("li.entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("积分奖励：扑灭楼道火情")
    expect(entry.locator(".amount")).to_have_text("+8 分")
    expect(entry).to_contain_text("余额 8")
    assert_no_horizontal_overflow(resident_page)

    # Phone 4: a neighbour sees it on the public notice, with the name masked.
    neighbour_page = new_phone()
    log_in(neighbour_page, neighbour.phone, live_server)
    neighbour_page.goto("/points/notice")
    expect(neighbour_page.get_by_role("heading", name="积分公示", level=1)).to_be_visible()
    notice = neighbour_page.get_by_test_id("notice").locator(f"#award-{award.id}")
    expect(notice).to_contain_text("刘**")
    expect(notice).to_contain_text("+8 分")
    expect(notice).to_contain_text("扑灭楼道火情")
    expect(notice.get_by_role("link", name="提出异议")).to_be_visible()
    expect(neighbour_page.get_by_test_id("notice")).not_to_contain_text("刘晓燕")
    assert_no_horizontal_overflow(neighbour_page)


@pytest.mark.parametrize(("mode", "minimum"), [("normal", 44), ("large", 60)])
def test_passbook_tap_targets_are_big_enough(page: Page, make_user, tree, live_server, mode,
                                             minimum):
    coordinator = make_user(role="coordinator", zone=tree.xinan)
    resident = make_user()
    awards.record_award(coordinator, resident, points="1", reason="参与志愿活动",
                        evidence_note="垃圾分类宣传值守两小时。")
    db.session.commit()

    log_in(page, resident.phone, live_server)
    page.goto("/points/")
    if mode == "large":
        toggle_text_size(page)
        expect(page).to_have_url(f"{live_server}/points/")
    html_class(page).to_have_class(re.compile(rf"\b{mode}-text\b"))
    expect(page.get_by_role("link", name="查看来源")).to_be_visible()

    targets = page.evaluate(TAP_TARGETS_JS)
    assert any(t["text"] == "查看来源" for t in targets), targets  # the probe saw the entry
    too_small = [t for t in targets if t["height"] < minimum]
    assert not too_small, f"tap targets under {minimum}px in {mode} mode: {too_small}"
