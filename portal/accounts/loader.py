"""Flask-Login's user loader: one query, with the grants and their zones loaded alongside."""

from sqlalchemy.orm import selectinload

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
            selectinload(User.grants).joinedload(RoleGrant.zone),
            selectinload(User.party),
        ],
    )
    if user is None or user.session_version != version or not user.is_active:
        return None
    return user
