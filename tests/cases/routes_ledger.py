"""Rows for tests/test_access.py (ACCESS: who may open each route) and tests/test_fuzz.py (FUZZ:
what each view reads that no form or link shows) for the cases_ledger routes. Path arguments
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
    # the 台账: staff who see matters, each over their own zones
    ("cases_ledger.staff_ledger", "GET", "/staff/cases/ledger"): CASE_STAFF,
    ("cases_ledger.print_ledger", "GET", "/staff/cases/ledger/print?month=2026-11"): CASE_STAFF,
    ("cases_ledger.ledger_xlsx", "GET", "/staff/cases/ledger.xlsx"): CASE_STAFF,
    # 晒账: open to everyone, no login
    ("cases_ledger.public_index", "GET", "/cases/public"): EVERYONE,
    ("cases_ledger.public_ledger", "GET", "/cases/public/{community_code}"): EVERYONE,
}

FUZZ: dict = {
    "cases_ledger.staff_ledger": "month",
    "cases_ledger.print_ledger": "month",
    "cases_ledger.ledger_xlsx": "month",
    "cases_ledger.public_index": "",
    "cases_ledger.public_ledger": "page",
}
