"""Demo 志愿服务记录证明: 王秀英's past Saturdays at 桥头市场, credited, and a certificate she
asked for; one older shift left unrecorded, so the art. 11 list has a row. Idempotent."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from portal.certificates import records, services
from portal.certificates.models import Certificate
from portal.checkin.credit import credit_attendance
from portal.checkin.models import Attendance
from portal.clock import local_today, to_utc
from portal.demo import lookup
from portal.extensions import db
from portal.shifts.models import Activity, Shift, SignUp
from portal.types import utcnow


def _served(activity: Activity, phone: str, weeks_ago: int, *, credit: bool) -> None:
    today = local_today(utcnow())
    saturday = today - timedelta(days=(today.weekday() - 5) % 7 + 7 * weeks_ago)
    start = to_utc(saturday, time(7))
    shift = Shift(activity_id=activity.id, zone_id=lookup.zone("DC-XA-01").id,
                  place="桥头市场东入口集合", start_dt=start, end_dt=start + timedelta(hours=4),
                  capacity=7, points_rule_id=activity.points_rule_id)
    db.session.add(shift)
    db.session.flush()
    user = lookup.user(phone)
    signup = SignUp(shift_id=shift.id, user_id=user.id, status="confirmed", queue_seq=1,
                    signed_up_dt=start - timedelta(days=3), confirmed_dt=start - timedelta(days=3))
    db.session.add(signup)
    db.session.flush()
    attendance = Attendance(
        signup_id=signup.id, shift_id=shift.id, user_id=user.id,
        checkin_dt=start + timedelta(minutes=2), checkout_dt=start + timedelta(hours=4),
        checkin_method="qr", checkout_method="auto_close" if not credit else "qr",
        needs_review=not credit)
    db.session.add(attendance)
    db.session.flush()
    if credit:
        credit_attendance(attendance)


def seed_certificates() -> None:
    wang = lookup.user("13900000001")
    if db.session.scalar(select(Certificate.id).where(Certificate.user_id == wang.id)):
        return
    market = db.session.scalar(select(Activity).where(Activity.title == "桥头市场周六执勤"))
    if market is None:
        return
    for weeks_ago in (3, 5):
        _served(market, "13900000001", weeks_ago, credit=True)
    # a forgotten check-out of 6 Saturdays ago nobody reviewed: over 10 working days
    _served(market, "13900000012", 6, credit=False)
    services.request_own(wang, records.Period("all"))
    db.session.flush()
