"""The API's frame: the blueprint, the OpenAPI spec (spectree: pydantic models declared once,
used to validate requests and responses and to write the spec), bearer tokens and scopes,
JSON errors, idempotency keys, rate limits per token and cursors.

Everything here is confined to the blueprint: its error handlers, its CSRF exemption and its
rate limit never touch the HTML pages, whose Chinese error pages stay as they are."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import re
from functools import wraps

from flask import Blueprint, Response, current_app, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from pydantic import BaseModel
from spectree import SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from portal import audit
from portal.api import tokens
from portal.api.models import ApiToken, IdempotentAnswer
from portal.errors import DomainError, rate_limit_message
from portal.extensions import csrf, db, limiter

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)


class Error(BaseModel):
    """Every refusal: a stable English code (the services' DomainError codes pass through)
    and a Chinese message for people."""

    code: str
    message: str


#: the stable codes of refusals the frame makes itself (the services add their own)
HTTP_CODES = {
    400: ("bad_request", _l("请求有误。")),
    401: ("unauthorized", _l("请在 Authorization 头里提供有效的接口令牌（Bearer）。")),
    403: ("forbidden", _l("您没有权限进行此操作。")),
    404: ("not_found", _l("没有这个接口地址或对象。")),
    405: ("method_not_allowed", _l("这个接口地址不支持这种请求方法。")),
    413: ("too_large", _l("请求太大。")),
    415: ("unsupported_media_type", _l("请求体须是 JSON。")),
    422: ("invalid_request", _l("请求内容不符合接口说明。")),
    429: ("rate_limited", _l("请求太频繁，请稍后再试。")),
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message):
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message) -> Response:
    response = Response(json.dumps({"code": code, "message": str(message)}, ensure_ascii=False),
                        status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _validation_failed(req, resp, req_validation_error, instance, model_adapter):
    """spectree's hook: a request that does not fit its model gets our error body."""
    if req_validation_error is None or resp is None:
        return
    where = ""
    try:
        first = req_validation_error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
    except (AttributeError, IndexError, TypeError):
        pass
    resp.set_data(json.dumps({"code": "invalid_request", "message": _(
        "请求内容不符合接口说明（%(where)s），请对照 /api/v1/docs 修改。", where=where or "-")},
        ensure_ascii=False))
    resp.mimetype = "application/json"


def _answer_invalid(req, resp, resp_validation_error, instance, model_adapter):
    """spectree's hook after a view: an answer that does not fit its own model is our bug. It
    is logged, and the client gets our 500 body (never the values that failed)."""
    if resp_validation_error is None or resp is None:
        return
    log.error("API %s %s answered outside its model: %s", req.method, req.path,
              resp_validation_error)
    resp.set_data(json.dumps({"code": "internal_error",
                              "message": _("系统暂时出了问题，请稍后再试。")}, ensure_ascii=False))
    resp.mimetype = "application/json"


spec = SpecTree(
    "flask", mode="strict", path="_spectree", title="社区门户 API", version="1.0.0",
    openapi_version="3.1.0", before=_validation_failed, after=_answer_invalid,
    validation_error_model=Error,
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    description="社区门户的 JSON 接口：积分、超市柜台、签到、志愿岗位、微心愿。"
                "用个人接口令牌认证（Authorization: Bearer <令牌>）。",
    security_schemes=[SecurityScheme(name="bearer",
                                     data=SecuritySchemeData(type="http", scheme="bearer"))],
)



def documented(**options):
    """spectree's validate, as every endpoint uses it: bearer security in the spec, and the
    answer serialised through its model (ISO 8601 times, not Flask's HTTP dates)."""
    return spec.validate(security={"bearer": []}, force_resp_serialize=True, **options)


# ---------------------------------------------------------------- tokens and scopes


def current_token() -> ApiToken | None:
    """The working token of this request (looked up once), or None."""
    if "api_token" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _sep, secret = header.partition(" ")
        g.api_token = tokens.token_for(secret) if scheme.lower() == "bearer" else None
    return g.api_token


def rate_key() -> str:
    """Flask-Limiter's key: the token's id; the address for requests without a working token."""
    token = current_token()
    return f"api-token:{token.id}" if token else f"api-addr:{get_remote_address()}"


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key)(bp)


def needs(scope: str):
    """The view needs a working token with `scope`; it then runs as the token's holder (their
    current roles decide, so a token is worth no more than its holder)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = current_token()
            if token is None:
                raise ApiError(401, *HTTP_CODES[401])
            if scope not in token.scope_set:
                raise ApiError(403, "scope_missing", _l(
                    "这个令牌没有“%(scope)s”权限范围，请另建一个带该范围的令牌。", scope=scope))
            g._login_user = token.holder  # Flask-Login's current_user, for this request only
            tokens.mark_used(token)
            return view(*args, **kwargs)

        wrapped.api_scope = scope
        return wrapped

    return decorate


def holder():
    return current_token().holder


# ---------------------------------------------------------------- idempotency

#: the same shape as the counter's one-time cart key (shop/counter.REQUEST_KEY_RE), which it becomes
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _answer(token_id: int, key: str) -> IdempotentAnswer | None:
    return db.session.scalar(select(IdempotentAnswer).where(IdempotentAnswer.token_id == token_id,
                                                            IdempotentAnswer.key == key))


def _replay(found: IdempotentAnswer, fingerprint: str) -> Response:
    if found.fingerprint != fingerprint:
        raise ApiError(422, "idempotency_key_reused", _l(
            "这个 Idempotency-Key 已用于另一个请求；每个新请求请用新的键。"))
    response = Response(found.body, found.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotency_key() -> str:
    return g.idempotency_key


def idempotent(view):
    """A POST that creates or moves something: it needs an Idempotency-Key header (16 to 32 of
    A-Z a-z 0-9 _ -). Its work and its first answer commit together; a retry with the same
    token and key gets that answer again (status and body), a different request with the same
    key a 422. Refusals are not kept: a retry after one runs again, and nothing of a refused
    or failed request commits. A retry that raced its first request (and was refused by
    what the first one did) gets the first answer too. A check-in's refused scan is an
    answer (200, ok false: a scan outcome, logged), so it is kept like any other: a new scan
    needs a new key."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if not KEY_RE.match(key):
            raise ApiError(400, "idempotency_key_required", _l(
                "请在 Idempotency-Key 头里提供本次请求的唯一键（16 到 32 个字母、数字、_ 或 -）。"))
        token, fingerprint = current_token(), _fingerprint()
        found = _answer(token.id, key)
        if found is not None:
            return _replay(found, fingerprint)
        g.idempotency_key = key
        try:
            response = view(*args, **kwargs)
        except DomainError:
            db.session.rollback()
            found = _answer(token.id, key)  # the same key answered meanwhile: that answer
            if found is not None:
                return _replay(found, fingerprint)
            raise
        if not 200 <= response.status_code < 300:
            db.session.rollback()  # e.g. an answer outside its model: nothing of it stands
            return response
        audit.record(token.holder, "api.write", token,
                     f"接口 {request.method} {request.path}（令牌 {token.prefix}…，{token.name}）")
        db.session.add(IdempotentAnswer(token_id=token.id, key=key, fingerprint=fingerprint,
                                        status=response.status_code,
                                        body=response.get_data(as_text=True)))
        try:
            db.session.commit()
        except IntegrityError:  # the same key, at the same moment, answered first
            db.session.rollback()
            found = _answer(token.id, key)
            if found is None:
                raise
            return _replay(found, fingerprint)
        return response

    return wrapped


def commit_read() -> None:
    """A GET changes nothing but the token's last-used time."""
    db.session.commit()


# ---------------------------------------------------------------- cursors


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The id a cursor stands for (None: the first page). A cursor is opaque to clients."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _sep, number = text.partition(":")
        if version == "v1" and number.isdigit() and 0 < int(number) < 2**31:
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ApiError(400, "bad_cursor", _l("翻页游标无效，请从第一页重新开始。"))


def page_of(rows: list, limit: int) -> tuple[list, str | None]:
    """`rows` were fetched with limit + 1: the page, and the cursor of the next one."""
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1].id)
    return rows, None


# ---------------------------------------------------------------- errors, all JSON


def _is_api() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


@bp.before_app_request
def _routing_errors():
    """A wrong address or method under /api/v1 never reaches a view: answer it as JSON."""
    error = request.routing_exception
    if error is not None and _is_api() and getattr(error, "code", 0) >= 400:
        return error_response(error.code, *HTTP_CODES.get(error.code, HTTP_CODES[400]))
    return None


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    db.session.rollback()
    response = error_response(error.status, error.code, error.message)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="portal"'
    return response


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    db.session.rollback()
    return error_response(error.status, error.code, error.message)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    if error.code and error.code < 400:
        return error
    db.session.rollback()
    if error.response is not None and error.response.mimetype == "application/json":
        return error.response  # spectree's 422, already in our shape
    code, message = HTTP_CODES.get(error.code, HTTP_CODES[400])
    if error.code == 429:
        message = rate_limit_message(error) or message
    return error_response(error.code or 400, code, message)


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    log.exception("API %s %s failed", request.method, request.path)
    db.session.rollback()
    return error_response(500, "internal_error", _l("系统暂时出了问题，请稍后再试。"))
