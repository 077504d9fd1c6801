"""预约兑换 in a real browser at 390x844: a resident reserves rice on her phone and gets a
pickup code; the clerk's scanner reads its QR at the counter and hands the rice over."""

from __future__ import annotations

import re
from datetime import time

import pytest
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.points import ledger
from portal.shop import reservations, services
from portal.shop.models import Good, Reservation
from tests.browser.helpers import (
    assert_no_horizontal_overflow,
    html_class,
    log_in,
    read_qr,
    toggle_text_size,
)

pytestmark = pytest.mark.browser


def test_resident_reserves_and_clerk_completes_the_pickup(page: Page, new_phone, make_user,
                                                          tree, live_server):
    admin = make_user("admin", zone=tree.xinan)
    clerk = make_user("clerk", zone=tree.xinan, name="林美华")
    shop = services.save_shop(admin, None, zone=tree.xinan, name="新安路社区积分超市",
                              open_days=list(range(7)), open_time=time(0),
                              close_time=time(23, 59, 59), address="社区党群服务中心一楼")
    rice = services.save_good(clerk, shop, None, name="金龙鱼大米 5kg", category="粮油",
                              price="30", monthly_limit=1, barcode="", low_stock=2)
    services.restock(clerk, rice, 5, "入库")
    resident = make_user(name="王秀英")
    ledger.earn(resident.id, 500, source_type="award", source_id=resident.id)
    db.session.commit()

    # The resident reserves from the catalogue on her phone.
    phone = new_phone()
    log_in(phone, resident.phone, live_server)
    phone.goto("/shop/")
    item = phone.get_by_test_id("goods").locator("li").filter(has_text="金龙鱼大米")
    expect(item).to_contain_text("本月还可兑 1 件")
    item.get_by_role("link", name="预约兑换").click()
    expect(phone.get_by_text("领取期限")).to_be_visible()
    assert_no_horizontal_overflow(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="确认预约").click()
    expect(phone.locator(".flashes")).to_contain_text("预约成功")
    expect(phone.get_by_test_id("reservation-status")).to_have_text("待取货")
    digits = phone.get_by_test_id("pickup-code").inner_text().replace(" ", "")
    assert len(digits) == 6 and digits.isdigit()
    assert read_qr(phone, "pickup-qr") == f"p.{digits}"
    assert_no_horizontal_overflow(phone)
    phone.goto("/shop/")
    expect(phone.get_by_test_id("held")).to_contain_text(digits)
    expect(phone.get_by_test_id("balance")).to_have_text("20")

    # At the counter the USB scanner types the QR's content and presses Enter.
    log_in(page, clerk.phone, live_server)
    page.goto(f"/staff/shop/{shop.id}/counter")
    field = page.get_by_label("扫会员码、会员卡或取货码（扫码枪或手工输入）")
    expect(field).to_be_focused()
    field.fill(read_qr(_code_page(phone), "pickup-qr"))
    with page.expect_navigation():
        field.press("Enter")
    pickup = page.get_by_test_id("pickup")
    expect(pickup).to_contain_text("王**")
    expect(pickup).to_contain_text("金龙鱼大米 5kg × 1")
    expect(page.get_by_test_id("pickup-status")).to_have_text("待取货")
    assert_no_horizontal_overflow(page)
    with page.expect_navigation():
        page.get_by_role("button", name="确认交付").click()
    expect(page.locator(".flashes")).to_contain_text("已交付")
    expect(page.get_by_test_id("pickup-status")).to_have_text("已领取")

    # The resident's page says so too, and the code no longer shows.
    phone.reload()
    phone.get_by_role("link", name="我的预约").click()
    expect(phone.get_by_test_id("reservations")).to_contain_text("已领取")
    db.session.rollback()
    booked = db.session.query(Reservation).one()
    assert booked.status == "picked_up" and booked.ended_by_id == clerk.id
    assert db.session.get(Good, rice.id).stock == 4 and ledger.balance_of(resident.id) == 200


def _code_page(phone):
    """Back on the resident's pickup-code page (from the catalogue's waiting list)."""
    phone.get_by_test_id("held").get_by_role("link").first.click()
    phone.wait_for_load_state()
    return phone


# How far a button's label sits inside its border, above and below, and on how many lines.
LABEL_INSET_JS = """
(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  const text = range.getBoundingClientRect(), box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {lines,
          above: text.top - (box.top + parseFloat(style.borderTopWidth)),
          below: (box.bottom - parseFloat(style.borderBottomWidth)) - text.bottom};
}
"""


@pytest.mark.parametrize("mode", ["normal", "large"])
def test_a_wrapped_button_label_keeps_clear_of_its_border(page: Page, make_user, tree,
                                                          live_server, mode):
    """待取货的预约 on the catalogue: a long good's name and the pickup code wrap onto two
    lines, and the words must not touch the button's border (they did in large text)."""
    admin = make_user("admin", zone=tree.xinan)
    clerk = make_user("clerk", zone=tree.xinan)
    shop = services.save_shop(admin, None, zone=tree.xinan, name="新安路社区积分超市",
                              open_days=list(range(7)), open_time=time(0),
                              close_time=time(23, 59, 59))
    tissues = services.save_good(clerk, shop, None, name="维达抽纸 3 包 家庭装 超韧 130 抽",
                                 category="纸品", price="4", monthly_limit=None, barcode="",
                                 low_stock=2)
    services.restock(clerk, tissues, 5, "入库")
    resident = make_user(name="王秀英")
    ledger.earn(resident.id, 500, source_type="award", source_id=resident.id)
    reservations.reserve(resident, tissues, 1)
    db.session.commit()

    log_in(page, resident.phone, live_server)
    if mode == "large":
        toggle_text_size(page)
    page.goto("/shop/")
    html_class(page).to_have_class(re.compile(rf"\b{mode}-text\b"))
    button = page.get_by_test_id("held").get_by_role("link")
    inset = button.evaluate(LABEL_INSET_JS)
    assert inset["lines"] >= 2, inset  # the label does wrap, so this measures a wrapped one
    assert inset["above"] >= 6 and inset["below"] >= 6, inset
    assert_no_horizontal_overflow(page)
