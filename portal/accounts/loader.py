"""Flask-Login's user loader: one query, with the grants, their zones and the party record
joined in (every request pays for this, so it is one round trip, not three)."""

from sqlalchemy.orm import joinedload

from portal.accounts.models import RoleGrant, User
from portal.extensions import db


def load_user(user_id: str):
    try:
        raw_id, raw_version = user_id.split(".", 1)
        uid, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    user = db.session.get(
        User,
        uid,
        options=[
            joinedload(User.grants).joinedload(RoleGrant.zone),
            joinedload(User.party),
        ],
    )
    if user is None or user.session_version != version or not user.is_active:
        return None
    return user
