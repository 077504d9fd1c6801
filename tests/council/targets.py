"""Rows the route tables' URLs point at, in one community. Used by tests/test_access.py's
_targets."""


def council_targets(make_user, community, grid, building, resident) -> dict:
    return {}
