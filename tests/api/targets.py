"""The row the token pages' URLs point at: a token of the community's resident (made by
themselves). Used by tests/test_access.py's _targets."""

from portal.api import tokens


def api_targets(make_user, community, grid, building, resident) -> dict:
    token, _secret = tokens.issue(resident, holder=resident, name="我的小程序", scopes=["read"])
    return {"api_token_id": token.id}
