"""The scan desk with no signal, so far: the service worker keeps the desk's page, so a
reload offline still opens it; the page shows 在线 or 离线 by itself, and a scan it cannot
send says plainly that it was not recorded. Logging out empties what the browser kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

CONTROLLED = "() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)"


def test_the_desk_reloads_offline_and_says_so(page: Page, make_shift, coordinator, live_server):
    shift = make_shift(hours_from_now=10 / 60)
    log_in(page, coordinator.phone, live_server)
    desk = f"/staff/checkin/{shift.id}/scan"
    page.goto(desk)
    state = page.get_by_test_id("net-state")
    expect(state).to_have_text("在线")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()  # now the worker controls the page, and keeps it and its files
    assert page.evaluate(CONTROLLED) is True
    expect(state).to_have_text("在线")

    page.context.set_offline(True)
    expect(state).to_have_text("离线")  # no switch: the browser's own event
    page.reload()
    expect(page.get_by_role("heading", name="扫会员码 · 签到")).to_be_visible()
    expect(state).to_have_text("离线")
    field = page.get_by_label("会员码（扫码枪或手工输入）")
    field.fill("m.anything")
    field.press("Enter")
    expect(page.get_by_test_id("scan-result")).to_contain_text("离线：这次扫码没有记录")

    page.context.set_offline(False)
    expect(state).to_have_text("在线")
    assert page.evaluate("() => caches.keys().then(names => names.length)") >= 1
    page.goto("/me")
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{live_server}/")
    assert page.evaluate("() => caches.keys().then(names => names.length)") == 0
    assert page.evaluate(
        "() => navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0


def test_the_counter_holds_a_form_back_offline(page: Page, make_user, tree, live_server):
    from datetime import time

    from portal.extensions import db
    from portal.shop import services

    admin = make_user("admin", zone=tree.xinan)
    clerk = make_user("clerk", zone=tree.xinan, name="林美华")
    shop = services.save_shop(admin, None, zone=tree.xinan, name="新安路社区积分超市",
                              open_days=list(range(7)), open_time=time(0),
                              close_time=time(23, 59, 59))
    db.session.commit()
    log_in(page, clerk.phone, live_server)
    page.goto(f"/staff/shop/{shop.id}/counter")
    state, message = page.get_by_test_id("net-state"), page.get_by_test_id("net-message")
    expect(state).to_have_text("在线")
    page.context.set_offline(True)
    expect(state).to_have_text("离线")
    field = page.get_by_label("扫会员码、会员卡或取货码（扫码枪或手工输入）")
    field.fill("m.anything")
    field.press("Enter")
    expect(message).to_be_visible()  # held back: no browser error page, nothing sent
    expect(page).to_have_url(f"{live_server}/staff/shop/{shop.id}/counter")
    page.context.set_offline(False)
    expect(message).to_be_hidden()
    field.fill("m.anything")
    field.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("二维码无效")
