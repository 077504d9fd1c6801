"""Issuing, finding and revoking personal API tokens (the secret scheme is portal/tokens.py,
shared with the Open311 keys). A resident or staff member makes their own on the profile; an
admin makes one for a device in the name of a staff member they outrank (the rank rule of
`policy.check_action_on`), e.g. the supermarket counter's tablet."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from portal import audit, policy
from portal.api.models import SCOPES, ApiToken
from portal.errors import DomainError
from portal.extensions import db
from portal.tokens import PREFIX_LENGTH, cleaned, hash_token, new_token
from portal.types import utcnow

#: a token in use is marked at most this often (one UPDATE a minute, not one a request)
MARK_EVERY = timedelta(minutes=1)
#: the most working tokens one person holds
MAX_TOKENS = 20


def _scopes(scopes) -> str:
    chosen = [s for s in SCOPES if s in set(scopes or ())]
    if not chosen or len(chosen) != len(set(scopes or ())):
        raise DomainError("bad_scopes", _l(
            "请至少选择一项权限范围（只读、签到、柜台、志愿、导出）。"), 400)
    return " ".join(chosen)


def issue(actor, *, holder, name: str, scopes, now: datetime | None = None
          ) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown this once and never again. For oneself, or,
    for a device, for staff the actor outranks in their scope."""
    name = (name or "").strip()
    if not 2 <= len(name) <= 40:
        raise DomainError("bad_name", _l("请写明令牌的用途（2 到 40 个字），例如“超市柜台平板”。"),
                          400)
    if holder is None:
        raise DomainError("bad_holder", _l("请填写持有人的手机号（须是已注册的用户）。"), 400)
    if holder.id != actor.id:
        policy.check_action_on(actor, "grant_role", holder)
    working = db.session.scalar(select(db.func.count(ApiToken.id)).where(
        ApiToken.holder_id == holder.id, ApiToken.revoked_dt.is_(None)))
    if working >= MAX_TOKENS:
        raise DomainError("too_many_tokens", _l("最多保留 %(n)d 个有效令牌，请先停用不用的。",
                                                n=MAX_TOKENS))
    secret = new_token()
    token = ApiToken(holder_id=holder.id, name=name, scopes=_scopes(scopes),
                     prefix=secret[:PREFIX_LENGTH], token_hash=hash_token(secret),
                     created_by_id=actor.id, created_dt=now or utcnow())
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "api.token_issue", token,
                 f"签发接口令牌 {token.prefix}…（{name}，{token.scopes}），持有人 {holder.name}")
    return token, secret


def may_revoke(actor, token: ApiToken) -> bool:
    return token.holder_id == actor.id or token.created_by_id == actor.id or \
        policy.may_act_on(actor, "grant_role", token.holder)


def revoke(actor, token: ApiToken, now: datetime | None = None) -> bool:
    """Stop a token at once. False when it was already revoked (nothing changes)."""
    if not may_revoke(actor, token):
        policy.check_action_on(actor, "grant_role", token.holder)
    moved = db.session.execute(
        update(ApiToken).where(ApiToken.id == token.id, ApiToken.revoked_dt.is_(None))
        .values(revoked_dt=now or utcnow(), revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.expire(token)
    if moved != 1:
        return False
    audit.record(actor, "api.token_revoke", token, f"停用接口令牌 {token.prefix}…（{token.name}）")
    return True


def token_for(secret: str | None) -> ApiToken | None:
    """The working token a client sent (not revoked, its holder's account active), or None."""
    secret = cleaned(secret)
    if secret is None:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret),
                                                     ApiToken.revoked_dt.is_(None))
                              .options(joinedload(ApiToken.holder)))
    if token is None or not token.holder.is_active_account:
        return None
    return token


def mark_used(token: ApiToken, now: datetime | None = None) -> None:
    now = now or utcnow()
    if token.last_used_dt is None or now - token.last_used_dt >= MARK_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id)
                           .values(last_used_dt=now).execution_options(synchronize_session=False))


def tokens_of(user) -> list[ApiToken]:
    """The person's tokens, working ones first, newest first."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.holder_id == user.id)
        .order_by(ApiToken.revoked_dt.is_not(None), ApiToken.id.desc()).limit(100)))


def device_tokens(actor) -> list[ApiToken]:
    """Tokens the admin made for others (devices), working ones first."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.created_by_id == actor.id,
                               ApiToken.holder_id != actor.id)
        .options(joinedload(ApiToken.holder))
        .order_by(ApiToken.revoked_dt.is_not(None), ApiToken.id.desc()).limit(100)))
