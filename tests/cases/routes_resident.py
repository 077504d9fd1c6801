"""Rows for tests/test_access.py (ACCESS: who may open each route) and tests/test_fuzz.py (FUZZ:
what each view reads that no form or link shows) for the cases routes (residents and
handlers). Path arguments come from tests/cases/targets.py."""

from tests.access_roles import (  # noqa: F401
    ADMINS,
    CASE_STAFF,
    DISPATCHERS,
    EVERYONE,
    LOGGED_IN,
    STAFF,
)

#: The target matter is another resident's, dispatched to a grid worker of the community; every
#: actor lives in that community. Staff who see matters (CASE_STAFF) open it; nobody here is
#: its resident or its handler, so their steps are refused. Anyone of the community may say
#: "me too"; those who may claim from the pool are told it is taken, not refused.
ACCESS: dict = {
    # filing's second page first: the fuzz drives the first URL of an endpoint, and this one
    # draws the form (with the target's category and grid) that POST /cases/new takes
    ("cases.new", "GET", "/cases/new?category={category_id}&zone={grid_id}&step=2"): LOGGED_IN,
    ("cases.new", "GET", "/cases/new"): LOGGED_IN,
    ("cases.new", "POST", "/cases/new"): LOGGED_IN,
    ("cases.mine", "GET", "/cases/mine"): LOGGED_IN,
    ("cases.tasks", "GET", "/cases/tasks"): LOGGED_IN,
    ("cases.detail", "GET", "/cases/{case_id}"): CASE_STAFF,
    ("cases.photo", "GET", "/cases/{case_id}/photos/{photo}"): CASE_STAFF,
    ("cases.withdraw", "POST", "/cases/{case_id}/withdraw"): set(),
    ("cases.join", "POST", "/cases/{case_id}/join"): LOGGED_IN,
    ("cases.claim", "POST", "/cases/{case_id}/claim"): {"party_member"} | CASE_STAFF,
    ("cases.accept", "POST", "/cases/{case_id}/accept"): set(),
    ("cases.hand_back", "POST", "/cases/{case_id}/hand-back"): set(),
    ("cases.transfer", "POST", "/cases/{case_id}/transfer"): DISPATCHERS,
    ("cases.progress", "POST", "/cases/{case_id}/progress"): set(),
    ("cases.extend", "POST", "/cases/{case_id}/extend"): set(),
    ("cases.resolve", "POST", "/cases/{case_id}/resolve"): set(),
    ("cases.rate", "POST", "/cases/{case_id}/rate"): set(),
}

#: the second page of filing reads the first one's choice (a GET form on the first page)
FUZZ: dict = {
    "cases.new": "category zone step",
    "cases.mine": "page",
    "cases.tasks": "",
    "cases.detail": "",
    "cases.photo": "",
    "cases.withdraw": "+withdraw-reason",
    "cases.join": "",
    "cases.claim": "",
    "cases.accept": "",
    "cases.hand_back": "+back-reason",
    "cases.transfer": "+transfer-handler +transfer-reason",
    "cases.progress": "+progress-note +progress-photos",
    "cases.extend": "+extend-days +extend-reason",
    "cases.resolve": "+resolve-reply +resolve-photos",
    "cases.rate": "+rate-rating +rate-resolution +rate-comment",
}
