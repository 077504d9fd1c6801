"""Where links go: a person's next page, the portal's public address, the bottom-bar tab."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


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


#: where links point when BASE_URL is unset and there is no request to follow (a CLI command
#: without SERVER_NAME): `flask run`'s own default address
FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    """The portal's public address for links that leave the page (check-in QR codes, posters,
    calendar links), without a trailing slash. Every such link is built on this.

    BASE_URL wins when it is set. Otherwise, in a request, the address the request came in on
    (`request.host_url`; behind a proxy that is right only with PROXY_COUNT set). Outside a
    request, SERVER_NAME with PREFERRED_URL_SCHEME, as Flask's url_for does, else
    FALLBACK_BASE_URL.
    """
    configured = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    server_name = current_app.config.get("SERVER_NAME")
    if server_name:
        return f"{current_app.config.get('PREFERRED_URL_SCHEME') or 'http'}://{server_name}"
    return FALLBACK_BASE_URL


#: which bottom-bar tab a blueprint's pages belong to (the tab that lights up)
NAV_TABS = {
    "wishes": "home", "checkin": "home", "cases": "home", "shifts": "shifts", "teams": "shifts",
    "shifts_calendar": "shifts", "points": "points", "shop": "points", "inbox": "inbox",
    "accounts": "me", "staff": "staff", "zones": "staff", "points_staff": "staff",
    "shifts_staff": "staff", "shop_staff": "staff", "shop_counter": "staff",
    "shop_cards": "staff", "checkin_staff": "staff", "wishes_staff": "staff",
    "cases_staff": "staff", "cases_settings": "staff", "cases_reception": "home",
    "cases_visits": "staff", "cases_ledger": "staff", "cases_open311": "staff",
    "council": "home", "council_staff": "staff", "council_meetings": "home",
    "conventions": "home", "conventions_staff": "staff",
    "certificates": "points", "certificates_staff": "staff",
    "dashboards": "staff", "exports": "staff", "api_tokens": "me", "api": "me",
    "offline": "staff",
}
#: the pages of a blueprint that belong under another tab than the blueprint's own
NAV_PAGES = {
    "cases_reception.staff_index": "staff", "cases_reception.slot": "staff",
    # the public 晒账 pages are everyone's, under 首页, beside the staff 台账
    "cases_ledger.public_index": "home", "cases_ledger.public_ledger": "home",
    "conventions.household": "me",  # 我的 → 我家
    "api_tokens.devices": "staff",  # an admin's tokens for devices
    # 微议事's meeting pages share one blueprint: the staff ones belong under 管理
    **{f"council_meetings.{page}": "staff" for page in (
        "bodies", "edit_body", "staff_meetings", "schedule", "desk", "live", "code",
        "code_image", "minutes")},
}


def nav_tab(endpoint: str | None) -> str:
    """'shop_counter.counter_page' -> 'staff'; the home page -> 'home'; elsewhere ''."""
    endpoint = endpoint or ""
    if endpoint == "main.index":
        return "home"
    return NAV_PAGES.get(endpoint) or NAV_TABS.get(endpoint.partition(".")[0], "")
