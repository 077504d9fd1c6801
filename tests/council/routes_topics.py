"""Rows for tests/test_access.py (ACCESS: who may open each route; OUT_OF_SCOPE: scoped URLs a
新安路 admin is refused for 东梅) and tests/test_fuzz.py (FUZZ: what each view reads that no form
or link shows) for the topic pages. Path arguments come from tests/council/targets.py."""

from tests.access_roles import (  # noqa: F401
    ADMINS,
    EVERYONE,
    LOGGED_IN,
    STAFF,
)

#: council.raise: community staff (coordinators and admins); council.review: the party branch,
#: whose secretary holds the admin role
RAISERS = {"coordinator"} | ADMINS

#: A topic is public to its community's residents; anyone logged in may open it (a refusal to
#: back or comment from another community is a Chinese message, not a 403). The staff pages
#: are the branch's (admins), raising is any community staff member's.
ACCESS: dict = {
    ("council.index", "GET", "/council/"): LOGGED_IN,
    ("council.new", "GET", "/council/new"): LOGGED_IN,
    ("council.new", "POST", "/council/new"): LOGGED_IN,
    # the draft's page first, with a paragraph chosen: it draws the comment form
    ("council.detail", "GET", "/council/{draft_topic_id}?p=1"): LOGGED_IN,
    ("council.detail", "GET", "/council/{topic_id}"): LOGGED_IN,
    ("council.photo", "GET", "/council/{topic_id}/photos/{photo}"): LOGGED_IN,
    ("council.back", "POST", "/council/{topic_id}/back"): LOGGED_IN,
    ("council.comment", "POST", "/council/{draft_topic_id}/comment"): LOGGED_IN,
    ("council.versions", "GET", "/council/{draft_topic_id}/versions"): LOGGED_IN,
    ("council_staff.queue", "GET", "/staff/council/"): ADMINS,
    ("council_staff.topic", "GET", "/staff/council/{review_topic_id}"): ADMINS,
    ("council_staff.review", "POST", "/staff/council/{review_topic_id}/review"): ADMINS,
    ("council_staff.open_comment", "POST", "/staff/council/{draft_topic_id}/open"): ADMINS,
    ("council_staff.revise", "POST", "/staff/council/{draft_topic_id}/revise"): ADMINS,
    ("council_staff.new", "GET", "/staff/council/new"): RAISERS,
    ("council_staff.new", "POST", "/staff/council/new"): RAISERS,
    ("council_staff.from_case", "POST", "/staff/council/cases/{case_id}/topic"): RAISERS,
}

FUZZ: dict = {
    "council.index": "stage page",
    "council.new": "",
    "council.detail": "p",
    "council.photo": "",
    "council.back": "",
    "council.comment": "+draft +paragraph +text",
    "council.versions": "v",
    "council_staff.queue": "page",
    "council_staff.topic": "",
    "council_staff.review": "+decision +note",
    # the open and revise forms are drawn on an accepted topic's page, not the one visited
    "council_staff.open_comment": "+days",
    "council_staff.revise": "+text",
    "council_staff.new": "",
    "council_staff.from_case": "",
}

OUT_OF_SCOPE: list = [
    ("GET", "/staff/council/{review_topic_id}"),
    ("POST", "/staff/council/{review_topic_id}/review"),
    ("POST", "/staff/council/{draft_topic_id}/open"),
    ("POST", "/staff/council/{draft_topic_id}/revise"),
    ("POST", "/staff/council/cases/{case_id}/topic"),
]
