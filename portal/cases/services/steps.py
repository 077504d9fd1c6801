"""What every matter service shares: the guarded step along models.TRANSITIONS, the event each
step leaves, and the messages to the people who follow the matter."""

from __future__ import annotations

from sqlalchemy import select, update

from portal.cases.models import TRANSITIONS, Case, CaseEvent, CaseFollower
from portal.extensions import db
from portal.inbox.services import notify
from portal.types import utcnow

MAX_NOTE = 500
MAX_PHOTOS = 6


def take(case: Case, action: str, *where, to: str | None = None, **values) -> bool:
    """Move the matter one step, as a guarded UPDATE (`… WHERE id = :id AND status IN (the
    step's from-statuses)`, plus any `where`): True for the one writer that moved it.
    Concurrent writers see a row count of 0. `to` overrides the step's status (a rating of
    不满意 leads to 待回访 instead of 已结案)."""
    step = TRANSITIONS[action]
    target = to or step.to
    if target is not None:
        values["status"] = target
    moved = db.session.execute(
        update(Case).where(Case.id == case.id, Case.status.in_(step.frm), *where)
        .values(**values).execution_options(synchronize_session=False)).rowcount
    db.session.expire(case)
    return moved == 1


def event(case: Case, actor, kind: str, note: str = "", photos=(), at=None) -> CaseEvent:
    row = CaseEvent(case_id=case.id, actor_id=getattr(actor, "id", None), kind=kind,
                    note=(note or "")[:MAX_NOTE], photos=list(photos), created_dt=at or utcnow())
    db.session.add(row)
    return row


def link(case: Case) -> str:
    return f"/cases/{case.id}"


def tell_resident(case: Case, kind: str, title: str, body: str = "",
                  dedupe_key: str | None = None) -> None:
    """The resident it is for, and those who joined it ("me too")."""
    people = [case.resident_id, *db.session.scalars(
        select(CaseFollower.user_id).where(CaseFollower.case_id == case.id))]
    for user_id in dict.fromkeys(people):
        notify(user_id, kind, title, body, link(case),
               dedupe_key=f"{dedupe_key}:{user_id}" if dedupe_key else None)
