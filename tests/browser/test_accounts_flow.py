"""Accounts in a real browser at 390x844: register, large text, log out, log back in.

Runs against the live server (CSRF on, rate limits on), so the forms are submitted exactly as a
resident's phone would submit them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from tests.browser.helpers import (
    TAP_TARGETS_JS,
    assert_no_horizontal_overflow,
    computed_font_px,
    html_class,
    submit,
    toggle_text_size,
)

PHONE = "13812345678"
NAME = "李桂芳"
PASSWORD = "xinan2024ok"
VIEWPORT_WIDTH = 390
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.browser


# ------------------------------------------------------------------ helpers


def fill_register_form(page: Page, *, phone: str, zone_id: int) -> None:
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("真实姓名").fill(NAME)
    page.get_by_label("居住的网格或楼栋").select_option(value=str(zone_id))
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("再输一次密码").fill(PASSWORD)
    page.get_by_label("我已阅读并同意《个人信息保护说明》").check()


def user_count() -> int:
    db.session.rollback()  # a fresh snapshot: the rows were written by the server thread
    return db.session.scalar(select(func.count(User.id)))


# ------------------------------------------------------------------ tests


def test_register_large_text_logout_and_login_again(page: Page, tree, live_server):
    page.goto("/register")
    expect(page.get_by_role("heading", name="注册新账号")).to_be_visible()
    html_class(page).to_have_class(re.compile(r"\bnormal-text\b"))
    assert_no_horizontal_overflow(page)

    fill_register_form(page, phone=PHONE, zone_id=tree.xinan_building.id)
    submit(page, "注册")

    # Logged in, on the home page, greeted by name.
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{NAME}，您好")
    expect(page.get_by_text("注册成功，欢迎您！")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的")
    ).to_be_visible()
    assert_no_horizontal_overflow(page)
    assert user_count() == 1

    # Large text from the header toggle.
    toggle_text_size(page)
    expect(page).to_have_url(f"{live_server}/")
    html_class(page).to_have_class(re.compile(r"\blarge-text\b"))
    toggle = page.get_by_test_id("text-size")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert computed_font_px(page, "body") >= 18
    assert computed_font_px(page, "h1") >= 30
    box = toggle.bounding_box()
    assert box is not None and box["height"] >= 60, box
    assert_no_horizontal_overflow(page)

    # Remembered on the next page.
    page.goto("/me")
    expect(page.get_by_role("heading", name="我的", level=1)).to_be_visible()
    html_class(page).to_have_class(re.compile(r"\blarge-text\b"))
    assert computed_font_px(page, "body") >= 18
    assert_no_horizontal_overflow(page)

    # Log out.
    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_text("您已退出登录。")).to_be_visible()
    # Logged out for good: the remember-me cookie must not log the user straight back in.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("社区微平台")
    html_class(page).to_have_class(re.compile(r"\blarge-text\b"))  # a device preference
    assert_no_horizontal_overflow(page)

    page.goto("/me")  # no longer allowed in
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fme$"))

    # Log back in with the phone and password just chosen.
    page.goto("/login")
    expect(page.get_by_role("heading", name="登录", level=1)).to_be_visible()
    assert_no_horizontal_overflow(page)
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    submit(page, "登录")
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{NAME}，您好")
    assert_no_horizontal_overflow(page)

    page.goto("/me")
    expect(page).to_have_url(f"{live_server}/me")
    expect(page.locator(".facts")).to_contain_text(PHONE)


def test_register_with_invalid_phone_shows_chinese_error(page: Page, tree):
    page.goto("/register")
    fill_register_form(page, phone="12345", zone_id=tree.xinan_building.id)
    submit(page, "注册")

    expect(page).to_have_url(re.compile(r"/register$"))
    error = page.locator(".flash-error, .error").first
    expect(error).to_be_visible()
    expect(error).to_contain_text("手机号码")
    assert CJK.search(error.inner_text()), error.inner_text()
    # Still anonymous, and the form kept what was typed.
    expect(page.get_by_role("heading", name="注册新账号")).to_be_visible()
    expect(page.get_by_label("真实姓名")).to_have_value(NAME)
    assert_no_horizontal_overflow(page)
    assert user_count() == 0


@pytest.mark.parametrize(("mode", "minimum"), [("normal", 44), ("large", 60)])
def test_login_tap_targets_are_big_enough(page: Page, mode, minimum):
    page.goto("/login")
    if mode == "large":
        toggle_text_size(page)
        expect(page).to_have_url(re.compile(r"/login$"))
    html_class(page).to_have_class(re.compile(rf"\b{mode}-text\b"))
    assert_no_horizontal_overflow(page)

    targets = page.evaluate(TAP_TARGETS_JS)
    measured = {t["tag"] for t in targets}
    assert {"a", "button", "input"} <= measured, targets  # the probe really saw the form
    too_small = [t for t in targets if t["height"] < minimum]
    assert not too_small, f"tap targets under {minimum}px in {mode} mode: {too_small}"


@pytest.mark.parametrize(("mode", "minimum"), [("normal", 44), ("large", 60)])
def test_shift_filter_tap_targets_are_big_enough(page: Page, mode, minimum):
    """只看还有名额的 is a small box: the label round it must take a finger aimed at the box."""
    page.goto("/shifts/")
    if mode == "large":
        toggle_text_size(page)
        expect(page).to_have_url(re.compile(r"/shifts/$"))
    html_class(page).to_have_class(re.compile(rf"\b{mode}-text\b"))
    page.get_by_text("筛选", exact=True).click()
    expect(page.get_by_label("只看还有名额的")).to_be_visible()
    assert_no_horizontal_overflow(page)

    targets = page.evaluate(TAP_TARGETS_JS, True)
    box = [t for t in targets if t["text"] == "只看还有名额的"]
    assert [t["measured"] for t in box] == ["label"], targets  # the probe found the box
    too_small = [t for t in targets if t["height"] < minimum]
    assert not too_small, f"tap targets under {minimum}px in {mode} mode: {too_small}"
