"""Checking in and out: the window, the outcome codes, geofences, walk-ins, the scan log.

A check-in locks the volunteer's sign-up row before it looks for an attendance, and the
attendance's unique signup_id backs that: fifty scans at once make one attendance. Every
attempt, refused or not, is written to the scan log with a stable outcome code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal import policy
from portal.checkin import credit
from portal.checkin.codes import CodeError, ShiftCode, excerpt, printable, read_member_code
from portal.checkin.models import Attendance, ScanLog
from portal.extensions import db
from portal.shifts.models import Shift, SignUp
from portal.types import utcnow


@dataclass
class ScanResult:
    """What a scan did: an outcome code, and the record it concerns when there is one."""

    outcome: str
    action: str = "in"
    shift: Shift | None = None
    user: object | None = None
    attendance: Attendance | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in ("ok", "already_checked_in", "checked_out")


def log_scan(outcome: str, *, method: str, shift_id: int | None = None, user_id=None,
             actor=None, code: str = "", note: str = "", user_agent: str = "") -> None:
    """One scan-log row, written at once in the request's transaction. A plain INSERT, not
    an ORM object: every scan writes one, and nothing reads it back in the same request."""
    db.session.execute(ScanLog.__table__.insert(), {
        "shift_id": shift_id, "user_id": user_id, "actor_id": getattr(actor, "id", None),
        "method": method, "outcome": outcome, "code_excerpt": excerpt(code),
        "note": printable(note, 500), "user_agent": printable(user_agent, 255),
        "created_dt": utcnow()})
    if outcome not in ("ok", "already_checked_in", "checked_out"):
        current_app.logger.warning("check-in refused: %s (method %s, shift %s, user %s, code %r)",
                                   outcome, method, shift_id, user_id, excerpt(code))


def confirmed_signup(user_id: int, shift_id: int, lock: bool = False) -> SignUp | None:
    stmt = select(SignUp).where(SignUp.user_id == user_id, SignUp.shift_id == shift_id,
                                SignUp.status == "confirmed")
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(stmt)


@cache
def _signup_statement():
    """Built once and run with bound ids (building it costs more CPU than running it)."""
    return (select(SignUp, Attendance).outerjoin(Attendance, Attendance.signup_id == SignUp.id)
            .where(SignUp.user_id == bindparam("user_id"),
                   SignUp.shift_id == bindparam("shift_id"), SignUp.status == "confirmed"))


@cache
def _signup_statement_locked():
    return (_signup_statement().with_for_update(of=SignUp, key_share=True)
            .execution_options(populate_existing=True))


def _signup_and_attendance(user_id: int, shift_id: int):
    """The confirmed sign-up and its attendance if any.

    A repeat scan (the common case at a busy start: people scan twice to be sure) finds the
    attendance in a plain read and takes no lock, so repeat scans never queue behind each other.
    Only a first check-in locks the sign-up row, the serialisation point against a concurrent
    cancel; ON CONFLICT on the attendance's unique sign-up is the backstop against twins.

    FOR NO KEY UPDATE, not FOR UPDATE: check-ins still queue on it, but the foreign-key
    checks of other inserts (KEY SHARE on this row) do not, which under load otherwise made
    PostgreSQL deadlock.
    """
    ids = {"user_id": user_id, "shift_id": shift_id}
    row = db.session.execute(_signup_statement(), ids).first()
    if row is None or row[1] is not None:
        return (row[0], row[1]) if row else (None, None)
    row = db.session.execute(_signup_statement_locked(), ids).first()
    return (row[0], row[1]) if row else (None, None)


def attendance_of(signup_id: int, lock: bool = False) -> Attendance | None:
    stmt = select(Attendance).where(Attendance.signup_id == signup_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(stmt)


def window_outcome(shift: Shift, now: datetime) -> str | None:
    if shift.is_cancelled:
        return "shift_cancelled"
    opens = shift.start_dt - timedelta(minutes=current_app.config["CHECKIN_OPENS_MINUTES"])
    if now < opens:
        return "too_early"
    if now > shift.end_dt:
        return "too_late"
    return None


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def fence_of(shift: Shift):
    """The zone (the shift's, or the nearest ancestor's) whose geofence applies, or None."""
    zone = shift.zone
    while zone is not None:
        if zone.geo_radius_m and zone.geo_lat is not None and zone.geo_lng is not None:
            return zone
        zone = zone.parent
    return None


def inside_fence(shift: Shift, location: tuple[float, float] | None) -> bool:
    fence = fence_of(shift)
    if fence is None:
        return True
    if location is None:
        return False
    return distance_m(fence.geo_lat, fence.geo_lng, *location) <= fence.geo_radius_m


def check_in(user, shift: Shift, *, method: str, actor=None, now: datetime | None = None,
             code: str = "", location: tuple[float, float] | None = None, note: str = "",
             user_agent: str = "") -> ScanResult:
    """Check a volunteer in. Never raises for a refusal: returns the outcome and logs it."""
    now = now or utcnow()
    log = dict(method=method, shift_id=shift.id, user_id=user.id, actor=actor or user,
               code=code, note=note, user_agent=user_agent)
    refused = window_outcome(shift, now)
    signup, existing = (None, None) if refused else _signup_and_attendance(user.id, shift.id)
    if refused is None and signup is None:
        refused = "not_signed_up"
    if refused:
        log_scan(refused, **log)
        return ScanResult(refused, shift=shift, user=user)
    if existing is not None:
        log_scan("already_checked_in", **log)
        return ScanResult("already_checked_in", shift=shift, user=user, attendance=existing)
    if method in ("shift_code", "poster") and not inside_fence(shift, location):
        log_scan("outside_area", **log)
        return ScanResult("outside_area", shift=shift, user=user)
    # No savepoint here: its foreign-key check would re-lock the sign-up row from a
    # subtransaction while other scans queue on that row, and PostgreSQL can deadlock on
    # that. The row lock already serialises check-ins; ON CONFLICT is the backstop.
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new_id = db.session.execute(
        insert(Attendance).values(signup_id=signup.id, shift_id=shift.id, user_id=user.id,
                                  checkin_dt=now, checkin_method=method, needs_review=False,
                                  credit_round=1, created_dt=now)
        .on_conflict_do_nothing(index_elements=["signup_id"]).returning(Attendance.id)
    ).scalar()
    attendance = attendance_of(signup.id)
    if new_id is None:  # a concurrent scan won: show its record
        log_scan("already_checked_in", **log)
        return ScanResult("already_checked_in", shift=shift, user=user, attendance=attendance)
    log_scan("ok", **log)
    return ScanResult("ok", shift=shift, user=user, attendance=attendance)


def check_out(user, shift: Shift, *, method: str, actor=None, now: datetime | None = None,
              code: str = "", note: str = "", user_agent: str = "") -> ScanResult:
    """Check a volunteer out; by default this credits hours and points, exactly once."""
    now = now or utcnow()
    log = dict(method=method, shift_id=shift.id, user_id=user.id, actor=actor or user,
               code=code, note=note, user_agent=user_agent)
    signup = confirmed_signup(user.id, shift.id)
    attendance = attendance_of(signup.id, lock=True) if signup else None
    if attendance is None:
        outcome = "not_signed_up" if signup is None else "not_checked_in"
        log_scan(outcome, **log)
        return ScanResult(outcome, action="out", shift=shift, user=user)
    if attendance.checkout_dt is not None:
        log_scan("checked_out", **log)
        return ScanResult("checked_out", action="out", shift=shift, user=user,
                          attendance=attendance)
    attendance.checkout_dt, attendance.checkout_method = max(now, attendance.checkin_dt), method
    db.session.flush()
    if shift.activity.credit_on == "checkout":
        credit.credit_attendance(attendance, actor=actor)
    log_scan("ok", **log)
    return ScanResult("ok", action="out", shift=shift, user=user, attendance=attendance)


def self_scan(user, code: ShiftCode, *, action: str = "in", now: datetime | None = None,
              location: tuple[float, float] | None = None, user_agent: str = "",
              raw: str = "") -> ScanResult:
    """A volunteer who scanned a shift or poster code: check in; a second scan shows the
    record. Checking out is an explicit `action="out"` (the 签退 button), never a side
    effect of scanning twice."""
    now = now or utcnow()
    shift = db.session.get(Shift, code.shift_id)
    if shift is None or (code.method == "poster" and code.nonce != shift.poster_nonce):
        log_scan("invalid_code", method=code.method, user_id=user.id, actor=user, code=raw,
                 user_agent=user_agent)
        return ScanResult("invalid_code", user=user)
    if action == "out":
        return check_out(user, shift, method=code.method, now=now, code=raw,
                         user_agent=user_agent)
    return check_in(user, shift, method=code.method, now=now, code=raw, location=location,
                    user_agent=user_agent)


@cache
def _member_statement():
    from portal.accounts.models import User

    return select(User).where(User.member_key == bindparam("key"))


def find_member(raw: str, now: datetime):
    """The resident a member code belongs to. Raises CodeError."""
    key = read_member_code(raw, now)
    user = db.session.scalar(_member_statement(), {"key": key})
    if user is None:
        raise CodeError("invalid_code")
    return user


def coordinator_scan(actor, shift: Shift, raw: str, *, mode: str = "in",
                     now: datetime | None = None, user_agent: str = "") -> ScanResult:
    """A coordinator scans a member code (camera, USB scanner or typed)."""
    now = now or utcnow()
    policy.check(actor, "shifts.manage", shift.zone)
    try:
        user = find_member(raw, now)
    except CodeError as error:
        log_scan(error.code, method="member_code", shift_id=shift.id, actor=actor, code=raw,
                 user_agent=user_agent)
        return ScanResult(error.code, action=mode, shift=shift)
    if user.id == actor.id:  # no self-dealing: nobody records their own attendance
        log_scan("own_code", method="member_code", shift_id=shift.id, user_id=user.id,
                 actor=actor, code=raw, user_agent=user_agent)
        return ScanResult("own_code", action=mode, shift=shift, user=user)
    verb = check_out if mode == "out" else check_in
    return verb(user, shift, method="member_code", actor=actor, now=now, code=raw,
                user_agent=user_agent)
