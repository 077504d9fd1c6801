"""Rows for tests/test_access.py (ACCESS: who may open each route; OUT_OF_SCOPE: scoped URLs a
新安路 admin is refused for 东梅) and tests/test_fuzz.py (FUZZ: what each view reads that no form
or link shows)."""

from tests.access_roles import (  # noqa: F401
    ADMINS,
    EVERYONE,
    LOGGED_IN,
    STAFF,
)

ACCESS: dict = {}

FUZZ: dict = {}

OUT_OF_SCOPE: list = []
