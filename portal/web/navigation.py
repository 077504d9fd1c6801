"""Where a person is sent next, and which bottom-bar tab a page belongs to."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths; anything else falls back to `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


#: which bottom-bar tab a blueprint's pages belong to (the tab that lights up)
NAV_TABS = {
    "wishes": "home", "checkin": "home", "shifts": "shifts", "teams": "shifts",
    "calendar": "shifts", "points": "points", "shop": "points", "inbox": "inbox",
    "accounts": "me", "staff": "staff", "zones": "staff", "points_staff": "staff",
    "shifts_staff": "staff", "shop_staff": "staff", "shop_counter": "staff",
    "shop_cards": "staff", "checkin_staff": "staff", "wishes_staff": "staff",
}


def nav_tab(endpoint: str | None) -> str:
    """'shop_counter.counter_page' -> 'staff'; the home page -> 'home'; elsewhere ''."""
    endpoint = endpoint or ""
    if endpoint == "main.index":
        return "home"
    return NAV_TABS.get(endpoint.partition(".")[0], "")
