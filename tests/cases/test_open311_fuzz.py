"""The Open311 endpoints with malformed input and a working key (which tests/test_fuzz.py never
has): every answer is JSON, a refusal is in Open311's format, and none is a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.cases import apikeys
from portal.cases.models import Case
from portal.extensions import db

POST_FIELDS = ["service_code", "title", "description", "address_string", "address_id", "lat",
               "long", "phone", "jurisdiction_id", "public", "email", "media_url"]
GET_FIELDS = ["jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date",
              "status", "page", "page_size"]
ODD = ["", " ", "0", "-1", "1e400", "nan", "inf", "99999999999999999999", "2147483648", "1.5",
       "9999-12-31", "0001-01-01", "2026-02-30", "2026-11-10T25:00", "2099-12-31T23:59:59+14:00",
       "2000-01-01T00:00:00-12:00", "open,closed,", ",,,", "测" * 3000, "x" * 5000, "\u202e",
       "<script>", "' OR 1=1 --", "DC-XA", "DC-XA-02", "DC", "13900000001", "+86 139 0000 0001",
       "true", "1,2,3", "１２", "٣"]


def values(valid: list[str]):
    return st.one_of(st.sampled_from(ODD + valid), st.text(max_size=60),
                     st.integers().map(str), st.floats().map(str))


@pytest.fixture
def setting(app, admin, resident, categories, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_RATE_LIMIT", "100000 per minute")
    monkeypatch.setitem(app.config, "OPEN311_KEY_RATE_LIMIT", "100000 per minute")
    _key, token = apikeys.issue(admin, community=categories["房屋漏水"].community, holder=admin,
                                label="模糊测试")
    db.session.commit()
    valid = [str(c.id) for c in categories.values()] + [resident.phone]
    return token, valid


def _answered(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body, list)
    if response.status_code >= 400:
        assert len(body) == 1 and body[0]["code"] == response.status_code
        assert isinstance(body[0]["description"], str) and body[0]["description"]


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_posting_anything_never_breaks(client, setting, data):
    token, valid = setting
    names = data.draw(st.lists(st.sampled_from(POST_FIELDS), unique=True, max_size=8))
    form = {name: data.draw(values(valid), label=name) for name in names}
    form["api_key"] = token
    before = db.session.scalar(select(func.count(Case.id)))
    response = client.post("/open311/v2/requests.json", data=form)
    _answered(response)
    after = db.session.scalar(select(func.count(Case.id)))
    assert after == before + (response.status_code == 200)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_reading_with_anything_never_breaks(client, setting, data):
    _token, valid = setting
    names = data.draw(st.lists(st.sampled_from(GET_FIELDS), unique=True, max_size=6))
    query = {name: data.draw(values(valid), label=name) for name in names}
    _answered(client.get("/open311/v2/requests.json", query_string=query))
    _answered(client.get("/open311/v2/services.json", query_string=query))
    ident = data.draw(values(valid), label="id").replace("/", "")
    if ident.strip() and ident not in (".", ".."):
        # quoted, as a client would send it: "?" or "#" in a raw path is not a path at all
        response = client.get(f"/open311/v2/requests/{quote(ident, safe='')}.json",
                              query_string=query)
        assert response.status_code < 500 and response.mimetype == "application/json"
