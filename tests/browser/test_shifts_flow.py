"""Volunteer shifts in a real browser at 390x844: a resident finds a shift, signs up for a post,
is told, cancels; the waitlisted neighbour is promoted; the coordinator runs the roster.

Each person has a browser context of their own, as each would have their own phone.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.extensions import db
from portal.shifts import signups
from portal.shifts.models import SignUp
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


def status_of(user_id: int) -> str | None:
    db.session.rollback()  # the server thread wrote it
    return db.session.scalar(select(SignUp.status).where(SignUp.user_id == user_id))


def test_resident_finds_signs_up_and_cancels(page: Page, new_phone, make_user, make_shift,
                                             live_server):
    shift = make_shift(capacity=None, posts=[("消防巡查", 1), ("交通疏导", 2)])
    make_shift(hours_from_now=200)  # another shift further down the list
    resident = make_user(name="王秀英")
    neighbour = make_user(name="赵桂兰")
    signups.sign_up(make_user(name="李建国"), shift, post_id=shift.posts[0].id)  # 消防巡查 full
    db.session.commit()

    log_in(page, resident.phone, live_server)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="排班").click()
    expect(page.get_by_role("heading", name="志愿排班", level=1)).to_be_visible()
    cards = page.get_by_test_id("shift-card")
    expect(cards).to_have_count(2)
    first = cards.first
    expect(first).to_contain_text("桥头市场周六执勤")
    expect(first).to_contain_text("剩 2 个名额")
    assert_no_horizontal_overflow(page)

    # Tap one: the shift. Tap two: the post.
    with page.expect_navigation():
        first.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server}/shifts/{shift.id}")
    box = page.get_by_test_id("signup-box")
    expect(box.get_by_role("button", name=re.compile("消防巡查 · 已满"))).to_be_visible()
    with page.expect_navigation():
        box.get_by_role("button", name=re.compile("交通疏导 · 剩 2 个")).click()
    expect(flash(page)).to_contain_text("报名成功")
    expect(page.get_by_test_id("signup-box")).to_contain_text("您已报名")
    assert status_of(resident.id) == "confirmed"
    assert_no_horizontal_overflow(page)

    # The same page in large text, still readable and with big buttons.
    toggle_text_size(page)
    html_class(page).to_have_class(re.compile(r"\blarge-text\b"))
    assert_no_horizontal_overflow(page)
    small = [t for t in page.evaluate(TAP_TARGETS_JS) if t["height"] < 60]
    assert not small, small

    page.goto("/shifts/mine")
    expect(page.get_by_test_id("upcoming")).to_contain_text("桥头市场周六执勤")
    expect(page.get_by_test_id("upcoming")).to_contain_text("交通疏导")

    # The neighbour waits for 消防巡查 on her own phone.
    other = new_phone()
    log_in(other, neighbour.phone, live_server)
    other.goto(f"/shifts/{shift.id}")
    with other.expect_navigation():
        other.get_by_test_id("signup-box").get_by_role(
            "button", name=re.compile("消防巡查 · 已满")).click()
    expect(flash(other)).to_contain_text("候补")
    assert status_of(neighbour.id) == "waitlisted"

    # The resident cancels; 交通疏导 frees, which is not 消防巡查: the neighbour keeps waiting.
    page.goto(f"/shifts/{shift.id}")
    submit(page, "取消报名")
    expect(flash(page)).to_contain_text("已取消报名")
    assert status_of(resident.id) == "cancelled"
    assert status_of(neighbour.id) == "waitlisted"
    page.goto("/shifts/mine")
    expect(page.get_by_test_id("history")).to_contain_text("我已取消")


def test_coordinator_roster_assigns_adds_and_removes(page: Page, new_phone, make_user,
                                                    make_shift, coordinator, live_server):
    shift = make_shift(capacity=2)
    volunteer = make_user(name="刘强")
    waiting = make_user(name="周敏")
    walk_in = make_user(name="郑晓东")
    signups.sign_up(volunteer, shift)
    signups.sign_up(make_user(name="吴海燕"), shift)
    signups.sign_up(waiting, shift)
    db.session.commit()

    log_in(page, coordinator.phone, live_server)
    page.goto("/staff/")
    with page.expect_navigation():
        page.get_by_role("link", name="排班管理").click()
    with page.expect_navigation():
        page.get_by_test_id("staff-upcoming").get_by_role("link").first.click()
    expect(page).to_have_url(f"{live_server}/staff/shifts/{shift.id}/roster")
    expect(page.get_by_test_id("roster-count")).to_contain_text("已报 2 / 共 2 人，候补 1 人")
    rows = page.get_by_test_id("roster-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("刘强")
    expect(rows.first).to_contain_text(volunteer.phone)  # the coordinator sees phones
    assert_no_horizontal_overflow(page)

    # 划分责任区: give 刘强 a duty area.
    row = rows.filter(has_text="刘强")
    row.locator("summary").click()
    row.get_by_label("责任区").fill("桥头东段 1–20 号摊位")
    with page.expect_navigation():
        row.get_by_role("button", name="保存安排").click()
    expect(flash(page)).to_contain_text("安排已保存")
    expect(page.get_by_test_id("roster-row").filter(has_text="刘强")).to_contain_text(
        "桥头东段 1–20 号摊位")

    # Remove 刘强 with a reason: 周敏 is promoted from the waitlist.
    row = page.get_by_test_id("roster-row").filter(has_text="刘强")
    row.locator("summary").click()
    row.get_by_label("移出原因").fill("家中有事，电话请假")
    with page.expect_navigation():
        row.get_by_role("button", name="移出名单").click()
    expect(flash(page)).to_contain_text("已移出名单")
    expect(page.get_by_test_id("roster-row").filter(has_text="周敏")).to_have_count(1)
    assert status_of(volunteer.id) == "removed" and status_of(waiting.id) == "confirmed"

    # A walk-in cannot be added while the shift is full: a clear refusal, nothing changes.
    page.get_by_label("志愿者手机号码").fill(walk_in.phone)
    page.get_by_label("原因").last.fill("现场补位")
    submit(page, "加入名单并通知本人")
    expect(flash(page)).to_contain_text("名额已满")
    assert status_of(walk_in.id) is None

    # The removed volunteer reads why, on their own phone.
    phone = new_phone()
    log_in(phone, volunteer.phone, live_server)
    phone.goto("/inbox/")
    expect(phone.locator("main")).to_contain_text("家中有事，电话请假")

    # The roster prints on A4 as a table with names and phones.
    page.emulate_media(media="print")
    table = page.locator("table.roster-table")
    expect(table).to_be_visible()
    expect(table).to_contain_text("周敏")
    expect(table).to_contain_text(waiting.phone)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
