"""Server-side logins: one row per login, which its cookies name and logging out ends."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app, has_request_context, request
from sqlalchemy import ForeignKey, String, delete, or_, update
from sqlalchemy.orm import Mapped, mapped_column

from portal import audit
from portal.extensions import db
from portal.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User

#: bytes of randomness in a login's token (secrets.token_urlsafe: 43 characters)
TOKEN_BYTES = 32
#: Flask-Login's own default, for an app that does not set REMEMBER_COOKIE_DURATION
_DEFAULT_LIFETIME = timedelta(days=365)


class LoginSession(db.Model):
    """One login on one device. Flask-Login's id ("<uid>.<version>.<token>", User.get_id),
    which both the session cookie and the remember-me cookie carry, names it by its token;
    the user loader accepts the id only while this row is open and younger than the
    remember-me duration. A copy of either cookie dies with the row."""

    __tablename__ = "login_sessions"

    #: row id; the cookies carry the token, never this
    id: Mapped[int] = mapped_column(primary_key=True)
    #: whose login
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: sha256 of the token, so a copy of the database holds no live session ids
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: when the person logged in; the row is refused, then pruned, after the remember duration
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the browser's User-Agent, truncated: which device this was, for a person reading rows
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    #: set by logging out (this row) or 退出所有设备 (every row); an ended row is never reopened
    ended_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime() -> timedelta:
    """How long a login lasts at most: as long as its remember-me cookie. Flask-Login checks
    only that cookie's signature, never its age, so the server has to."""
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", _DEFAULT_LIFETIME)
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


def start(user: User) -> str:
    """Open a login for `user` and give the user object its token, which User.get_id puts in
    the cookies; the caller commits, then calls login_user(). The user's ended and expired
    rows go first, so rows do not pile up: a login is the one moment they are written anyway."""
    now = utcnow()
    db.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user.id,
        or_(LoginSession.ended_dt.is_not(None), LoginSession.created_dt < now - lifetime())))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    agent = request.user_agent.string if has_request_context() else ""
    db.session.add(LoginSession(user_id=user.id, token_hash=hash_token(token),
                                user_agent=agent[:200], created_dt=now))
    db.session.flush()
    user.login_token = token
    return token


def end(user: User) -> None:
    """Log out: end the login this user object was loaded through."""
    if user.login_token is None:
        return
    db.session.execute(update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.token_hash == hash_token(user.login_token),
        LoginSession.ended_dt.is_(None)).values(ended_dt=utcnow()))
    db.session.flush()


def end_all(user: User) -> int:
    """退出所有设备: end every login of the user, this device's too. Returns how many."""
    ended = db.session.execute(update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_dt.is_(None))
        .values(ended_dt=utcnow())).rowcount
    # also refuses a cookie from a login racing this one (read the old version, row added late)
    user.session_version += 1
    audit.record(user, "user.end_all_sessions", user, f"{user.name} 退出了所有设备",
                 user.home_zone)
    db.session.flush()
    return ended
