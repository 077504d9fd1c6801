"""The token pages: a secret shown once and working at once; revoking stops it; an admin's
device token only for staff they outrank."""

import re

from portal.api.models import ApiToken
from portal.audit import AuditEvent
from portal.extensions import db
from portal.tokens import hash_token


def _secret(page: bytes) -> str:
    found = re.search(rb'id="new-token"[^>]*>([^<]+)</textarea>', page)
    assert found, "the new token is shown"
    return found.group(1).decode().strip()


def test_a_resident_makes_uses_and_revokes_a_token(client, auth, make_user):
    resident = make_user()
    auth.login(resident)
    page = client.post("/me/api-tokens", data={"name": "我的小程序", "scopes": ["read"]})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    secret = _secret(page.data)
    token = db.session.query(ApiToken).filter_by(holder_id=resident.id).one()
    assert token.token_hash == hash_token(secret) and secret not in token.prefix * 2
    assert token.scopes == "read" and token.prefix == secret[:8]
    again = client.get("/me/api-tokens")
    assert secret.encode() not in again.data and token.prefix.encode() in again.data
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me/balance", headers=headers).status_code == 200
    assert client.post(f"/me/api-tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/me/balance", headers=headers).status_code == 401
    assert {"api.token_issue", "api.token_revoke"} <= {
        e.action for e in db.session.query(AuditEvent).filter_by(actor_id=resident.id)}


def test_no_scope_no_token(client, auth, make_user):
    auth.login(make_user())
    page = client.post("/me/api-tokens", data={"name": "我的小程序"})
    assert b'id="new-token"' not in page.data and db.session.query(ApiToken).count() == 0


def test_an_admin_makes_a_device_token_for_staff_they_outrank(client, auth, make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    clerk = make_user("clerk", zone=tree.xinan)
    peer = make_user("admin", zone=tree.xinan)
    auth.login(admin)
    page = client.post("/staff/api-tokens", data={"phone": clerk.phone, "name": "超市柜台平板",
                                                  "scopes": ["counter"]})
    _secret(page.data)
    token = db.session.query(ApiToken).filter_by(holder_id=clerk.id).one()
    assert token.created_by_id == admin.id and token.scopes == "counter"
    refused = client.post("/staff/api-tokens", data={"phone": peer.phone, "name": "平板",
                                                     "scopes": ["counter"]})
    assert refused.status_code == 403
    assert db.session.query(ApiToken).filter_by(holder_id=peer.id).count() == 0
    assert client.post(f"/me/api-tokens/{token.id}/revoke").status_code == 302
    db.session.refresh(token)
    assert token.is_revoked
