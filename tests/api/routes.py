"""Rows for tests/test_access.py (ACCESS, OUT_OF_SCOPE) and tests/test_fuzz.py (FUZZ) for the
API (/api/v1) and the token pages.

The API's endpoints answer bearer tokens only: a logged-in browser session opens none of them
(each says 401, which test_access counts as a refusal like a 403), so their rows are empty
sets; their own contract tests (tests/api/) and schemathesis (make test-api) test them with
tokens. The spec and its docs page are public."""

from tests.access_roles import (  # noqa: F401
    ADMINS,
    EVERYONE,
    LOGGED_IN,
)

ACCESS: dict = {
    ("api.openapi", "GET", "/api/v1/openapi.json"): EVERYONE,
    ("api.docs", "GET", "/api/v1/docs"): EVERYONE,
    ("api.docs_tag", "GET", "/api/v1/docs/微心愿"): EVERYONE,
    ("api.balance", "GET", "/api/v1/me/balance"): set(),
    ("api.passbook", "GET", "/api/v1/me/passbook"): set(),
    ("api.goods", "GET", "/api/v1/counter/shops/{shop_id}/goods"): set(),
    ("api.lookup", "POST", "/api/v1/counter/shops/{shop_id}/lookup"): set(),
    ("api.sale", "POST", "/api/v1/counter/shops/{shop_id}/sales"): set(),
    ("api.void", "POST", "/api/v1/counter/sales/{redemption_id}/void"): set(),
    ("api.pickup", "POST", "/api/v1/counter/shops/{shop_id}/pickups"): set(),
    ("api.scan", "POST", "/api/v1/checkin/shifts/{shift_id}/scan"): set(),
    ("api_tokens.mine", "GET", "/me/api-tokens"): LOGGED_IN,
    ("api_tokens.mine", "POST", "/me/api-tokens"): LOGGED_IN,
    # an admin makes a device's token for staff they outrank
    ("api_tokens.devices", "GET", "/staff/api-tokens"): ADMINS,
    ("api_tokens.devices", "POST", "/staff/api-tokens"): ADMINS,
    # the resident's own token: its holder, or an admin over them (stopping a leaked token)
    ("api_tokens.revoke", "POST", "/me/api-tokens/{api_token_id}/revoke"): ADMINS,
    # volunteer shifts (portal/api/shift_views.py): bearer tokens only, like the rows above
    ("api.shifts", "GET", "/api/v1/shifts"): set(),
    ("api.shift", "GET", "/api/v1/shifts/{shift_id}"): set(),
    ("api.signup", "POST", "/api/v1/shifts/{shift_id}/signup"): set(),
    ("api.cancel", "POST", "/api/v1/shifts/{shift_id}/cancel"): set(),
    ("api.checkin", "POST", "/api/v1/checkin"): set(),
    # 微心愿 (portal/api/wish_views.py) and the exports as JSON (portal/api/export_views.py)
    ("api.wishes", "GET", "/api/v1/wishes"): set(),
    ("api.my_claims", "GET", "/api/v1/me/claims"): set(),
    ("api.wish", "GET", "/api/v1/wishes/{wish_id}"): set(),
    ("api.claim", "POST", "/api/v1/wishes/{wish_id}/claim"): set(),
    ("api.progress", "POST", "/api/v1/wishes/{wish_id}/progress"): set(),
    ("api.exports", "GET", "/api/v1/exports"): set(),
    ("api.export", "GET", "/api/v1/exports/points_ledger"): set(),
}

OUT_OF_SCOPE = [
    ("POST", "/me/api-tokens/{api_token_id}/revoke"),
]

FUZZ: dict = {
    "api.openapi": "",
    "api.docs": "",
    "api.docs_tag": "",
    "api.balance": "",
    "api.passbook": "cursor limit",
    "api.goods": "cursor limit",
    "api.lookup": "+code",
    "api.sale": "+code",
    "api.void": "+reason",
    "api.pickup": "+code",
    "api.scan": "+code +mode",
    "api_tokens.mine": "+name +scopes",
    "api_tokens.devices": "+phone +name +scopes",
    "api_tokens.revoke": "",
    # volunteer shifts (portal/api/shift_views.py)
    "api.shifts": "cursor limit",
    "api.shift": "",
    "api.signup": "+post_id",
    "api.cancel": "",
    "api.checkin": "+code +action +lat +lng",
    "api.wishes": "cursor limit",
    "api.my_claims": "cursor limit",
    "api.wish": "",
    "api.claim": "",
    "api.progress": "+note",
    "api.exports": "",
    "api.export": "period start end zone cursor limit",
}
