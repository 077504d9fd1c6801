"""Debian's Chromium, the launch flags this sandbox needs, and a phone-sized context.

Shared by the browser tests and scripts/screenshots.py. Never downloads a browser.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--lang=zh-CN",  # the browser's own controls (file pickers, month names) in Chinese
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: a mid-size phone (iPhone 12-15 class), the portal's target screen
VIEWPORT = {"width": 390, "height": 844}


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)


def phone_context(browser, base_url: str, device_scale_factor: int = 2):
    """A fresh browser context shaped like a resident's phone."""
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT,
                                  device_scale_factor=device_scale_factor, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    context.set_default_timeout(10_000)
    return context
