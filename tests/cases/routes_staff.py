"""Rows for tests/test_access.py (ACCESS: who may open each route) and tests/test_fuzz.py (FUZZ:
what each view reads that no form or link shows) for the cases_staff routes. Path arguments
come from tests/cases/targets.py."""

from tests.access_roles import (  # noqa: F401
    ADMINS,
    CASE_STAFF,
    DISPATCHERS,
    EVERYONE,
    LOGGED_IN,
    STAFF,
)

#: the desk, a matter's page and filing for a resident: grid workers and admins; the
#: community's steps on a matter: dispatchers; categories and units: admins
ACCESS: dict = {
    ("cases_staff.desk", "GET", "/staff/cases/"): CASE_STAFF,
    ("cases_staff.overdue", "GET", "/staff/cases/overdue"): CASE_STAFF,
    ("cases_staff.detail", "GET", "/staff/cases/{case_id}"): CASE_STAFF,
    ("cases_staff.photo", "GET", "/staff/cases/{case_id}/photos/t_none.jpg"): CASE_STAFF,
    ("cases_staff.dispatch", "POST", "/staff/cases/{case_id}/dispatch"): DISPATCHERS,
    ("cases_staff.pool", "POST", "/staff/cases/{case_id}/pool"): DISPATCHERS,
    ("cases_staff.transfer", "POST", "/staff/cases/{case_id}/transfer"): DISPATCHERS,
    ("cases_staff.decline", "POST", "/staff/cases/{case_id}/decline"): DISPATCHERS,
    ("cases_staff.revisit", "POST", "/staff/cases/{case_id}/revisit"): DISPATCHERS,
    ("cases_staff.joint_decision", "POST",
     "/staff/cases/{case_id}/joint-decision"): DISPATCHERS,
    ("cases_staff.rate_by_phone", "POST", "/staff/cases/{case_id}/phone-rating"): DISPATCHERS,
    ("cases_staff.new", "GET", "/staff/cases/new"): CASE_STAFF,
    ("cases_staff.new", "POST", "/staff/cases/new"): CASE_STAFF,
    ("cases_settings.categories", "GET", "/staff/cases/categories"): ADMINS,
    ("cases_settings.seed_defaults", "POST",
     "/staff/cases/categories/defaults?community={community_code}"): ADMINS,
    ("cases_settings.edit_category", "GET",
     "/staff/cases/categories/new?community={community_code}"): ADMINS,
    ("cases_settings.edit_category", "POST",
     "/staff/cases/categories/new?community={community_code}"): ADMINS,
    ("cases_settings.edit_category", "GET", "/staff/cases/categories/{category_id}"): ADMINS,
    ("cases_settings.edit_category", "POST", "/staff/cases/categories/{category_id}"): ADMINS,
    ("cases_settings.units", "GET", "/staff/cases/units"): ADMINS,
    ("cases_settings.edit_unit", "GET", "/staff/cases/units/new?community={community_code}"):
        ADMINS,
    ("cases_settings.edit_unit", "POST", "/staff/cases/units/new?community={community_code}"):
        ADMINS,
    ("cases_settings.edit_unit", "GET", "/staff/cases/units/{unit_id}"): ADMINS,
    ("cases_settings.edit_unit", "POST", "/staff/cases/units/{unit_id}"): ADMINS,
}

FUZZ: dict = {
    "cases_staff.desk": "tab page",
    "cases_staff.overdue": "page",
    "cases_staff.detail": "",
    "cases_staff.photo": "",
    # the target matter is dispatched: only the transfer form is drawn on its page
    "cases_staff.dispatch": "+to +note",
    "cases_staff.pool": "",
    "cases_staff.transfer": "",
    "cases_staff.decline": "+reason",
    "cases_staff.revisit": "+note",
    "cases_staff.joint_decision": "+note",
    "cases_staff.rate_by_phone": "+rating +resolution +comment",
    "cases_staff.new": "",
    "cases_settings.categories": "community",
    "cases_settings.seed_defaults": "community",
    "cases_settings.edit_category": "community",
    "cases_settings.units": "community",
    "cases_settings.edit_unit": "community",
}
