"""The token pages: 我的 → 接口令牌 (a person's own tokens), and, for an admin, tokens for a
device held by staff they outrank. A new token's secret is shown once, on the answer to the
POST that made it, and never again (only its sha256 is kept)."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal import policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.api import tokens
from portal.api.forms import DeviceTokenForm, TokenForm
from portal.api.models import ApiToken
from portal.extensions import db
from portal.web.loading import load_or_404
from portal.web.transaction import committing

bp = Blueprint("api_tokens", __name__)


def _shown_once(template: str, **context):
    response = make_response(render_template(template, **context))
    response.headers["Cache-Control"] = "no-store"  # the secret stays out of every cache
    return response


@bp.route("/me/api-tokens", methods=["GET", "POST"])
@login_required
def mine():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        with committing() as done:
            _token, secret = tokens.issue(current_user, holder=current_user,
                                          name=form.name.data, scopes=form.scopes.data)
        if not done:
            secret = None
    return _shown_once("api/tokens.html", form=form, secret=secret,
                       rows=tokens.tokens_of(current_user))


@bp.route("/staff/api-tokens", methods=["GET", "POST"])
@policy.require_permission("users.manage_roles")
def devices():
    form = DeviceTokenForm()
    secret = None
    if form.validate_on_submit():
        holder = db.session.scalar(select(User).where(
            User.phone == normalise_phone(form.phone.data or "")))
        with committing() as done:
            _token, secret = tokens.issue(current_user, holder=holder, name=form.name.data,
                                          scopes=form.scopes.data)
        if not done:
            secret = None
    return _shown_once("api/devices.html", form=form, secret=secret,
                       rows=tokens.device_tokens(current_user))


@bp.post("/me/api-tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = load_or_404(ApiToken, token_id)
    with committing() as done:
        changed = tokens.revoke(current_user, token)
    if done:
        flash(_("令牌已停用，使用它的设备将无法再访问。") if changed else _("这个令牌已经停用了。"),
              "success" if changed else "info")
    mine_page = token.holder_id == current_user.id
    return redirect(url_for("api_tokens.mine" if mine_page else "api_tokens.devices"))
