"""Checking in and out: the window, the outcome codes, geofences, walk-ins, the scan log.

A check-in locks the volunteer's sign-up row before it looks for an attendance, and the
attendance's unique signup_id backs that: fifty scans at once make one attendance. Every
attempt, refused or not, is written to the scan log with a stable outcome code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import policy
from portal.checkin import credit
from portal.checkin.codes import CodeError, ShiftCode, excerpt, read_member_code
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
             actor=None, code: str = "", note: str = "", user_agent: str = "") -> ScanLog:
    row = ScanLog(shift_id=shift_id, user_id=user_id, actor_id=getattr(actor, "id", None),
                  method=method, outcome=outcome, code_excerpt=excerpt(code), note=note[:500],
                  user_agent=(user_agent or "")[:255])
    db.session.add(row)
    db.session.flush()
    if outcome not in ("ok", "already_checked_in", "checked_out"):
        current_app.logger.warning("check-in refused: %s (method %s, shift %s, user %s, code %r)",
                                   outcome, method, shift_id, user_id, excerpt(code))
    return row


def confirmed_signup(user_id: int, shift_id: int, lock: bool = False) -> SignUp | None:
    stmt = select(SignUp).where(SignUp.user_id == user_id, SignUp.shift_id == shift_id,
                                SignUp.status == "confirmed")
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(stmt)


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
    signup = None if refused else confirmed_signup(user.id, shift.id, lock=True)
    if refused is None and signup is None:
        refused = "not_signed_up"
    if refused:
        log_scan(refused, **log)
        return ScanResult(refused, shift=shift, user=user)
    existing = attendance_of(signup.id)
    if existing is not None:
        log_scan("already_checked_in", **log)
        return ScanResult("already_checked_in", shift=shift, user=user, attendance=existing)
    if method in ("shift_code", "poster") and not inside_fence(shift, location):
        log_scan("outside_area", **log)
        return ScanResult("outside_area", shift=shift, user=user)
    try:
        with db.session.begin_nested():
            attendance = Attendance(signup_id=signup.id, shift_id=shift.id, user_id=user.id,
                                    checkin_dt=now, checkin_method=method)
            db.session.add(attendance)
            db.session.flush()
    except IntegrityError:  # a concurrent scan won: show its record
        existing = attendance_of(signup.id)
        log_scan("already_checked_in", **log)
        return ScanResult("already_checked_in", shift=shift, user=user, attendance=existing)
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


def self_scan(user, code: ShiftCode, *, now: datetime | None = None,
              location: tuple[float, float] | None = None, user_agent: str = "",
              raw: str = "") -> ScanResult:
    """A volunteer who scanned a shift or poster code: check in, or out if already in."""
    now = now or utcnow()
    shift = db.session.get(Shift, code.shift_id)
    if shift is None or (code.method == "poster" and code.nonce != shift.poster_nonce):
        log_scan("invalid_code", method=code.method, user_id=user.id, actor=user, code=raw,
                 user_agent=user_agent)
        return ScanResult("invalid_code", user=user)
    signup = confirmed_signup(user.id, shift.id)
    attendance = attendance_of(signup.id) if signup else None
    if attendance is not None and attendance.checkout_dt is None and window_outcome(
            shift, now) in (None, "too_late"):
        return check_out(user, shift, method=code.method, now=now, code=raw,
                         user_agent=user_agent)
    return check_in(user, shift, method=code.method, now=now, code=raw, location=location,
                    user_agent=user_agent)


def find_member(raw: str, now: datetime):
    """The resident a member code belongs to. Raises CodeError."""
    from portal.accounts.models import User

    key = read_member_code(raw, now)
    user = db.session.scalar(select(User).where(User.member_key == key))
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
    verb = check_out if mode == "out" else check_in
    return verb(user, shift, method="member_code", actor=actor, now=now, code=raw,
                user_agent=user_agent)
