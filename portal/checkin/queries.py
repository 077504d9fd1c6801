"""Read-side queries for the live roster and the scan desk: fixed statement counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.checkin.models import Attendance, ScanLog
from portal.extensions import db
from portal.shifts.models import Shift, SignUp


@cache
def _shift_statement():
    """Built once: a select with eager-load options costs more CPU to build than to run,
    and every scan runs it."""
    return (select(Shift).where(Shift.id == bindparam("shift_id"))
            .options(joinedload(Shift.zone), joinedload(Shift.activity)))


def shift_with_place(shift_id: int) -> Shift | None:
    """A shift with its zone and activity (every scan page and result shows them)."""
    return db.session.scalar(_shift_statement(), {"shift_id": shift_id})


FAILURES = ("not_signed_up", "too_early", "too_late", "expired_code", "invalid_code",
            "shift_cancelled", "not_checked_in", "outside_area", "own_code")


@dataclass
class BoardRow:
    signup: SignUp
    attendance: Attendance | None

    @property
    def state(self) -> str:
        """in | out | waiting | no_show"""
        if self.attendance is not None:
            return "out" if self.attendance.checkout_dt else "in"
        return "no_show" if self.signup.no_show_dt else "waiting"


def board(shift: Shift, now: datetime) -> list[BoardRow]:
    """Every confirmed volunteer with their attendance (and its corrections), two statements."""
    signups = list(db.session.scalars(
        select(SignUp).where(SignUp.shift_id == shift.id, SignUp.status == "confirmed")
        .options(joinedload(SignUp.user), joinedload(SignUp.post)).order_by(SignUp.queue_seq)))
    attendances = {a.signup_id: a for a in db.session.scalars(
        select(Attendance).where(Attendance.shift_id == shift.id)
        .options(selectinload(Attendance.corrections)))}
    return [BoardRow(s, attendances.get(s.id)) for s in signups]


@cache
def _counts_statement():
    """One round trip: the scan desk's JSON answers carry the tally after every scan."""
    shift_id = bindparam("shift_id")
    confirmed = (select(func.count(SignUp.id))
                 .where(SignUp.shift_id == shift_id, SignUp.status == "confirmed")
                 .scalar_subquery())
    return (select(confirmed, func.count(Attendance.id), func.count(Attendance.checkout_dt))
            .where(Attendance.shift_id == shift_id))


def counts(shift: Shift) -> dict[str, int]:
    confirmed, checked_in, checked_out = db.session.execute(
        _counts_statement(), {"shift_id": shift.id}).one()
    return {"confirmed": confirmed or 0, "in": checked_in, "out": checked_out}


def recent_failures(shift: Shift, limit: int = 20) -> list[ScanLog]:
    return list(db.session.scalars(
        select(ScanLog).where(ScanLog.shift_id == shift.id, ScanLog.outcome.in_(FAILURES))
        .options(joinedload(ScanLog.user)).order_by(ScanLog.id.desc()).limit(limit)))
