"""The demo seeders find the rows they made by their natural keys: a zone code, a phone."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.zones.models import Zone


def zone(code: str) -> Zone | None:
    return db.session.scalar(select(Zone).where(Zone.code == code))


def user(phone: str) -> User | None:
    return db.session.scalar(select(User).where(User.phone == phone))
