"""Rows for tests/test_access.py (ACCESS: who may open each route) and tests/test_fuzz.py (FUZZ:
what each view reads that no form or link shows) for the cases_open311 routes. Path arguments
come from tests/cases/targets.py."""

from tests.access_roles import (  # noqa: F401
    ADMINS,
    CASE_STAFF,
    DISPATCHERS,
    EVERYONE,
    LOGGED_IN,
    STAFF,
)

ACCESS: dict = {
    # Open311 GeoReport v2: the reads are public (masked, only matters the resident allowed)
    ("cases_open311.services", "GET", "/open311/v2/services.json?jurisdiction_id={community_code}"):
        EVERYONE,
    ("cases_open311.list_requests", "GET",
     "/open311/v2/requests.json?jurisdiction_id={community_code}"): EVERYONE,
    ("cases_open311.request_detail", "GET", "/open311/v2/requests/{case_id}.json"): EVERYONE,
    # posting needs an api_key, which no role's session stands in for: 403 for everyone here
    ("cases_open311.create_request", "POST", "/open311/v2/requests.json"): set(),
    # the community admin issues and revokes keys (cases.categories)
    ("cases_open311.api_keys", "GET", "/staff/cases/api-keys"): ADMINS,
    ("cases_open311.api_keys", "POST", "/staff/cases/api-keys"): ADMINS,
    ("cases_open311.revoke_api_key", "POST", "/staff/cases/api-keys/{api_key_id}/revoke"): ADMINS,
}

FUZZ: dict = {
    "cases_open311.services": "jurisdiction_id",
    "cases_open311.list_requests": "jurisdiction_id service_request_id service_code start_date "
                                   "end_date status page page_size",
    "cases_open311.request_detail": "jurisdiction_id",
    "cases_open311.create_request": "+api_key +jurisdiction_id +service_code +title +description "
                                    "+address_string +address_id +lat +long +phone +email "
                                    "+first_name +last_name +media_url +public",
    "cases_open311.api_keys": "",
    "cases_open311.revoke_api_key": "",
}
