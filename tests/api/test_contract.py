"""Every error code the API gives, each response held to the spec."""

import json
import re

import pytest

from portal.api.models import ApiToken, IdempotentAnswer
from portal.audit import AuditEvent
from portal.extensions import db
from portal.members import codes
from portal.points import ledger
from portal.shop.models import Redemption
from tests.api.conftest import new_key

BALANCE = "/api/v1/me/balance"


def member_code(user) -> str:
    """What the resident's phone shows (its key kept: each request ends in a rollback)."""
    code = codes.member_code(user)
    db.session.commit()
    return code


def test_balance_and_passbook(call, bearer, resident):
    headers = bearer(resident, "read")
    answer = call("GET", BALANCE, headers)
    assert answer.status_code == 200
    assert answer.get_json()["balance_tenths"] == 500 and answer.get_json()["balance"] == "50"
    for n in range(4):
        ledger.earn(resident.id, 10, source_type="award", source_id=1000 + n)
    db.session.commit()
    first = call("GET", "/api/v1/me/passbook?limit=2", headers).get_json()
    assert [e["amount_tenths"] for e in first["items"]] == [10, 10]
    second = call("GET", f"/api/v1/me/passbook?limit=2&cursor={first['next_cursor']}",
                  headers).get_json()
    third = call("GET", f"/api/v1/me/passbook?limit=2&cursor={second['next_cursor']}",
                 headers).get_json()
    ids = [e["id"] for page in (first, second, third) for e in page["items"]]
    assert len(ids) == 5 == len(set(ids)) and third["next_cursor"] is None


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nope", "Basic abc",
                                    "Bearer " + "x" * 300])
def test_401_without_a_working_token(call, header):
    answer = call("GET", BALANCE, {"Authorization": header} if header else {})
    assert answer.status_code == 401 and answer.get_json()["code"] == "unauthorized"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_401_once_revoked_or_the_holder_is_disabled(call, bearer, resident, make_user):
    from portal.api import tokens

    headers = bearer(resident, "read")
    assert call("GET", BALANCE, headers).status_code == 200
    token = db.session.query(ApiToken).filter_by(holder_id=resident.id).one()
    assert tokens.revoke(resident, token) is True
    db.session.commit()
    assert call("GET", BALANCE, headers).status_code == 401
    other = make_user()
    headers = bearer(other, "read")
    other.is_active_account = False
    db.session.commit()
    assert call("GET", BALANCE, headers).status_code == 401


def test_403_without_the_scope(call, bearer, resident, shop):
    answer = call("GET", BALANCE, bearer(resident, "counter"))
    assert answer.status_code == 403 and answer.get_json()["code"] == "scope_missing"
    answer = call("GET", f"/api/v1/counter/shops/{shop.id}/goods", bearer(resident, "read"))
    assert answer.get_json()["code"] == "scope_missing"


def test_403_outside_the_holders_scope(call, bearer, resident, shop):
    """A counter token is worth no more than its holder: a resident manages no shop."""
    answer = call("GET", f"/api/v1/counter/shops/{shop.id}/goods", bearer(resident, "counter"))
    assert answer.status_code == 403 and answer.get_json()["code"] == "forbidden"


def test_404_405_and_bad_input_are_json(call, client, bearer, clerk, shop):
    headers = bearer(clerk, "counter")
    answer = call("GET", "/api/v1/counter/shops/999999/goods", headers)
    assert answer.status_code == 404 and answer.get_json()["code"] == "not_found"
    for path in ("/api/v1/nothing", "/api/v1/counter/shops/x/goods"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404 and answer.get_json()["code"] == "not_found"
    answer = client.delete(BALANCE, headers=headers)
    assert answer.status_code == 405 and answer.get_json()["code"] == "method_not_allowed"
    for query in ("limit=0", "limit=101", "limit=abc", "cursor=" + "x" * 65):
        answer = call("GET", f"/api/v1/counter/shops/{shop.id}/goods?{query}", headers)
        assert answer.status_code == 422 and answer.get_json()["code"] == "invalid_request"
    answer = call("GET", f"/api/v1/counter/shops/{shop.id}/goods?cursor=bm9wZQ", headers)
    assert answer.status_code == 400 and answer.get_json()["code"] == "bad_cursor"


def _sale(call, headers, shop, code, lines, key=None):
    return call("POST", f"/api/v1/counter/shops/{shop.id}/sales",
                {**headers, "Idempotency-Key": key or new_key()},
                json={"code": code, "lines": lines})


def test_a_sale_a_replay_and_a_void(call, bearer, clerk, shop, make_good, resident):
    rice = make_good(price="10")
    headers = bearer(clerk, "counter")
    looked = call("POST", f"/api/v1/counter/shops/{shop.id}/lookup", headers,
                  json={"code": member_code(resident)}).get_json()
    assert looked["how"] == "member_code" and looked["member"]["balance_tenths"] == 500
    key = new_key()
    lines = [{"good_id": rice.id, "quantity": 2}]
    first = _sale(call, headers, shop, member_code(resident), lines, key)
    assert first.status_code == 201 and first.get_json()["total_tenths"] == 200
    again = _sale(call, headers, shop, member_code(resident), lines, key)
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(Redemption).count() == 1 and ledger.balance_of(resident.id) == 300
    other = _sale(call, headers, shop, member_code(resident),
                  [{"good_id": rice.id, "quantity": 1}], key)
    assert other.status_code == 422 and other.get_json()["code"] == "idempotency_key_reused"
    sale_id = first.get_json()["id"]
    voided = call("POST", f"/api/v1/counter/sales/{sale_id}/void",
                  {**headers, "Idempotency-Key": new_key()}, json={"reason": "点错了"})
    assert voided.status_code == 200 and voided.get_json()["status"] == "voided"
    assert ledger.balance_of(resident.id) == 500
    token = db.session.query(ApiToken).filter_by(holder_id=clerk.id).one()
    actions = {e.action for e in db.session.query(AuditEvent).filter_by(actor_id=clerk.id)}
    assert {"redemption.create", "redemption.void", "api.write"} <= actions
    api_rows = db.session.query(AuditEvent).filter_by(action="api.write").all()
    assert all(token.prefix in e.summary for e in api_rows) and len(api_rows) == 2
    assert db.session.query(IdempotentAnswer).count() == 2


def test_domain_refusals_pass_their_codes_through(call, bearer, clerk, shop, make_good,
                                                  resident):
    rice = make_good(price="30", stock=5)
    headers = bearer(clerk, "counter")
    answer = _sale(call, headers, shop, member_code(resident), [{"good_id": rice.id,
                                                                 "quantity": 2}])
    assert answer.status_code == 409 and answer.get_json()["code"] == "insufficient_points"
    assert answer.get_json()["message"] == "积分不足。"
    answer = _sale(call, headers, shop, "m.forged", [{"good_id": rice.id, "quantity": 1}])
    assert answer.status_code == 400 and answer.get_json()["code"] == "invalid_code"
    answer = _sale(call, headers, shop, member_code(clerk), [{"good_id": rice.id,
                                                              "quantity": 1}])
    assert answer.status_code == 403  # never to oneself
    answer = call("POST", f"/api/v1/counter/shops/{shop.id}/sales", headers,
                  json={"code": member_code(resident), "lines": []})
    assert answer.status_code == 400  # no Idempotency-Key: refused before anything else
    assert answer.get_json()["code"] == "idempotency_key_required"
    answer = _sale(call, headers, shop, member_code(resident), [])
    assert answer.status_code == 422 and answer.get_json()["code"] == "invalid_request"
    answer = call("POST", f"/api/v1/counter/shops/{shop.id}/sales",
                  {**headers, "Idempotency-Key": "short"},
                  json={"code": member_code(resident), "lines": [{"good_id": rice.id,
                                                                  "quantity": 1}]})
    assert answer.status_code in (400, 422)
    assert db.session.query(Redemption).count() == 0 and ledger.balance_of(resident.id) == 500


def test_429_per_token(app, call, bearer, resident, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    headers = bearer(resident, "read")
    codes = [call("GET", BALANCE, headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    answer = call("GET", BALANCE, headers)
    assert answer.get_json()["code"] == "rate_limited"
    # another token (another holder) has its own count
    assert call("GET", BALANCE, bearer(make_user(), "read")).status_code == 200


def test_the_spec_and_the_docs(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/counter/shops/{shop_id}/sales" in spec["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"Idempotency-Key" in page.data
    assert b"<script" not in page.data and len(page.data) < 60_000
    # each tag's page: its endpoints and every schema they use, each page within the budget
    tags = {op["tags"][0] for item in spec["paths"].values() for op in item.values()}
    described = set()
    for tag in tags:
        part = client.get(f"/api/v1/docs/{tag}")
        assert part.status_code == 200 and b"<script" not in part.data
        assert len(part.data) < 60_000 and tag.encode() in page.data
        described |= {ref.decode() for ref in re.findall(rb'id="schema-([A-Za-z0-9_]+)"',
                                                         part.data)}
    refs = set(re.findall(r'"#/components/schemas/([A-Za-z0-9_]+)"', json.dumps(spec)))
    assert refs <= described
    assert client.get("/api/v1/docs/没有这一类").status_code == 404
    exports = client.get("/api/v1/docs/数据导出").get_data(as_text=True)
    assert exports.count("<code>exports</code>") == 2  # both endpoints name their scope
