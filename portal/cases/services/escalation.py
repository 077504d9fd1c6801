"""`flask cases escalate`, run every few minutes by cron. For each open matter with a handler
or waiting for one, it is idempotent, and safe to run on two hosts at once:

- 1 working day before the deadline, the handler is reminded;
- at the deadline, the matter is overdue and its dispatcher (or the community's admins) told;
- one working day later it goes up a level (社区 → 街道): the 街道's admins are told, and it
  is on the 街道's overdue board;
- a resolved matter left unrated for 7 days closes as unrated (rating.close_unrated).

Each mark is set by a guarded UPDATE (`… WHERE <mark> IS NULL`), so of two runs racing on a
matter one sets it and sends the messages; the messages carry a dedupe key besides.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from portal.accounts.models import RoleGrant
from portal.cases.models import ACCEPTED, DISPATCHED, NEW, POOL, Case
from portal.cases.services.rating import close_unrated
from portal.cases.services.steps import event, link
from portal.cases.workdays import end_of_workday_after, reminder_from
from portal.extensions import db
from portal.inbox.services import notify
from portal.types import utcnow

#: open and waiting on the community or a handler (a matter awaiting its 回访 has its own list)
RUNNING = (NEW, POOL, DISPATCHED, ACCEPTED)


def _mark(case: Case, column: str, now: datetime, *where) -> bool:
    mark = getattr(Case, column)
    moved = db.session.execute(
        update(Case).where(Case.id == case.id, Case.status.in_(RUNNING), mark.is_(None), *where)
        .values({column: now}).execution_options(synchronize_session=False)).rowcount
    return moved == 1


def admins_over(zone_id: int) -> list[int]:
    """Admins granted exactly at this zone (the community, or the 街道 above it)."""
    return list(db.session.scalars(select(RoleGrant.user_id).where(
        RoleGrant.role == "admin", RoleGrant.zone_id == zone_id).order_by(RoleGrant.user_id)))


def _superadmins() -> list[int]:
    return list(db.session.scalars(select(RoleGrant.user_id).where(
        RoleGrant.role == "superadmin").order_by(RoleGrant.user_id)))


def _tell(user_ids, case: Case, kind: str, title: str, body: str, step: str) -> int:
    sent = 0
    stamp = case.due_dt.strftime("%Y%m%d%H%M")
    for user_id in dict.fromkeys(user_ids):
        sent += notify(user_id, kind, title, body, link(case),
                       dedupe_key=f"case:{case.id}:{step}:{stamp}:{user_id}") is not None
    return sent


def escalate(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    counts = {"reminded": 0, "overdue": 0, "escalated": 0, "closed_unrated": 0, "messages": 0}
    candidates = list(db.session.scalars(
        select(Case).where(Case.status.in_(RUNNING), Case.due_dt.is_not(None),
                           or_(Case.reminded_dt.is_(None), Case.overdue_dt.is_(None),
                               Case.escalated_dt.is_(None)),
                           Case.due_dt <= now + timedelta(days=15))
        .order_by(Case.id)))
    for case in candidates:
        due = case.due_dt
        if (case.status in (DISPATCHED, ACCEPTED) and case.reminded_dt is None
                and reminder_from(due) <= now < due and _mark(case, "reminded_dt", now)):
            counts["reminded"] += 1
            event(case, None, "reminded", "离办理时限还剩 1 个工作日，已提醒办理人", at=now)
            counts["messages"] += _tell([case.handler_id], case, "case.reminder",
                                        f"事项明天到期：{case.title}",
                                        "离办理时限还剩 1 个工作日，请抓紧办理或申请延期。",
                                        "remind")
        if case.overdue_dt is None and now >= due and _mark(case, "overdue_dt", now):
            counts["overdue"] += 1
            event(case, None, "overdue", "已超过办理时限，已告知派单人", at=now)
            told = [case.dispatcher_id] if case.dispatcher_id else admins_over(case.community_id)
            counts["messages"] += _tell(told, case, "case.overdue", f"事项已超期：{case.title}",
                                        "已超过办理时限，请督办。", "overdue")
        if (case.escalated_dt is None and now >= end_of_workday_after(due)
                and _mark(case, "escalated_dt", now, Case.overdue_dt.is_not(None))):
            counts["escalated"] += 1
            event(case, None, "escalated", "超期 1 个工作日，已上报街道督办", at=now)
            street = case.community.parent_id
            told = (admins_over(street) if street else []) or _superadmins()
            counts["messages"] += _tell(told, case, "case.escalated",
                                        f"社区事项超期上报：{case.title}",
                                        f"{case.community.name}的事项超期 1 个工作日未办结。",
                                        "escalate")
        db.session.expire(case)
    counts["closed_unrated"] = close_unrated(now)
    return counts
