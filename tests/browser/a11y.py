"""axe-core (vendored in axe-playwright-python, no CDN) on a page, in normal and large text."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_AXE = Axe()


def axe_violations(page: Page) -> list[str]:
    """One line per axe violation on the page as it stands: rule, impact and first target."""
    result = _AXE.run(page)
    return [f"{v['id']} ({v.get('impact')}): {v['help']} at "
            f"{v['nodes'][0]['target'] if v['nodes'] else '?'}"
            for v in result.response["violations"]]


def assert_accessible_in_both_modes(page: Page) -> None:
    """axe finds nothing on the current URL, in normal and in large-text mode; the page is
    left in normal mode."""
    url = page.url
    for size in ("large", "normal"):
        page.context.add_cookies([{"name": "text_size", "value": size, "url": url}])
        page.goto(url)
        found = axe_violations(page)
        assert found == [], f"axe, {size} text, {url}:\n" + "\n".join(found)
