"""Rows for tests/test_access.py and tests/test_fuzz.py: the exports page and its downloads.
The ACCESS row's download is the points ledger (points.view_resident: every staff role); a
kind a role lacks is a 403 past the door (tests/exports/test_views.py)."""

from tests.access_roles import STAFF

ACCESS: dict = {
    ("exports.index", "GET", "/staff/exports/"): STAFF,
    ("exports.download", "GET", "/staff/exports/points_ledger.xlsx"): STAFF,
}

FUZZ: dict = {
    "exports.index": "zone period start end",
    "exports.download": "zone period start end",
}

#: a 新安路 admin asking for 东梅's grid is refused, not quietly given an empty sheet
OUT_OF_SCOPE: list = [
    ("GET", "/staff/exports/points_ledger.xlsx?zone={grid_id}"),
]
