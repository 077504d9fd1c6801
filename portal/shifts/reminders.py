"""The day-before reminder (`flask send-reminders`, from cron): each one goes out once."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from portal.clock import local
from portal.extensions import db
from portal.inbox.services import notify
from portal.shifts.models import Shift, SignUp
from portal.shifts.signups import describe
from portal.types import utcnow


def send_reminders(now: datetime | None = None) -> int:
    """Remind every confirmed volunteer of a shift starting within REMINDER_HOURS_AHEAD.

    The dedupe key names the sign-up and the start time, so a rerun sends nothing new, while
    a shift moved to another time earns a fresh reminder. Returns how many were new.
    """
    now = now or utcnow()
    until = now + timedelta(hours=current_app.config["REMINDER_HOURS_AHEAD"])
    rows = db.session.scalars(
        select(SignUp).join(Shift, Shift.id == SignUp.shift_id)
        .where(SignUp.status == "confirmed", Shift.status == "open", Shift.start_dt > now,
               Shift.start_dt <= until)
        .options(contains_eager(SignUp.shift).joinedload(Shift.activity),
                 contains_eager(SignUp.shift).joinedload(Shift.zone),
                 joinedload(SignUp.post))
        .order_by(Shift.start_dt, SignUp.id)).all()
    sent = 0
    for row in rows:
        shift = row.shift
        where = shift.zone.name + (f" {shift.place}" if shift.place else "")
        duty = "，".join(p for p in (row.post.name if row.post else "",
                                     f"责任区：{row.duty_area}" if row.duty_area else "") if p)
        body = (f"地点：{where}。" + (f"您的安排：{duty}。" if duty else "")
                + "请按时到岗，扫码签到。")
        key = f"reminder:{row.id}:{local(shift.start_dt):%Y%m%d%H%M}"
        if notify(row.user_id, "reminder", f"明日提醒：{describe(shift)}", body,
                  f"/shifts/{shift.id}", dedupe_key=key, sms=True) is not None:
            sent += 1
    return sent
