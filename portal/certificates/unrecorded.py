"""Art. 11: a service is recorded within 10 working days of its end. Shifts that ended longer
ago and still have something unrecorded are flagged to their coordinator (the activity's
creator): a page in scope, and `flask flag-unrecorded` (cron, daily) that tells each once.

Unrecorded means: an attendance never credited (a check-out waiting for review or for the
coordinator's confirmation; one reversed on purpose is a decision, not a gap), or a confirmed
sign-up with neither an attendance nor a no-show mark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import joinedload

from portal import policy
from portal.cases.workdays import workdays_between
from portal.checkin.models import Attendance
from portal.clock import local_today
from portal.extensions import db
from portal.inbox.services import notify
from portal.shifts.models import Activity, Shift, SignUp
from portal.types import utcnow
from portal.zones.models import Zone

#: 民政部令第67号 art. 11
LIMIT_WORKDAYS = 10
#: shifts older than this are not looked at again (a year of history is the ledger's business)
HORIZON_DAYS = 365


@dataclass
class Unrecorded:
    shift: Shift
    uncredited: int = 0
    unmarked: int = 0
    workdays: int = 0


def _counts(condition, now: datetime) -> dict[int, list[int]]:
    """shift id -> [uncredited attendances, confirmed sign-ups with nothing], for shifts that
    ended between the horizon and 10 calendar days ago (a superset of 10 working days)."""
    window = and_(Shift.end_dt < now - timedelta(days=LIMIT_WORKDAYS),
                  Shift.end_dt > now - timedelta(days=HORIZON_DAYS),
                  Shift.status == "open", condition)
    counts: dict[int, list[int]] = {}
    for shift_id, n in db.session.execute(
            select(Attendance.shift_id, func.count())
            .join(Shift, Shift.id == Attendance.shift_id)
            .join(Activity, Activity.id == Shift.activity_id)
            .join(Zone, Zone.id == Shift.zone_id)
            .where(window, Attendance.credited_dt.is_(None), Attendance.credit_round == 1)
            .group_by(Attendance.shift_id)):
        counts.setdefault(shift_id, [0, 0])[0] = n
    for shift_id, n in db.session.execute(
            select(SignUp.shift_id, func.count())
            .join(Shift, Shift.id == SignUp.shift_id)
            .join(Activity, Activity.id == Shift.activity_id)
            .join(Zone, Zone.id == Shift.zone_id)
            .outerjoin(Attendance, Attendance.signup_id == SignUp.id)
            .where(window, SignUp.status == "confirmed", SignUp.no_show_dt.is_(None),
                   Attendance.id.is_(None))
            .group_by(SignUp.shift_id)):
        counts.setdefault(shift_id, [0, 0])[1] = n
    return counts


def find(condition=None, now: datetime | None = None) -> list[Unrecorded]:
    """Every flagged shift (under `condition` on Zone/Activity), oldest first. Four queries."""
    now = now or utcnow()
    counts = _counts(condition if condition is not None else true(), now)
    if not counts:
        return []
    today = local_today(now)
    shifts = db.session.scalars(
        select(Shift).where(Shift.id.in_(counts))
        .options(joinedload(Shift.activity).joinedload(Activity.zone))
        .order_by(Shift.end_dt, Shift.id)).unique().all()
    found = []
    for shift in shifts:
        workdays = workdays_between(local_today(shift.end_dt), today)
        if workdays > LIMIT_WORKDAYS:
            uncredited, unmarked = counts[shift.id]
            found.append(Unrecorded(shift, uncredited, unmarked, workdays))
    return found


def in_scope(user, now: datetime | None = None) -> list[Unrecorded]:
    return find(policy.zone_filter(user, "certificates.unrecorded"), now)


def flag_unrecorded(now: datetime | None = None) -> int:
    """Cron: tell each activity's coordinator once per shift. Returns messages sent."""
    sent = 0
    for row in find(now=now):
        coordinator_id = row.shift.activity.created_by_id
        if coordinator_id is None:
            continue
        day = local_today(row.shift.start_dt)
        message = notify(
            coordinator_id, "certificates.unrecorded",
            f"志愿服务超过 10 个工作日未记录：{row.shift.activity.title} {day:%m-%d}",
            f"{row.uncredited} 条签到未入账，{row.unmarked} 人已报名但未签到也未标记缺席。"
            "按《志愿服务记录与证明出具办法》，服务应在结束后 10 个工作日内记录，请尽快处理。",
            "/staff/certificates/unrecorded", dedupe_key=f"unrecorded:{row.shift.id}")
        sent += message is not None
    return sent
