"""Rows for tests/test_access.py (ACCESS: who may open each route; OUT_OF_SCOPE: scoped URLs a
新安路 admin is refused for 东梅) and tests/test_fuzz.py (FUZZ: what each view reads that no form
or link shows). Path arguments come from tests/council/meeting_targets.py."""

from tests.access_roles import (  # noqa: F401
    ADMINS,
    EVERYONE,
    LOGGED_IN,
    MEETING_STAFF,
    STAFF,
)

#: bodies and scheduling: the community's admin (council.bodies); running a meeting (the desk,
#: the door, the votes, the minutes): coordinators and admins (council.run); a member's own
#: meeting page and vote: only members of the body (none of the roles); the outcome: everyone
ACCESS: dict = {
    ("council_meetings.bodies", "GET", "/staff/council/bodies"): ADMINS,
    ("council_meetings.seed_bodies", "POST",
     "/staff/council/bodies/defaults?community={community_code}"): ADMINS,
    ("council_meetings.edit_body", "GET",
     "/staff/council/bodies/new?community={community_code}"): ADMINS,
    ("council_meetings.edit_body", "POST",
     "/staff/council/bodies/new?community={community_code}"): ADMINS,
    ("council_meetings.edit_body", "GET", "/staff/council/bodies/{body_id}"): ADMINS,
    ("council_meetings.edit_body", "POST", "/staff/council/bodies/{body_id}"): ADMINS,
    ("council_meetings.backing", "POST",
     "/staff/council/settings?community={community_code}"): ADMINS,
    ("council_meetings.add_member", "POST", "/staff/council/bodies/{body_id}/members"): ADMINS,
    ("council_meetings.end_term", "POST",
     "/staff/council/members/{council_member_id}/end"): ADMINS,
    ("council_meetings.staff_meetings", "GET", "/staff/council/meetings"): MEETING_STAFF,
    ("council_meetings.schedule", "GET",
     "/staff/council/meetings/new?community={community_code}"): ADMINS,
    ("council_meetings.schedule", "POST",
     "/staff/council/meetings/new?community={community_code}"): ADMINS,
    ("council_meetings.desk", "GET", "/staff/council/meetings/{meeting_id}"): MEETING_STAFF,
    ("council_meetings.live", "GET", "/staff/council/meetings/{meeting_id}/live"): MEETING_STAFF,
    ("council_meetings.code", "GET", "/staff/council/meetings/{meeting_id}/code"): MEETING_STAFF,
    ("council_meetings.code_image", "GET",
     "/staff/council/meetings/{meeting_id}/code.svg"): MEETING_STAFF,
    ("council_meetings.clerk_scan", "POST", "/staff/council/meetings/{meeting_id}/scan"):
        MEETING_STAFF,
    ("council_meetings.proxy", "POST", "/staff/council/meetings/{meeting_id}/proxy"): MEETING_STAFF,
    ("council_meetings.minutes", "GET", "/staff/council/meetings/{meeting_id}/minutes"):
        MEETING_STAFF,
    ("council_meetings.open_vote", "POST", "/staff/council/agenda/{closed_item_id}/open"):
        MEETING_STAFF,
    ("council_meetings.paper", "POST", "/staff/council/agenda/{item_id}/paper"): MEETING_STAFF,
    ("council_meetings.close_vote", "POST", "/staff/council/agenda/{item_id}/close"): MEETING_STAFF,
    ("council_meetings.confirm_paper", "POST", "/staff/council/votes/{vote_id}/confirm"):
        MEETING_STAFF,
    ("council_meetings.add_progress", "POST",
     "/staff/council/outcomes/{decided_topic_id}/progress"): ADMINS,
    ("council_meetings.mine", "GET", "/council/meetings"): LOGGED_IN,
    # its members, and the community's admin looking at it as members see it
    ("council_meetings.meeting", "GET", "/council/meetings/{meeting_id}"): MEETING_STAFF,
    ("council_meetings.vote", "POST", "/council/meetings/items/{item_id}/vote"): set(),
    # a forged code: refused with the Chinese page, after logging in
    ("council_meetings.scan_in", "GET", "/council/meetings/a/{token}"): LOGGED_IN,
    ("council_meetings.outcomes_index", "GET", "/council/outcomes"): EVERYONE,
    ("council_meetings.outcome", "GET", "/council/outcomes/{decided_topic_id}"): EVERYONE,
}

FUZZ: dict = {
    "council_meetings.bodies": "community",
    "council_meetings.seed_bodies": "community",
    "council_meetings.backing": "community",
    "council_meetings.edit_body": "community",
    "council_meetings.add_member": "",
    "council_meetings.end_term": "+day",
    "council_meetings.staff_meetings": "community",
    "council_meetings.schedule": "community",
    "council_meetings.desk": "",
    "council_meetings.live": "partial",
    "council_meetings.code": "",
    "council_meetings.code_image": "",
    "council_meetings.clerk_scan": "",
    "council_meetings.proxy": "",
    "council_meetings.minutes": "",
    "council_meetings.open_vote": "",
    "council_meetings.paper": "",
    "council_meetings.close_vote": "",
    "council_meetings.confirm_paper": "",
    "council_meetings.add_progress": "",
    "council_meetings.mine": "",
    "council_meetings.meeting": "",
    "council_meetings.vote": "+choice",
    "council_meetings.scan_in": "",
    "council_meetings.outcomes_index": "all",
    "council_meetings.outcome": "",
}

OUT_OF_SCOPE: list = [
    ("GET", "/staff/council/bodies/{body_id}"),
    ("POST", "/staff/council/bodies/{body_id}"),
    ("POST", "/staff/council/bodies/{body_id}/members"),
    ("POST", "/staff/council/members/{council_member_id}/end"),
    ("GET", "/staff/council/meetings/{meeting_id}"),
    ("GET", "/staff/council/meetings/{meeting_id}/live"),
    ("GET", "/staff/council/meetings/{meeting_id}/code"),
    ("GET", "/staff/council/meetings/{meeting_id}/code.svg"),
    ("POST", "/staff/council/meetings/{meeting_id}/scan"),
    ("POST", "/staff/council/meetings/{meeting_id}/proxy"),
    ("GET", "/staff/council/meetings/{meeting_id}/minutes"),
    ("POST", "/staff/council/agenda/{closed_item_id}/open"),
    ("POST", "/staff/council/agenda/{item_id}/paper"),
    ("POST", "/staff/council/agenda/{item_id}/close"),
    ("POST", "/staff/council/votes/{vote_id}/confirm"),
    ("POST", "/staff/council/outcomes/{decided_topic_id}/progress"),
    ("GET", "/council/meetings/{meeting_id}"),
]
