"""The 台账's rows: the overdue list (超期), and the month's matters on the seed's form for the
printed A4 ledger and the XLSX export (序号, 时间, 来源, 事项, 责任人, 时限, 办理结果, 评价)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.cases.ledger.base import (
    DONE,
    STATUS_WORDS,
    TRACK_WORDS,
    Places,
    in_span,
    matters,
    month_span,
    shorten,
)
from portal.cases.ledger.figures import overdue_now
from portal.cases.models import (
    CLOSED,
    DECLINED,
    OPEN,
    RESOLVED,
    REVISIT,
    Case,
    CaseCategory,
    CaseUnit,
)
from portal.cases.services.filing import SOURCE_LABELS
from portal.cases.services.rating import RATING_LABELS, RESOLUTION_LABELS
from portal.cases.workdays import workdays_between
from portal.clock import local_today
from portal.extensions import db
from portal.i18n import N_
from portal.zones.models import Zone

#: the overdue list shows at most this many (the longest overdue), and says how many in all
OVERDUE_SHOWN = 200


def _responsible(handler: str | None, unit: str | None) -> str:
    """责任人: the handler, with their unit when it is a unit's matter."""
    if unit and handler:
        return f"{unit}（{handler}）"
    return handler or unit or N_("未派单")


def _with_people(statement):
    handler, unit = aliased(User), aliased(CaseUnit)
    return (statement.add_columns(handler.name.label("handler"), unit.name.label("unit"))
            .outerjoin(handler, handler.id == Case.handler_id)
            .outerjoin(unit, unit.id == Case.unit_id))


@dataclass
class OverdueRow:
    id: int
    number: str
    title: str
    category: str
    grid: str
    responsible: str
    due_dt: datetime
    workdays_late: int
    status: str
    is_escalated: bool


def overdue_list(scope, now: datetime, limit: int = OVERDUE_SHOWN
                 ) -> tuple[list[OverdueRow], int]:
    """Open matters past their time limit, the longest overdue first: (the first `limit`,
    how many in all). Three statements."""
    condition = (scope, *overdue_now(now))
    total = db.session.scalar(select(func.count(Case.id)).join(Zone, Zone.id == Case.zone_id)
                              .where(*condition))
    rows = list(db.session.execute(_with_people(
        matters(Case.id, Case.title, Case.due_dt, Case.status, Case.escalated_dt, Zone.path,
                CaseCategory.name.label("category")))
        .where(*condition).order_by(Case.due_dt, Case.id).limit(limit)))
    places = Places(row.path for row in rows)
    today = local_today(now)
    return [OverdueRow(row.id, f"{row.id:06d}", row.title, row.category,
                       places.grid(row.path)[1], _responsible(row.handler, row.unit), row.due_dt,
                       workdays_between(local_today(row.due_dt), today),
                       STATUS_WORDS[row.status], row.escalated_dt is not None)
            for row in rows], total or 0


@dataclass
class LedgerRow:
    """One matter on the seed's form: 序号, 时间, 来源, 事项, 责任人, 时限, 办理结果, 评价."""

    seq: int
    number: str
    filed_dt: datetime
    source: str
    title: str
    category: str
    grid: str
    responsible: str
    due_dt: datetime | None
    track: str
    outcome: str
    rating: str


@dataclass
class LedgerSheet:
    """One community's matters of the month."""

    community: str
    code: str = ""
    rows: list[LedgerRow] = field(default_factory=list)


def outcome_words(row, now: datetime) -> str:
    """办理结果: the status in words, with the reply or the reason where there is one."""
    words = STATUS_WORDS[row.status]
    if row.status in DONE and row.reply:
        return f"{words}：{row.reply}"
    if row.status == DECLINED and row.decline_reason:
        return f"{words}：{row.decline_reason}"
    if row.status in OPEN:
        notes = [N_("已超期")] if row.due_dt is not None and row.due_dt < now else []
        if row.extended:
            notes.append(N_("已延期"))
        return f"{words}（{'，'.join(notes)}）" if notes else words
    return words


def rating_words(row) -> str:
    """评价: the resident's rating and how it was given. Unrated is said so, never 满意."""
    if row.status == CLOSED and row.rating is None:
        words = N_("未评价，自动结案（不计满意）")
    elif row.status == CLOSED:
        words = f"{RATING_LABELS[row.rating]}（{RESOLUTION_LABELS.get(row.resolution, '')}）"
        if row.rated_by_id:
            words += N_("，电话评价")
    elif row.status == REVISIT:
        words = N_("不满意，待回访")
    elif row.status == RESOLVED:
        words = N_("待评价")
    else:
        words = ""
    if row.reopen_count and row.status != REVISIT:
        again = N_("曾不满意重办 %(n)d 次") % {"n": row.reopen_count}
        words = f"{words}；{again}" if words else again
    return words


def month_ledger(scope, month: date, now: datetime, outcome_chars: int | None = None
                 ) -> list[LedgerSheet]:
    """The matters filed in the month, one sheet per community, in filing order (two
    statements). `outcome_chars` shortens the 办理结果 (the printed page)."""
    rows = list(db.session.execute(_with_people(
        matters(Case.id, Case.community_id, Zone.path, CaseCategory.name.label("category"),
                Case.created_dt, Case.source, Case.title, Case.track, Case.due_dt,
                Case.status, Case.reply, Case.decline_reason, Case.rating, Case.resolution,
                Case.rated_by_id, Case.reopen_count, Case.extended))
        .where(scope, in_span(Case.created_dt, month_span(month)))
        .order_by(Case.created_dt, Case.id)))
    places = Places(row.path for row in rows)
    sheets: dict[int, LedgerSheet] = {}
    for row in rows:
        sheet = sheets.setdefault(row.community_id, LedgerSheet(
            places.name(row.community_id), places.code(row.community_id)))
        outcome = outcome_words(row, now)
        sheet.rows.append(LedgerRow(
            len(sheet.rows) + 1, f"{row.id:06d}", row.created_dt,
            SOURCE_LABELS.get(row.source, row.source), row.title, row.category,
            places.grid(row.path)[1], _responsible(row.handler, row.unit), row.due_dt,
            TRACK_WORDS[row.track],
            shorten(outcome, outcome_chars) if outcome_chars else outcome, rating_words(row)))
    return sorted(sheets.values(), key=lambda sheet: sheet.code)
