"""Open311 GeoReport v2 over categories and matters, and the API keys staff admins issue.

The API answers JSON only, errors included, in Open311's format `[{"code": 400,
"description": "…"}]` with the same HTTP status: a bad or missing field 400, a bad key 403,
an unknown id 404, too many posts 429. Any other address under /open311/ (an .xml format, a
wrong method) gets that format too, as a 404 or 405. The GETs need no key; the POST is an API,
so it carries no CSRF token and is rate-limited instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import wraps
from operator import attrgetter

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from wtforms import SelectField, StringField

from portal import policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.cases import apikeys, open311
from portal.cases.open311_filing import file_request
from portal.errors import DomainError, rate_limit_message, render_error
from portal.extensions import csrf, db, limiter
from portal.forms import PageForm, max_length, options, required
from portal.tokens import MAX_TOKEN_LENGTH
from portal.web.loading import load_in_scope
from portal.web.navigation import base_url
from portal.web.transaction import committing
from portal.zones.models import Zone

log = logging.getLogger(__name__)

bp = Blueprint("cases_open311", __name__)

API = "/open311/"
#: POST requests.json, per address and per key (config may override either)
RATE_LIMIT = "30 per minute"
KEY_RATE_LIMIT = "500 per day"
HTTP_WORDS = {
    400: _l("请求有误。"),
    403: _l("没有权限。"),
    404: _l("没有这个接口地址。本接口只提供 JSON 格式，例如 /open311/v2/services.json。"),
    405: _l("这个接口地址不支持这种请求方法。"),
    413: _l("请求太大。"),
    429: _l("请求太频繁，请稍后再试。"),
}


def _json(data, status: int = 200) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False), status,
                        mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    if request.method == "GET":
        response.headers["Access-Control-Allow-Origin"] = "*"  # public data, any client
    return response


def _error(status: int, description) -> Response:
    return _json([{"code": status, "description": str(description)}], status)


def _is_api() -> bool:
    return request.path.startswith(API)


def api(view):
    """Every answer of an API view is JSON: refusals in Open311's format, and even a bug is a
    JSON 500 (logged), never the HTML error page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except open311.ApiError as error:
            db.session.rollback()
            return _error(error.status, error.description)
        except DomainError as error:  # the services' own refusals, NotAllowed included
            db.session.rollback()
            return _error(error.status, error.message)
        except HTTPException:
            raise
        except Exception:
            log.exception("Open311 %s %s failed", request.method, request.path)
            db.session.rollback()
            return _error(500, _("系统暂时出了问题，请稍后再试。"))

    return wrapped


@bp.before_app_request
def _api_routing_errors():
    """A wrong address or method under /open311/ never reaches a view: answer it here, as
    JSON, before the HTML error page would."""
    error = request.routing_exception
    if error is not None and _is_api() and getattr(error, "code", 0) >= 400:
        return _error(error.code, HTTP_WORDS.get(error.code, HTTP_WORDS[400]))
    return None


@bp.errorhandler(HTTPException)
def _http_error(error):
    """Errors raised before a view runs (a NUL byte, the rate limit): JSON for the API, the
    portal's own page for the staff pages of this blueprint."""
    if error.code and error.code < 400:
        return error
    if _is_api():
        return _error(error.code, HTTP_WORDS.get(error.code, HTTP_WORDS[400]))
    return render_error(error.code, rate_limit_message(error) if error.code == 429 else None)


# ---------------------------------------------------------------- the API


@bp.get("/open311/v2/services.json")
@api
def services():
    community = open311.community_for(request.args.get("jurisdiction_id"))
    return _json(open311.service_list(community))


@bp.get("/open311/v2/requests.json")
@api
def list_requests():
    community = open311.community_for(request.args.get("jurisdiction_id"))
    return _json(open311.request_list(community, open311.parse_filters(request.args)))


@bp.get("/open311/v2/requests/<request_id>.json")
@api
def request_detail(request_id: str):
    return _json([open311.request_detail(request_id, request.args.get("jurisdiction_id"))])


def _key_bucket() -> str:
    """The per-key limit counts each api_key, known or not, by a digest (never the key)."""
    token = (request.form.get("api_key") or "")[:MAX_TOKEN_LENGTH]
    return "open311-key:" + hashlib.sha256(token.encode()).hexdigest()[:24]


@bp.post("/open311/v2/requests.json")
@csrf.exempt
@limiter.limit(lambda: current_app.config.get("OPEN311_RATE_LIMIT", RATE_LIMIT))
@limiter.limit(lambda: current_app.config.get("OPEN311_KEY_RATE_LIMIT", KEY_RATE_LIMIT),
               key_func=_key_bucket)
@api
def create_request():
    key = apikeys.key_for(request.form.get("api_key"))
    if key is None:
        return _error(403, _("api_key 无效或已停用。请向社区管理员申请接口密钥。"))
    answer = file_request(key, request.form)
    db.session.commit()
    return _json([answer])


# ---------------------------------------------------------------- staff: the keys


class ApiKeyForm(PageForm):
    community = SelectField(_l("社区"), coerce=int)
    phone = StringField(_l("持有人手机号"), validators=[required(), max_length(20)],
                        render_kw={"inputmode": "numeric", "autocomplete": "off"},
                        description=_l("须在整个社区有协调员（网格员）或管理员角色。用这个密钥"
                                       "提交的事项，记录上写明由持有人代居民提交。"))
    label = StringField(_l("用途"), validators=[required(), max_length(40)],
                        description=_l("例如：12345 热线转办系统"))


def _holder(phone: str) -> User | None:
    return db.session.scalar(select(User).where(User.phone == normalise_phone(phone)))


@bp.route("/staff/cases/api-keys", methods=["GET", "POST"])
@policy.require_permission("cases.categories")
def api_keys():
    form = ApiKeyForm()
    communities = apikeys.communities_in_scope(current_user)
    form.community.choices = options([(zone.id, zone.name) for zone in communities])
    token = None
    if form.validate_on_submit():
        with committing(once=url_for(".api_keys")) as done:
            _key, token = apikeys.issue(
                current_user, community=db.session.get(Zone, form.community.data),
                holder=_holder(form.phone.data), label=form.label.data)
        if done:
            flash(_("密钥已签发。请现在复制保存：离开这个页面后，它不会再显示。"), "success")
            form = ApiKeyForm(formdata=None)
            form.community.choices = options([(zone.id, zone.name) for zone in communities])
        else:
            token = None
    return render_template("cases/open311/api_keys.html", form=form, token=token,
                           keys=apikeys.keys_in_scope(current_user),
                           base=base_url())


@bp.post("/staff/cases/api-keys/<int:key_id>/revoke")
@policy.require_permission("cases.categories")
def revoke_api_key(key_id: int):
    key = load_in_scope(apikeys.CaseApiKey, key_id, "cases.categories",
                        zone_of=attrgetter("community"))
    with committing() as done:
        changed = apikeys.revoke(current_user, key)
    if done:
        flash(_("密钥 %(prefix)s… 已停用，用它提交的请求会被拒绝。", prefix=key.prefix)
              if changed else _("这个密钥已经停用了。"), "success")
    return redirect(url_for(".api_keys"))
