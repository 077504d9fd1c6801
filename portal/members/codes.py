"""A resident's member code: a random key (made on first use, never personal data), signed
with the minute, so a screenshot stops working within two minutes."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, select, update

from portal.accounts.models import User
from portal.codes import CodeError, check_step, signer, step_of, unsign
from portal.extensions import db
from portal.types import utcnow

MEMBER_STEP_SECONDS = 60


def member_key(user) -> str:
    """The resident's random key, created race-free on first use."""
    if user.member_key:
        return user.member_key
    db.session.execute(update(User).where(User.id == user.id, User.member_key.is_(None))
                       .values(member_key=secrets.token_urlsafe(12)))
    key = db.session.scalar(select(User.member_key).where(User.id == user.id))
    user.member_key = key
    return key


def member_token(key: str, now: datetime) -> str:
    return signer("member").sign(f"m.{key}.{step_of(now, MEMBER_STEP_SECONDS)}").decode()


def member_code(user, now=None) -> str:
    """The code the resident's phone shows now."""
    return member_token(member_key(user), now or utcnow())


def read_member_code(token: str, now: datetime) -> str:
    """The member key inside a member code. Raises CodeError."""
    first, second = unsign(token, "member")
    if not second.isdigit():
        raise CodeError("invalid_code")
    check_step(int(second), now, MEMBER_STEP_SECONDS)
    return first


@cache
def _member_statement():
    """Built once and run with a bound key (building it costs more CPU than running it)."""
    return select(User).where(User.member_key == bindparam("key"))


def find_member(raw: str, now: datetime) -> User:
    """The resident a scanned member code belongs to. Raises CodeError."""
    key = read_member_code(raw, now)
    user = db.session.scalar(_member_statement(), {"key": key})
    if user is None:
        raise CodeError("invalid_code")
    return user
