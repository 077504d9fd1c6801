"""QR check-in in a real browser at 390x844, two phones: the coordinator shows the rotating
code; the volunteer's phone follows the code's URL (decoded from the screen with zxing),
logs in, lands on 签到成功; later checks out and finds the hours and points in the passbook."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.checkin.models import Attendance
from portal.extensions import db
from portal.points.models import PointsRule
from portal.points.rules import seed_default_rules
from portal.shifts import signups
from portal.types import utcnow
from tests.browser.a11y import assert_accessible_in_both_modes
from tests.browser.chromium import VIEWPORT
from tests.browser.helpers import assert_no_horizontal_overflow, html_class, log_in, read_qr
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser, live_server):
    """A phone with JavaScript switched off (some WebViews, a blocked script, a slow load)."""
    context = browser.new_context(base_url=live_server, viewport=VIEWPORT, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="zh-CN",
                                  java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_rotating_code_check_in_and_out_to_the_passbook(page: Page, new_phone, make_user,
                                                        make_shift, coordinator, live_server):
    seed_default_rules()
    shift = make_shift(hours_from_now=10 / 60, length=4)
    shift.points_rule_id = db.session.scalar(
        select(PointsRule.id).where(PointsRule.code == "volunteer_hour"))
    shift.start_dt = utcnow() - timedelta(hours=2)  # under way for two hours already
    db.session.commit()
    volunteer = make_user(name="王秀英")
    signups.sign_up(volunteer, shift, now=shift.start_dt - timedelta(days=1))
    db.session.commit()

    # Phone 1: the coordinator opens the rotating code.
    log_in(page, coordinator.phone, live_server)
    page.goto(f"/staff/checkin/{shift.id}/code")
    expect(page.get_by_role("heading", name="扫码签到")).to_be_visible()
    url = read_qr(page, "shift-qr")
    assert re.match(rf"^http://portal\.test/c/s\.{shift.id}\.\d+\.", url), url
    assert_no_horizontal_overflow(page)

    # Phone 2: the volunteer's camera opens the URL; not logged in, she logs in first.
    phone = new_phone()
    path = url.removeprefix("http://portal.test")
    phone.goto(path)
    expect(phone).to_have_url(re.compile(r"/login\?next="))
    phone.get_by_label("手机号码").fill(volunteer.phone)
    phone.get_by_label("密码", exact=True).fill(PASSWORD)
    phone.locator("main").get_by_role("button", name="登录", exact=True).click()
    result = phone.get_by_test_id("checkin-result")
    expect(result).to_have_attribute("data-outcome", "ok")  # submitted by itself, one scan
    expect(result.get_by_role("heading")).to_have_text("签到成功")
    expect(result).to_contain_text("王**")
    assert_no_horizontal_overflow(phone)

    # The coordinator's live board shows her, and puts her check-in at the shift's start
    # (she arrived on time; the signal was weak), with a reason that stays on the record.
    page.goto(f"/staff/checkin/{shift.id}/live")
    row = page.get_by_test_id("live-row").filter(has_text="王秀英")
    expect(row).to_contain_text("已签到")
    row.locator("summary").click()
    from portal.clock import local

    row.get_by_label("签到时间").fill(local(shift.start_dt).strftime("%H:%M"))
    row.get_by_label("更正原因").fill("现场信号差，按开始时间补记")
    with page.expect_navigation():
        row.get_by_role("button", name="保存更正").click()
    expect(page.locator(".flashes")).to_contain_text("已保存")

    # Later: she scans the (new) code again. A second scan only shows her record; she taps
    # 签退 when she leaves, which checks her out and credits her.
    page.goto(f"/staff/checkin/{shift.id}/code")
    phone.goto(read_qr(page, "shift-qr").removeprefix("http://portal.test"))
    expect(phone.locator("main")).to_contain_text("您已于")
    with phone.expect_navigation():
        phone.locator("main").get_by_role("button", name="签退", exact=True).click()
    result = phone.get_by_test_id("checkin-result")
    expect(result.get_by_role("heading")).to_have_text("签退成功")
    with phone.expect_navigation():
        phone.get_by_role("link", name="查看积分存折").click()
    expect(phone.get_by_test_id("balance")).to_have_text("2")
    entry = phone.get_by_test_id("passbook").locator("li.entry").first
    expect(entry).to_contain_text("志愿服务：桥头市场周六执勤")
    expect(entry.locator(".amount")).to_have_text("+2 分")
    phone.goto("/points/hours")
    expect(phone.locator("main")).to_contain_text("2")
    html_class(phone).to_have_class(re.compile(r"\bnormal-text\b"))

    db.session.rollback()
    attendance = db.session.scalar(select(Attendance))
    assert attendance.credited_dt is not None
    assert [c.kind for c in attendance.corrections] == ["times"]


def test_coordinator_scans_a_member_code_typed_like_a_usb_scanner(page: Page, new_phone,
                                                                  make_user, make_shift,
                                                                  coordinator, live_server):
    shift = make_shift(hours_from_now=10 / 60)
    volunteer = make_user(name="赵桂兰")
    signups.sign_up(volunteer, shift)
    db.session.commit()

    phone = new_phone()
    log_in(phone, volunteer.phone, live_server)
    phone.goto("/me/code")
    code = read_qr(phone, "member-qr")
    assert code.startswith("m.") and volunteer.phone not in code

    log_in(page, coordinator.phone, live_server)
    page.goto(f"/staff/checkin/{shift.id}/scan")
    counts = page.get_by_test_id("scan-counts")
    expect(counts).to_have_text("已签到 0 / 1 人，已签退 0 人")
    page.evaluate("window.sameDesk = true")  # gone if the page reloads
    field = page.get_by_label("会员码（扫码枪或手工输入）")
    expect(field).to_be_focused()
    field.fill(code)
    field.press("Enter")  # what a USB scanner does
    result = page.get_by_test_id("scan-result")
    expect(result).to_contain_text("签到成功")
    expect(counts).to_have_text("已签到 1 / 1 人，已签退 0 人")  # the tally moved with it
    assert page.evaluate("window.sameDesk") is True  # without a reload
    expect(result).to_have_class(re.compile(r"\bscan-ok\b"))
    expect(field).to_be_focused()  # ready for the next one
    field.fill(code)
    field.press("Enter")
    expect(result).to_contain_text("已经签到过了")
    field.fill("not-a-code")
    field.press("Enter")
    expect(result).to_contain_text("二维码无效")
    expect(result).to_have_class(re.compile(r"\bscan-bad\b"))
    assert_no_horizontal_overflow(page)


def test_a_walk_in_is_offered_at_the_desk_with_javascript_too(page: Page, new_phone, make_user,
                                                              make_shift, coordinator,
                                                              live_server):
    """A resident who did not sign up is scanned: the desk offers 现场补位 without a reload,
    as the page without JavaScript does, and one tap checks them in."""
    shift = make_shift(hours_from_now=10 / 60, capacity=3)
    neighbour = make_user(name="孙大海")
    db.session.commit()
    phone = new_phone()
    log_in(phone, neighbour.phone, live_server)
    phone.goto("/me/code")
    code = read_qr(phone, "member-qr")

    log_in(page, coordinator.phone, live_server)
    page.goto(f"/staff/checkin/{shift.id}/scan")
    walk_in = page.get_by_role("button", name="现场补位并签到")
    expect(walk_in).to_be_hidden()
    page.evaluate("window.sameDesk = true")
    field = page.get_by_label("会员码（扫码枪或手工输入）")
    field.fill(code)
    field.press("Enter")
    expect(page.get_by_test_id("scan-result")).to_contain_text("没有报名这个班次")
    expect(walk_in).to_be_visible()
    assert page.evaluate("window.sameDesk") is True
    with page.expect_navigation():
        walk_in.click()
    expect(page.get_by_test_id("scan-result")).to_contain_text("签到成功")
    expect(page.get_by_test_id("scan-counts")).to_have_text("已签到 1 / 1 人，已签退 0 人")
    field = page.get_by_label("会员码（扫码枪或手工输入）")
    field.fill("not-a-code")
    field.press("Enter")
    expect(page.get_by_test_id("scan-result")).to_contain_text("二维码无效")
    expect(page.get_by_role("button", name="现场补位并签到")).to_be_hidden()


def test_without_javascript_the_code_page_says_to_refresh_it_by_hand(no_js_page: Page,
                                                                    make_shift, coordinator,
                                                                    live_server):
    """Nothing reloads the image without JavaScript, so the page must not promise it."""
    page = no_js_page
    shift = make_shift(hours_from_now=10 / 60)
    log_in(page, coordinator.phone, live_server)
    page.goto(f"/staff/checkin/{shift.id}/code")
    manual = page.get_by_test_id("refresh-manual")
    expect(manual).to_be_visible()
    expect(manual).to_contain_text("不会自己更新")
    expect(page.get_by_test_id("refresh-auto")).to_be_hidden()  # "自动更换" would be untrue
    with page.expect_navigation():
        manual.get_by_role("link", name="手动刷新").click()
    expect(page).to_have_url(f"{live_server}/staff/checkin/{shift.id}/code")
    assert read_qr(page, "shift-qr").startswith(f"http://portal.test/c/s.{shift.id}.")
    assert_no_horizontal_overflow(page)


def test_with_javascript_the_code_refreshes_itself_and_says_so(page: Page, make_shift,
                                                               coordinator, live_server):
    shift = make_shift(hours_from_now=10 / 60)
    log_in(page, coordinator.phone, live_server)
    page.goto(f"/staff/checkin/{shift.id}/code")
    expect(page.get_by_test_id("refresh-auto")).to_be_visible()
    expect(page.get_by_test_id("refresh-auto")).to_contain_text("自动更换")
    expect(page.get_by_test_id("refresh-manual")).to_be_hidden()
    qr = page.get_by_test_id("shift-qr")
    expect(qr).to_have_attribute("src", re.compile(r"\?t=\d+$"), timeout=15_000)  # by itself
    assert read_qr(page, "shift-qr").startswith(f"http://portal.test/c/s.{shift.id}.")
    assert_accessible_in_both_modes(page)
