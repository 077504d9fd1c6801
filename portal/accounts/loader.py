"""Flask-Login's user loader: one query, with the grants, their zones and the party record
joined in, and the unread-message count the bottom bar shows (every request pays for this, so
it is one round trip, not four).

The statement is built once and run with a bound id: building a select with its eager-load
options costs more CPU than running it, and every page pays for this query.
"""

from functools import cache

from flask import g
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import RoleGrant, User
from portal.extensions import db


@cache
def _statement():
    from portal.inbox.models import Message

    unread = (select(func.count(Message.id))
              .where(Message.user_id == User.id, Message.read_dt.is_(None))
              .correlate(User).scalar_subquery())
    return (select(User, unread).where(User.id == bindparam("uid"))
            .options(joinedload(User.grants).joinedload(RoleGrant.zone), joinedload(User.party)))


def load_user(user_id: str):
    try:
        raw_id, raw_version = user_id.split(".", 1)
        uid, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    if not 0 < uid < 2**31:
        return None
    row = db.session.execute(_statement(), {"uid": uid}).unique().first()
    if row is None:
        return None
    user, unread = row
    if user.session_version != version or not user.is_active:
        return None
    # inbox_unread() in the templates reads this instead of asking again
    g.setdefault("inbox_unread_counts", {})[user.id] = int(unread or 0)
    return user
