"""A resident's member code: a random key (made on first use), signed with the minute."""

from __future__ import annotations

import secrets

from sqlalchemy import select, update

from portal.checkin import codes
from portal.extensions import db
from portal.types import utcnow


def member_key(user) -> str:
    """The resident's random key, created race-free on first use."""
    if user.member_key:
        return user.member_key
    from portal.accounts.models import User

    db.session.execute(update(User).where(User.id == user.id, User.member_key.is_(None))
                       .values(member_key=secrets.token_urlsafe(12)))
    key = db.session.scalar(select(User.member_key).where(User.id == user.id))
    user.member_key = key
    return key


def member_code(user, now=None) -> str:
    return codes.member_token(member_key(user), now or utcnow())
