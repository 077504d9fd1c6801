"""axe-core (vendored in axe-playwright-python, no CDN) on a page, in normal and large text."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

_AXE = Axe()


def install_axe(context: BrowserContext) -> None:
    """Load axe into every page the context opens, as the page starts: much quicker than
    sending the script over for each run when many pages are checked."""
    context.add_init_script(_AXE.axe_script)


def axe_violations(page: Page) -> list[str]:
    """One line per axe violation on the page as it stands: rule, impact and the elements."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_AXE.axe_script)
    violations = page.evaluate("axe.run({resultTypes: ['violations']})")["violations"]
    return [f"{v['id']} ({v.get('impact')}): {v['help']} at {_targets(v['nodes'])}"
            for v in violations]


def _targets(nodes: list[dict], shown: int = 5) -> str:
    found = ", ".join(str(node["target"]) for node in nodes[:shown]) or "?"
    return found + (f" and {len(nodes) - shown} more" if len(nodes) > shown else "")


def assert_accessible_in_both_modes(page: Page) -> None:
    """axe finds nothing on the current URL, in normal and in large-text mode; the page is
    left in normal mode."""
    url = page.url
    for size in ("large", "normal"):
        page.context.add_cookies([{"name": "text_size", "value": size, "url": url}])
        page.goto(url)
        found = axe_violations(page)
        assert found == [], f"axe, {size} text, {url}:\n" + "\n".join(found)
