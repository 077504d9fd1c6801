"""Open311 API keys: stored as a hash, shown once, issued only to staff who may file matters in
the community and whom the admin outranks, revoked at once; the admin's page."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.cases import apikeys
from portal.cases.apikeys import CaseApiKey
from portal.errors import NotAllowed
from portal.extensions import db
from tests.conftest import once
from tests.helpers import code_of


def test_only_a_hash_of_the_key_is_kept(admin, tree):
    key, token = apikeys.issue(admin, community=tree.xinan, holder=admin, label="12345 热线转办")
    db.session.commit()
    assert len(token) >= 40 and key.prefix == token[:8]
    assert key.key_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = db.session.execute(select(CaseApiKey.__table__)).one()
    assert token not in str(tuple(stored))
    assert apikeys.key_for(token).id == key.id
    assert apikeys.key_for(token[:-1]) is None and apikeys.key_for("") is None
    assert apikeys.key_for(key.key_hash) is None  # the hash itself is no key
    summary = db.session.scalar(select(AuditEvent.summary).where(
        AuditEvent.action == "case.api_key_issue"))
    assert summary.startswith(f"签发 Open311 接口密钥 {key.prefix}")


def test_two_keys_never_share_a_token(admin, tree):
    first = apikeys.issue(admin, community=tree.xinan, holder=admin, label="热线一")[1]
    second = apikeys.issue(admin, community=tree.xinan, holder=admin, label="热线二")[1]
    assert first != second


def test_revoking_stops_the_key_once(admin, tree):
    key, token = apikeys.issue(admin, community=tree.xinan, holder=admin, label="热线")
    assert apikeys.revoke(admin, key) is True
    assert apikeys.revoke(admin, key) is False
    db.session.commit()
    assert key.is_revoked and key.revoked_by_id == admin.id
    assert apikeys.key_for(token) is None
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "case.api_key_revoke")) == 1


def test_who_may_hold_a_key(admin, gridworker, make_user, tree):
    def holder_refused(holder, community=tree.xinan):
        return code_of(apikeys.issue, admin, community=community, holder=holder, label="热线")

    assert holder_refused(None) == "bad_holder"
    assert holder_refused(make_user()) == "bad_holder"  # a resident files nothing for others
    assert holder_refused(gridworker) == "bad_holder"  # a grid, not the whole community
    assert holder_refused(make_user("admin", zone=tree.xinan)) == "bad_holder"  # a peer
    assert holder_refused(make_user("clerk", zone=tree.xinan)) == "bad_holder"  # no filing
    assert holder_refused(make_user("superadmin")) == "bad_holder"  # a superior
    community_worker = make_user("coordinator", zone=tree.xinan)
    key, _token = apikeys.issue(admin, community=tree.xinan, holder=community_worker,
                                label="热线")
    assert key.holder_id == community_worker.id and key.created_by_id == admin.id


def test_who_may_issue_and_revoke(admin, gridworker, make_user, tree):
    assert code_of(apikeys.issue, admin, community=tree.xinan_grid, holder=admin,
                   label="热线") == "bad_zone"
    assert code_of(apikeys.issue, admin, community=tree.xinan, holder=admin,
                   label="x") == "bad_label"
    with pytest.raises(NotAllowed):
        apikeys.issue(admin, community=tree.dongmei, holder=admin, label="热线")
    coordinator = make_user("coordinator", zone=tree.xinan)
    with pytest.raises(NotAllowed):
        apikeys.issue(coordinator, community=tree.xinan, holder=coordinator, label="热线")
    key, _token = apikeys.issue(admin, community=tree.xinan, holder=admin, label="热线")
    with pytest.raises(NotAllowed):
        apikeys.revoke(make_user("admin", zone=tree.dongmei), key)


# ---------------------------------------------------------------- the admin's page


def test_the_page_issues_a_key_and_shows_it_once(client, auth, admin, tree):
    auth.login(admin)
    page = client.get("/staff/cases/api-keys")
    assert page.status_code == 200 and "还没有签发过密钥" in page.get_data(as_text=True)
    form = {"community": tree.xinan.id, "phone": admin.phone, "label": "12345 热线转办", **once()}
    shown = client.post("/staff/cases/api-keys", data=form)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "只显示这一次" in html
    token = re.search(r'id="new-token"[^>]*>([^<]+)</textarea>', html).group(1)
    key = apikeys.key_for(token)
    assert key is not None and key.holder_id == admin.id
    assert shown.headers["Cache-Control"] == "private, no-store"
    again = client.get("/staff/cases/api-keys").get_data(as_text=True)
    assert token not in again and f"{key.prefix}…" in again and "12345 热线转办" in again
    replay = client.post("/staff/cases/api-keys", data=form)  # a double tap: no second key
    assert replay.status_code == 302
    assert token not in client.get(replay.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count(CaseApiKey.id))) == 1


def test_a_refused_issue_says_why_and_makes_nothing(client, auth, admin, make_user, tree):
    auth.login(admin)
    resident = make_user()
    html = client.post("/staff/cases/api-keys", data={
        "community": tree.xinan.id, "phone": resident.phone, "label": "热线", **once()},
        follow_redirects=True).get_data(as_text=True)
    assert "协调员（网格员）或管理员" in html and 'id="new-token"' not in html
    html = client.post("/staff/cases/api-keys", data={
        "community": tree.dongmei.id, "phone": admin.phone, "label": "热线", **once()}
    ).get_data(as_text=True)
    assert "请从列表中选择" in html  # 东梅 is not among 张丽's communities
    assert db.session.scalar(select(func.count(CaseApiKey.id))) == 0


def test_the_page_revokes_a_key_in_scope_only(client, auth, admin, make_user, tree):
    key, token = apikeys.issue(admin, community=tree.xinan, holder=admin, label="热线")
    dongmei_admin = make_user("admin", zone=tree.dongmei, home=tree.dongmei_building)
    theirs, _t = apikeys.issue(dongmei_admin, community=tree.dongmei, holder=dongmei_admin,
                               label="东梅热线")
    db.session.commit()
    auth.login(admin)
    assert "东梅热线" not in client.get("/staff/cases/api-keys").get_data(as_text=True)
    assert client.post(f"/staff/cases/api-keys/{theirs.id}/revoke").status_code == 403
    response = client.post(f"/staff/cases/api-keys/{key.id}/revoke", follow_redirects=True)
    assert "已停用" in response.get_data(as_text=True)
    assert apikeys.key_for(token) is None
    assert client.post("/staff/cases/api-keys/999999/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(CaseApiKey, theirs.id).revoked_dt is None
