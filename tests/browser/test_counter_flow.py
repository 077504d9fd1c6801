"""The supermarket counter in a real browser at 390x844: the clerk identifies a resident by
the member code on her phone, sells two items, prints the receipt, sells again and voids it."""

from __future__ import annotations

import re
from datetime import time

import pytest
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.points import ledger
from portal.shop import services
from tests.browser.helpers import assert_no_horizontal_overflow, log_in, read_qr

pytestmark = pytest.mark.browser


def test_clerk_sells_two_items_prints_and_voids(page: Page, new_phone, make_user, tree,
                                                live_server):
    admin = make_user("admin", zone=tree.xinan)
    clerk = make_user("clerk", zone=tree.xinan, name="林美华")
    shop = services.save_shop(admin, None, zone=tree.xinan, name="新安路社区积分超市",
                              open_days=list(range(7)), open_time=time(0),
                              close_time=time(23, 59, 59))
    goods = {}
    for name, price, barcode in (("金龙鱼大米 5kg", "30", "6901234567892"),
                                 ("舒肤佳香皂", "2.5", None), ("维达抽纸 3 包", "4", None)):
        goods[name] = services.save_good(clerk, shop, None, name=name, category="", price=price,
                                         monthly_limit=None, barcode=barcode or "",
                                         low_stock=1)
        services.restock(clerk, goods[name], 10, "入库")
    resident = make_user(name="王秀英")
    ledger.earn(resident.id, 500, source_type="award", source_id=resident.id)
    db.session.commit()

    # The resident opens her member code on her own phone.
    phone = new_phone()
    log_in(phone, resident.phone, live_server)
    phone.goto("/me/code")
    code = read_qr(phone, "member-qr")

    # The clerk's scanner "types" it into the focused field and presses Enter.
    log_in(page, clerk.phone, live_server)
    page.goto(f"/staff/shop/{shop.id}/counter")
    field = page.get_by_label("扫会员码、会员卡或取货码（扫码枪或手工输入）")
    expect(field).to_be_focused()
    field.fill(code)
    with page.expect_navigation():
        field.press("Enter")
    expect(page.get_by_test_id("resident")).to_contain_text("王**")
    expect(page.get_by_test_id("counter-balance")).to_have_text("50")
    assert_no_horizontal_overflow(page)

    # Two items: the rice by its barcode, the soap by a tap.
    barcode = page.get_by_label("扫商品条码")
    barcode.fill("6901234567892")
    with page.expect_navigation():
        barcode.press("Enter")
    soap = page.get_by_test_id("counter-goods").locator("li").filter(has_text="舒肤佳香皂")
    with page.expect_navigation():
        soap.get_by_role("button", name="加入").click()
    expect(page.get_by_test_id("cart-total")).to_have_text("32.5 分")
    with page.expect_navigation():
        page.get_by_role("button", name="确认兑换").click()
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_contain_text("金龙鱼大米 5kg × 1")
    expect(receipt).to_contain_text("舒肤佳香皂 × 1")
    expect(page.get_by_test_id("receipt-total")).to_have_text("32.5")
    receipt_no = re.search(r"R\d{8}-\d{6}", receipt.inner_text()).group(0)

    # Print: the 58 mm receipt, as the thermal printer would get it.
    page.emulate_media(media="print")
    expect(page.locator(".bottom-nav")).to_be_hidden()
    assert page.pdf(width="58mm", height="120mm").startswith(b"%PDF")
    page.emulate_media(media="screen")

    # A second sale, then the clerk voids it within the ten minutes.
    page.get_by_role("link", name="下一位").click()
    field = page.get_by_label("扫会员码、会员卡或取货码（扫码枪或手工输入）")
    field.fill(read_qr(phone, "member-qr"))
    with page.expect_navigation():
        field.press("Enter")
    tissues = page.get_by_test_id("counter-goods").locator("li").filter(has_text="维达抽纸")
    with page.expect_navigation():
        tissues.get_by_role("button", name="加入").click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认兑换").click()
    page.get_by_label("撤销原因").fill("居民改主意了")
    with page.expect_navigation():
        page.get_by_role("button", name="撤销兑换").click()
    expect(page.locator(".flashes")).to_contain_text("已撤销")
    expect(page.get_by_test_id("receipt")).to_contain_text("已撤销：居民改主意了")

    db.session.rollback()
    assert ledger.balance_of(resident.id) == 500 - 325  # only the first sale stands
    assert receipt_no.startswith("R")
