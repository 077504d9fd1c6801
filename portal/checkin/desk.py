"""The coordinator's desk: manual look-up (with a reason), walk-ins, time corrections,
confirming and reversing credits. Every correction stays visible in the record."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.checkin import credit
from portal.checkin.models import Attendance, AttendanceCorrection
from portal.checkin.services import ScanResult, check_in, check_out
from portal.clock import local
from portal.errors import DomainError
from portal.extensions import db
from portal.shifts import roster
from portal.shifts.models import Shift
from portal.shifts.signups import lock_shift


def _not_own(actor, volunteer_id: int) -> None:
    """Nobody records their own attendance or hours: another coordinator does."""
    policy.check_not_beneficiary(actor, volunteer_id, _l(
        "不能为自己签到、补位或更正时长，请让另一位协调员办理，或扫班次签到码自助签到。"))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("needs_reason", _l("请写明原因。"), 400)
    return reason[:200]


def manual(actor, shift: Shift, phone: str, reason: str, *, mode: str = "in",
           now: datetime | None = None, user_agent: str = "") -> ScanResult:
    """The fallback: find the volunteer by phone number. Needs a reason, which is logged."""
    policy.check(actor, "shifts.manage", shift.zone)
    reason = _reason(reason)
    user = db.session.scalar(select(User).where(User.phone == normalise_phone(phone)))
    if user is None:
        raise DomainError("no_such_resident", _l("没有找到这个手机号对应的居民。"), 400)
    _not_own(actor, user.id)
    verb = check_out if mode == "out" else check_in
    return verb(user, shift, method="manual", actor=actor, now=now, note=reason,
                user_agent=user_agent)


def walk_in(actor, shift: Shift, user: User, *, now: datetime | None = None,
            user_agent: str = "") -> ScanResult:
    """A volunteer who did not sign up, on a shift with free places: add, then check in.

    Once only by its natural keys (one sign-up per volunteer and shift, one attendance per
    sign-up): a second walk-in of someone already on the roster adds nothing and shows the
    first check-in."""
    policy.check(actor, "shifts.manage", shift.zone)
    _not_own(actor, user.id)
    lock_shift(shift.id)  # two walk-ins of one volunteer queue here; the second sees the first
    if roster.confirmed_signup_of(shift.id, user.id) is None:
        roster.add_volunteer(actor, shift, user, reason="现场补位", now=now)
    return check_in(user, shift, method="walk_in", actor=actor, now=now, note="现场补位",
                    user_agent=user_agent)


def _correction(actor, attendance: Attendance, kind: str, summary: str, reason: str = ""):
    db.session.add(AttendanceCorrection(attendance_id=attendance.id, actor_id=actor.id,
                                        kind=kind, summary=summary[:255], reason=reason))
    audit.record(actor, f"attendance.{kind}", attendance,
                 f"{attendance.user.name}：{summary}" + (f"（{reason}）" if reason else ""),
                 attendance.shift.zone)


def _hm(value: datetime | None) -> str:
    return local(value).strftime("%H:%M") if value else "—"


def correct_times(actor, attendance: Attendance, *, checkin_dt: datetime,
                  checkout_dt: datetime | None, reason: str) -> Attendance:
    """Fix check-in and check-out times, with a reason, before the credit is made."""
    policy.check(actor, "shifts.manage", attendance.shift.zone)
    _not_own(actor, attendance.user_id)
    reason = _reason(reason)
    attendance = credit.lock(attendance.id)
    if attendance.credited_dt is not None:
        raise DomainError("already_credited", _l("已经入账，请先撤销入账再改时间。"))
    if checkin_dt is None or (checkout_dt is not None and checkout_dt < checkin_dt):
        raise DomainError("bad_times", _l("签退时间要晚于签到时间。"), 400)
    summary = (f"签到 {_hm(attendance.checkin_dt)} → {_hm(checkin_dt)}，"
               f"签退 {_hm(attendance.checkout_dt)} → {_hm(checkout_dt)}")
    attendance.checkin_dt, attendance.checkout_dt = checkin_dt, checkout_dt
    if checkout_dt is not None and attendance.checkout_method is None:
        attendance.checkout_method = "manual"
    _correction(actor, attendance, "times", summary, reason)
    db.session.flush()
    return attendance


def confirm(actor, attendance: Attendance) -> Attendance:
    """The coordinator confirms a checked-out attendance (or a flagged one): it is credited."""
    policy.check(actor, "shifts.manage", attendance.shift.zone)
    _not_own(actor, attendance.user_id)
    attendance = credit.lock(attendance.id)
    if attendance.checkout_dt is None:
        raise DomainError("not_checked_out", _l("还没有签退，不能确认入账。"))
    if attendance.credited_dt is not None:
        return attendance
    attendance.needs_review = False
    _correction(actor, attendance, "confirm", "确认服务时长并入账")
    return credit.credit_attendance(attendance, actor=actor)


def reverse(actor, attendance: Attendance, reason: str, *,
            now: datetime | None = None) -> Attendance:
    policy.check(actor, "shifts.manage", attendance.shift.zone)
    _not_own(actor, attendance.user_id)
    reason = _reason(reason)
    attendance = credit.reverse_credit(attendance, actor=actor, reason=reason, now=now)
    _correction(actor, attendance, "reverse", "撤销入账（时长和积分）", reason)
    db.session.flush()
    return attendance

