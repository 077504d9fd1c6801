"""Rows for tests/test_access.py (ACCESS, OUT_OF_SCOPE: a 新安路 admin is refused 东梅's grid)
and tests/test_fuzz.py (FUZZ: what each view reads that no form or link shows)."""

from tests.access_roles import STAFF

ACCESS: dict = {
    ("dashboards.index", "GET", "/staff/dashboards/"): STAFF,
    ("dashboards.zone", "GET", "/staff/dashboards/{grid_id}"): STAFF,
}

FUZZ: dict = {
    "dashboards.index": "",
    "dashboards.zone": "period first last",
}

OUT_OF_SCOPE: list = [
    ("GET", "/staff/dashboards/{grid_id}"),
]
