"""Helpers more than one test module uses. Fixtures live in conftest.py; plain functions here."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from PIL import Image
from sqlalchemy import select

from portal.checkin.credit import credit_attendance
from portal.checkin.models import Attendance
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.models import Message
from portal.points import ledger
from portal.shifts.models import Shift, SignUp
from portal.shop.models import Good
from portal.types import utcnow


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


def past_service(activity, user, days_ago: float, hours: float, *, credit=True,
                 place="桥头市场东入口"):
    """A shift `days_ago` days back that `user` served for `hours`; credited unless told."""
    start = utcnow() - timedelta(days=days_ago)
    shift = Shift(activity_id=activity.id, zone_id=activity.zone_id, place=place,
                  start_dt=start, end_dt=start + timedelta(hours=hours), capacity=10)
    db.session.add(shift)
    db.session.flush()
    signup = SignUp(shift_id=shift.id, user_id=user.id, status="confirmed", queue_seq=1)
    db.session.add(signup)
    db.session.flush()
    attendance = Attendance(signup_id=signup.id, shift_id=shift.id, user_id=user.id,
                            checkin_dt=start, checkout_dt=start + timedelta(hours=hours),
                            checkin_method="manual", checkout_method="manual")
    db.session.add(attendance)
    db.session.flush()
    if credit:
        credit_attendance(attendance)
    db.session.commit()
    return attendance


def tamper(token: str) -> str:
    """`token` with one character in the middle of its signature (its last dot-separated
    part) changed. The middle, never the end: base64's last character has bits a decoder
    ignores, so changing the tail sometimes leaves the signature as it was."""
    head, _sep, signature = token.rpartition(".")
    middle = len(signature) // 2
    swapped = "B" if signature[middle] == "A" else "A"
    return f"{head}.{signature[:middle]}{swapped}{signature[middle + 1:]}"
