"""What the browser flows share: logging in, submitting, the text size, and what they check
on every page (sideways scrolling, tap-target sizes) or read off it (a QR code, a flash)."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.chromium import VIEWPORT
from tests.conftest import PASSWORD

VIEWPORT_WIDTH = VIEWPORT["width"]

# Everything a finger can hit that is showing in the viewport (in the whole page when called
# with true), with its rendered height. A checkbox or radio inside a <label> is hit through the
# label; a finger aimed at the box itself needs the label all round it, so its size is the
# biggest square centred on the box that stays on the label.
TAP_TARGETS_JS = """
(wholePage) => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const found = [];
  for (const el of document.querySelectorAll('a, button, input, select')) {
    if (el.classList.contains('skip-link')) continue;
    if (el.tagName === 'INPUT' && el.type === 'hidden') continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    let target = el;
    if (el.tagName === 'INPUT' && (el.type === 'checkbox' || el.type === 'radio')
        && el.closest('label')) {
      target = el.closest('label');
    }
    const r = target.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (!wholePage && (r.bottom <= 0 || r.top >= vh || r.right <= 0 || r.left >= vw)) continue;
    let height = r.height;
    if (target !== el) {
      const box = el.getBoundingClientRect();
      const x = box.left + box.width / 2, y = box.top + box.height / 2;
      height = 2 * Math.min(x - r.left, r.right - x, y - r.top, r.bottom - y);
    }
    found.push({
      tag: el.tagName.toLowerCase(),
      measured: target.tagName.toLowerCase(),
      text: ((target !== el && target.innerText) || el.innerText || el.value || el.name
        || el.getAttribute('aria-label') || '')
        .trim().slice(0, 30),
      height: Math.round(height * 10) / 10,
    });
  }
  return found;
}
"""


def assert_no_horizontal_overflow(page: Page) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= VIEWPORT_WIDTH, (
        f"{page.url} scrolls sideways: scrollWidth {scroll_width} > {VIEWPORT_WIDTH}"
    )


def computed_font_px(page: Page, selector: str) -> float:
    value = page.locator(selector).first.evaluate("el => getComputedStyle(el).fontSize")
    return float(value.removesuffix("px"))


def html_class(page: Page):
    return expect(page.locator("html"))


def submit(page: Page, label: str) -> None:
    """Click the form's submit button (not the bottom-nav link with the same words)."""
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=label, exact=True).click()


def toggle_text_size(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("text-size").click()


def log_in(page: Page, phone: str, live_server: str) -> None:
    page.goto("/login")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    submit(page, "登录")
    expect(page).to_have_url(f"{live_server}/")


def flash(page: Page):
    return page.locator(".flashes")


def read_qr(page: Page, test_id: str) -> str:
    """Decode the QR the page shows, as a phone camera would."""
    image = Image.open(io.BytesIO(page.get_by_test_id(test_id).screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code readable on the screen"
    return found[0].text
