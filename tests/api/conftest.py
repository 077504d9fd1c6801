"""API fixtures: 新安路社区's shop open all day, its clerk with a counter token, a resident with
50 分, and `call`, which sends a request and holds its answer to the OpenAPI spec."""

import re
import secrets
from datetime import time

import jsonschema_rs
import pytest

from portal.api import tokens
from portal.api.core import spec
from portal.extensions import db
from portal.points import ledger
from portal.shop import services


@pytest.fixture
def clerk(make_user, tree):
    return make_user("clerk", zone=tree.xinan, name="林美华")


@pytest.fixture
def shop(make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    result = services.save_shop(admin, None, zone=tree.xinan, name="新安路社区积分超市",
                                open_days=list(range(7)), open_time=time(0),
                                close_time=time(23, 59, 59), address="社区党群服务中心一楼")
    db.session.commit()
    return result


@pytest.fixture
def make_good(shop, clerk):
    def factory(name="金龙鱼大米 5kg", price="10", stock=50, limit=None):
        good = services.save_good(clerk, shop, None, name=name, category="粮油", price=price,
                                  monthly_limit=limit, barcode="", low_stock=3)
        services.restock(clerk, good, stock, "社区采购入库")
        db.session.commit()
        return good

    return factory


@pytest.fixture
def resident(make_user):
    """王秀英, a resident of 新安路社区 with 50 分."""
    user = make_user(name="王秀英")
    ledger.earn(user.id, 500, source_type="award", source_id=user.id)
    db.session.commit()
    return user


@pytest.fixture
def bearer():
    """bearer(user, "counter read") -> the Authorization header of a new token of theirs."""

    def factory(user, scopes="read checkin counter", actor=None):
        _token, secret = tokens.issue(actor or user, holder=user, name="测试令牌",
                                      scopes=scopes.split())
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return factory


def new_key() -> str:
    return secrets.token_urlsafe(16)


def _operation(document: dict, method: str, path: str) -> dict:
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"{method} {path} is not in the spec")


def conforms(method: str, path: str, response) -> None:
    """The response's status is declared for its operation, and its body fits the schema."""
    document = spec.spec
    declared = _operation(document, method, path.split("?")[0])["responses"]
    status = str(response.status_code)
    assert status in declared, (method, path, status, response.get_data(as_text=True))
    schema = declared[status]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**schema, "components": document["components"]})
    assert response.mimetype == "application/json"
    errors = [str(e) for e in validator.iter_errors(response.get_json())]
    assert not errors, (method, path, errors)


@pytest.fixture
def call(client, app):
    """call("POST", "/api/v1/…", headers, json=…) -> the response, checked against the spec."""

    def send(method, path, headers=None, **kwargs):
        response = client.open(path, method=method, headers=headers or {}, **kwargs)
        with app.test_request_context():
            conforms(method, path, response)
        return response

    return send
