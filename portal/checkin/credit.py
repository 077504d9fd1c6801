"""Attendance credits hours and points exactly once, through the ledger; reversals; the
forgotten check-out closer (`flask close-shifts`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.checkin.models import Attendance
from portal.clock import shift_label
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.points import hours, ledger
from portal.points.amounts import format_hours, format_points
from portal.shifts.models import Shift
from portal.types import utcnow


def lock(attendance_id: int) -> Attendance:
    return db.session.scalar(select(Attendance).where(Attendance.id == attendance_id)
                             .with_for_update().execution_options(populate_existing=True))


def served_minutes(attendance: Attendance, shift: Shift) -> int:
    """Time actually served inside the shift (early arrival and late leaving do not count)."""
    start = max(attendance.checkin_dt, shift.start_dt)
    end = min(attendance.checkout_dt or attendance.checkin_dt, shift.end_dt)
    return max(int((end - start).total_seconds() // 60), 0)


def points_for(rule, credited_minutes: int) -> int:
    """Tenths of a point a shift earns under its rule: per hour (capped) or fixed."""
    if rule is None or not rule.is_active:
        return 0
    if rule.mode == "per_hour":
        tenths = credited_minutes * rule.points_tenths // 60
        return min(tenths, rule.cap_tenths) if rule.cap_tenths else tenths
    return rule.points_tenths


def credit_attendance(attendance: Attendance, actor=None) -> Attendance:
    """Credit a checked-out attendance's hours and points once; a repeat is a no-op."""
    attendance = lock(attendance.id)
    if attendance.credited_dt is not None or attendance.checkout_dt is None:
        return attendance
    shift = attendance.shift
    label = f"{shift.activity.title} {shift_label(shift.start_dt, shift.end_dt)}"
    minutes = served_minutes(attendance, shift)
    key = f"attendance:{attendance.id}:{attendance.credit_round}"
    credited_minutes = 0
    if minutes > 0:
        entry = hours.credit_hours(attendance.user_id, minutes, source_type="attendance",
                                   source_id=attendance.id, actor=actor, key=f"{key}:hours",
                                   memo=f"志愿服务：{label}")
        attendance.hours_entry_id, credited_minutes = entry.id, entry.credited_minutes
    tenths = points_for(shift.points_rule, credited_minutes)
    if tenths > 0:
        entry = ledger.post(attendance.user_id, tenths, kind="earn", key=f"{key}:earn",
                            source_type="attendance", source_id=attendance.id,
                            rule=shift.points_rule, actor=actor, memo=f"志愿服务：{label}")
        attendance.ledger_entry_id = entry.id
    attendance.credited_dt = utcnow()
    db.session.flush()
    notify(attendance.user_id, "attendance.credited", f"已入账：{label}",
           f"志愿时长 {format_hours(credited_minutes)} 小时，积分 {format_points(tenths)} 分。"
           "感谢您的服务！", "/points/")
    return attendance


def reverse_credit(attendance: Attendance, *, actor, reason: str,
                   now: datetime | None = None) -> Attendance:
    """Take a credit back (within CREDIT_REVERSAL_DAYS) through linked reversals."""
    now = now or utcnow()
    attendance = lock(attendance.id)
    if attendance.credited_dt is None:
        raise DomainError("not_credited", _l("这条签到还没有入账。"))
    days = current_app.config["CREDIT_REVERSAL_DAYS"]
    if now - attendance.credited_dt > timedelta(days=days):
        raise DomainError("reversal_too_late",
                          _l("入账已超过 %(days)d 天，不能再撤销。", days=days))
    if attendance.ledger_entry is not None:
        ledger.reverse(attendance.ledger_entry, actor=actor, memo=f"撤销志愿积分：{reason}")
    if attendance.hours_entry is not None:
        hours.reverse_hours(attendance.hours_entry, actor=actor, memo=f"撤销志愿时长：{reason}")
    attendance.credited_dt = None
    attendance.hours_entry_id = attendance.ledger_entry_id = None
    attendance.credit_round += 1
    db.session.flush()
    return attendance


def close_shifts(now: datetime | None = None) -> int:
    """Close forgotten check-outs at the shift's end and flag them for review. Idempotent."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Attendance).join(Shift, Shift.id == Attendance.shift_id)
        .where(Attendance.checkout_dt.is_(None), Shift.end_dt <= now)
        .with_for_update(of=Attendance)).all()
    for attendance in rows:
        attendance.checkout_dt = max(attendance.shift.end_dt, attendance.checkin_dt)
        attendance.checkout_method, attendance.needs_review = "auto_close", True
    db.session.flush()
    return len(rows)
