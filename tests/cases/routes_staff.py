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

ACCESS: dict = {}

FUZZ: dict = {}
