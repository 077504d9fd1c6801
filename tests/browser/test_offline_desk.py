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
