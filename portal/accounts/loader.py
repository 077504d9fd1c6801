"""Flask-Login's user loader: one query, with the grants, their zones and the party record
joined in, the login row the id names, and the unread-message count the bottom bar shows (every
request pays for this, so it is one round trip, not five).

The statement is built once and run with bound values: building a select with its eager-load
options costs more CPU than running it, and every page pays for this query.
"""

from functools import cache

from flask import g
from sqlalchemy import String, bindparam, func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import RoleGrant, User
from portal.accounts.sessions import LoginSession, hash_token, lifetime
from portal.extensions import db
from portal.inbox.models import Message
from portal.types import UTCDateTime, utcnow


@cache
def _statement():
    unread = (select(func.count(Message.id))
              .where(Message.user_id == User.id, Message.read_dt.is_(None))
              .correlate(User).scalar_subquery())
    # an inner join: no open, unexpired row for this token, no user
    login = ((LoginSession.user_id == User.id)
             & (LoginSession.token_hash == bindparam("token_hash", type_=String()))
             & LoginSession.ended_dt.is_(None)
             & (LoginSession.created_dt > bindparam("since", type_=UTCDateTime())))
    return (select(User, unread).join(LoginSession, login).where(User.id == bindparam("uid"))
            .options(joinedload(User.grants).joinedload(RoleGrant.zone), joinedload(User.party)))


def load_user(user_id: str):
    # "<uid>.<version>.<token>" (User.get_id); the old "<uid>.<version>" names no login row
    try:
        raw_id, raw_version, token = user_id.split(".")
        uid, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    if not 0 < uid < 2**31 or not 0 < len(token) <= 64:
        return None
    row = db.session.execute(_statement(), {
        "uid": uid, "token_hash": hash_token(token), "since": utcnow() - lifetime(),
    }).unique().first()
    if row is None:
        return None
    user, unread = row
    if user.session_version != version or not user.is_active:
        return None
    user.login_token = token  # logout ends this login, a change of password keeps it
    # inbox_unread() in the templates reads this instead of asking again
    g.setdefault("inbox_unread_counts", {})[user.id] = int(unread or 0)
    return user
