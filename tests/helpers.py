"""Helpers more than one test module uses. Fixtures live in conftest.py; plain functions here."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from PIL import Image
from sqlalchemy import select

from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.models import Message
from portal.points import ledger
from portal.shop.models import Good


def code_of(call, *args, **kwargs) -> str:
    """The DomainError code a service call raises (it must raise one); rolls back after."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return caught.value.code


def text(message) -> str:
    """A lazy (translated) message as the resident reads it, in a request's locale."""
    with current_app.test_request_context():
        return str(message)


def messages(user, kind=None):
    """The user's inbox messages, oldest first, of one kind if given."""
    stmt = select(Message).where(Message.user_id == user.id).order_by(Message.id)
    if kind:
        stmt = stmt.where(Message.kind == kind)
    return list(db.session.scalars(stmt))


def jpeg_bytes(size=(900, 600)) -> io.BytesIO:
    """A real JPEG, as a phone's camera would send it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def next_tuesday_at(hour: int, minute: int = 0):
    """A time on the coming Tuesday in Shanghai (the demo shop opens Tue and Fri 9–11:30)."""
    today = date.today()
    day = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Asia/Shanghai")) \
        .astimezone(UTC)


#: a moment the test shop is open
OPEN = next_tuesday_at(10)


def stock_and_balance(good_id: int, user_id: int) -> tuple[int, int]:
    """A good's stock and a resident's balance, read fresh (the server may have written)."""
    db.session.rollback()
    return db.session.get(Good, good_id).stock, ledger.balance_of(user_id)
