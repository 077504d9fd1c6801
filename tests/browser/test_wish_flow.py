"""微心愿 in a real browser at 390x844, on four phones: a resident posts a wish with a photo,
staff approve it, a party member claims it on a lunch break and marks it fulfilled with an
evidence photo, the resident confirms and rates it, and it shows on the publicity page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from portal.clock import local_today
from portal.extensions import db
from portal.points import ledger
from portal.points.rules import seed_default_rules
from portal.types import utcnow
from portal.wishes.models import Wish
from tests.browser.helpers import assert_no_horizontal_overflow, log_in

pytestmark = pytest.mark.browser


def _jpeg(path, colour) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_post_approve_claim_fulfil_confirm_publicise(page: Page, new_phone, make_user, tree,
                                                     live_server, tmp_path):
    seed_default_rules()
    resident = make_user(name="赵桂兰")
    coordinator = make_user("coordinator", zone=tree.xinan, name="陈志强")
    member = make_user(name="李建国", party="verified")
    db.session.commit()

    # The resident posts a wish from her phone, with a photo and consent to show her surname.
    log_in(page, resident.phone, live_server)
    page.goto("/wishes/")
    page.get_by_role("link", name="我要许愿").first.click()
    page.get_by_label("心愿标题").fill("想要一辆折叠轮椅")
    page.get_by_label("类型").select_option("item")
    page.get_by_label("具体说明").fill("腿脚不便，下楼买菜很吃力。")
    page.get_by_label("估计价值（元）").fill("280")
    page.get_by_label("希望在哪天之前完成").fill(
        (local_today(utcnow()) + timedelta(days=20)).isoformat())
    page.get_by_label("照片（可不传）").set_input_files(_jpeg(tmp_path / "chair.jpg", (90, 90, 90)))
    page.get_by_label("完成后，同意在公示栏显示我的姓氏（如 张**）").check()
    assert_no_horizontal_overflow(page)
    with page.expect_navigation():
        page.get_by_role("button", name="提交心愿").click()
    expect(page.get_by_test_id("wish-status")).to_have_text("待审核")

    # Staff approve it from the review queue.
    staff = new_phone()
    log_in(staff, coordinator.phone, live_server)
    staff.goto("/staff/wishes/")
    item = staff.get_by_test_id("review-queue").locator("li").filter(has_text="想要一辆折叠轮椅")
    with staff.expect_navigation():
        item.get_by_role("button", name="通过并发布").click()
    expect(staff.locator(".flashes")).to_contain_text("已发布到心愿墙")

    # A party member finds it on the wall: masked name, grid only, no phone number.
    phone = new_phone()
    log_in(phone, member.phone, live_server)
    phone.goto("/wishes/")
    card = phone.get_by_test_id("wish-wall").locator("li").filter(has_text="想要一辆折叠轮椅")
    expect(card).to_contain_text("赵**")
    expect(card).to_contain_text("新安小区网格")
    assert resident.phone not in phone.content()
    assert_no_horizontal_overflow(phone)
    card.get_by_role("link").click()
    assert resident.phone not in phone.content()
    with phone.expect_navigation():
        phone.get_by_role("button", name="我来认领").click()
    expect(phone.locator(".flashes")).to_contain_text("认领成功")
    expect(phone.get_by_test_id("contact")).to_contain_text(resident.phone)
    expect(phone.get_by_test_id("contact")).to_contain_text("7 天内")
    assert_no_horizontal_overflow(phone)

    # ... and after the visit marks it fulfilled, with an evidence photo (no faces).
    phone.get_by_label("完成情况").fill("周六上午把轮椅送到家里，教会了折叠和刹车。")
    phone.get_by_label("凭证照片（可不传，最多 6 张）").set_input_files(
        _jpeg(tmp_path / "delivered.jpg", (30, 120, 30)))
    with phone.expect_navigation():
        phone.get_by_role("button", name="心愿已完成").click()
    expect(phone.get_by_test_id("wish-status")).to_have_text("已完成，待确认")

    # The resident confirms and rates it.
    page.goto("/wishes/mine")
    page.get_by_test_id("my-wishes").get_by_role("link").first.click()
    expect(page.get_by_test_id("fulfilment")).to_contain_text("教会了折叠和刹车")
    expect(page.get_by_test_id("fulfilment").locator("img")).to_have_count(1)
    page.get_by_label("评价").select_option("5")
    page.get_by_label("想说的话（可不填）").fill("谢谢李书记，轮椅很好用。")
    assert_no_horizontal_overflow(page)
    with page.expect_navigation():
        page.get_by_role("button", name="确认心愿已完成").click()
    expect(page.get_by_test_id("wish-status")).to_have_text("已圆梦")
    expect(page.get_by_test_id("rating")).to_contain_text("5 星")

    # It appears on the publicity page, which anyone can open, within her consent.
    visitor = new_phone()
    visitor.goto("/wishes/thanks")
    thanks = visitor.get_by_test_id("thanks")
    expect(thanks).to_contain_text("想要一辆折叠轮椅")
    expect(thanks).to_contain_text("赵**")
    expect(thanks).to_contain_text("谢谢李书记")
    expect(thanks.locator("img")).to_have_count(0)  # no consent for photos
    assert_no_horizontal_overflow(visitor)

    db.session.rollback()
    wish = db.session.query(Wish).one()
    assert (wish.status, wish.claimer_id, wish.rating) == ("confirmed", member.id, 5)
    assert ledger.balance_of(member.id) == 20  # the active 圆梦微心愿 rule, credited once
