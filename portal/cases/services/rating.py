"""评单 and 回访: the resident rates the outcome (满意 / 基本满意 / 不满意, and whether it was
solved, partly solved or not); 不满意 reopens the matter, and a staff member other than its
handler makes a follow-up visit before it is dispatched again. Staff can record a rating given
by phone, and the record says so. A matter left unrated for 7 days closes as unrated, which
never counts as 满意."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import policy
from portal.cases.access import check_step
from portal.cases.models import (
    CLOSED,
    INSTANT,
    RATINGS,
    RESOLUTIONS,
    RESOLVED,
    REVISIT,
    UNSATISFIED,
    Case,
)
from portal.cases.services.steps import event, link, take, tell_resident
from portal.cases.workdays import due_after
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.types import utcnow

#: a resolved matter with no rating closes after this long
RATING_DAYS = 7
RATING_LABELS = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
RESOLUTION_LABELS = {"solved": "已解决", "partly": "部分解决", "unsolved": "未解决"}


def rate(actor, case: Case, *, rating: str, resolution: str, comment: str = "",
         by_phone: bool = False, now: datetime | None = None) -> Case:
    now = now or utcnow()
    action = "rate_by_phone" if by_phone else "rate"
    check_step(actor, case, action)
    if by_phone:  # the handler never records their own rating
        policy.check_not_beneficiary(actor, case.handler_id, _l(
            "不能为自己办理的事项录入评价，请让另一位工作人员录入。"))
    if rating not in RATINGS:
        raise DomainError("bad_rating", _l("请选择满意、基本满意或不满意。"), 400)
    if resolution not in RESOLUTIONS:
        raise DomainError("bad_resolution",
                          _l("请选择问题是否解决：已解决、部分解决或未解决。"), 400)
    comment = (comment or "").strip()
    if len(comment) > 200:
        raise DomainError("bad_comment", _l("评价最多 200 字。"), 400)
    values = dict(rating=rating, resolution=resolution, rating_comment=comment,
                  rated_by_id=actor.id if by_phone else None)
    late = case.status == CLOSED  # closed unrated, rated since (awaits_rating)
    reopen = rating == UNSATISFIED
    if reopen:
        values["reopen_count"] = Case.reopen_count + 1
        values["closed_dt"] = None
    elif not late:
        values["closed_dt"] = now
    if not take(case, action, Case.rating.is_(None), to=REVISIT if reopen else None, **values):
        raise DomainError("wrong_status", _l("这件事项已经评价过了。"))
    words = f"{RATING_LABELS[rating]}（{RESOLUTION_LABELS[resolution]}）"
    note = ("录入居民电话评价：" if by_phone else "") + ("结案后评价：" if late else "") + \
        words + (f"：{comment}" if comment else "")
    event(case, actor, "rated", note, at=now)
    if reopen:
        event(case, None, "reopened", "居民不满意，事项重新打开，等待另一位工作人员回访", at=now)
        for user_id in {case.dispatcher_id, case.handler_id} - {None}:
            notify(user_id, "case.reopened", f"居民不满意，事项重新打开：{case.title}", note,
                   link(case))
    return case


def revisit(actor, case: Case, note: str, now: datetime | None = None) -> Case:
    """回访: someone other than the last handler visits, and the matter goes back to 派单 with a
    new time limit counted from today."""
    now = now or utcnow()
    check_step(actor, case, "revisit")
    policy.check_not_beneficiary(actor, case.handler_id, _l(
        "回访须由另一位工作人员进行，不能回访自己办理的事项。"))
    note = (note or "").strip()
    if not 2 <= len(note) <= 500:
        raise DomainError("needs_reason", _l("请写下回访的情况（2 到 500 字）。"), 400)
    days = 0 if case.track == INSTANT else case.category.days
    if not take(case, "revisit", handler_id=None, unit_id=None, due_dt=due_after(now, days),
                reminded_dt=None, overdue_dt=None, escalated_dt=None, resolved_dt=None,
                extended=False, rating=None, resolution=None, rating_comment="",
                rated_by_id=None):
        raise DomainError("wrong_status", _l("这件事项已经回访过了。"))
    event(case, actor, "revisited", note, at=now)
    tell_resident(case, "case.revisited", f"工作人员已回访：{case.title}", note)
    return case


def close_unrated(now: datetime | None = None) -> int:
    """Close matters resolved RATING_DAYS ago and never rated; counts never as 满意."""
    now = now or utcnow()
    closed = 0
    for case in db.session.scalars(select(Case).where(
            Case.status == RESOLVED, Case.resolved_dt <= now - timedelta(days=RATING_DAYS))):
        if take(case, "close_unrated", Case.status == RESOLVED, closed_dt=now):
            event(case, None, "closed_unrated", "7 天内未评价，自动结案（不计为满意）", at=now)
            closed += 1
    return closed
