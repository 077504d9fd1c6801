"""The public 晒账 page, open to everyone: a community's matters of the month that their
residents allowed to be shown, masked, and the street's list of communities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cases.ledger.base import (
    DONE,
    STATUS_WORDS,
    Places,
    in_span,
    matters,
    month_span,
    shorten,
)
from portal.cases.models import CLOSED, RESOLVED, REVISIT, WITHDRAWN, Case, CaseCategory
from portal.cases.services.rating import RATING_LABELS, RESOLUTION_LABELS
from portal.extensions import db
from portal.i18n import N_
from portal.web.formatting import mask_name
from portal.zones.models import Zone

PAGE_SIZE = 30
#: the reply is shortened to this many characters on the public page
OUTCOME_CHARS = 40


def community_by_code(code: str) -> Zone | None:
    """The community a public address names (codes are kept upper-case), or None."""
    code = (code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    return db.session.scalar(select(Zone).where(Zone.code == code, Zone.kind == "community"))


@dataclass
class PublicRow:
    """What anyone may see of a matter its resident allowed on the 台账. Never its title,
    details, place, the resident's phone or address, or a photo."""

    filed_dt: datetime
    category: str
    grid: str
    resident: str
    status: str
    outcome: str
    rating: str


@dataclass
class Page:
    """A page of rows, shaped for the pagination macro."""

    items: list
    page: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _rating(row) -> str:
    if row.status == CLOSED and row.rating is None:
        return N_("未评价（不计满意）")
    if row.status == CLOSED:
        return f"{RATING_LABELS[row.rating]}（{RESOLUTION_LABELS.get(row.resolution, '')}）"
    if row.status == REVISIT:
        return N_("不满意，重新办理")
    if row.status == RESOLVED:
        return N_("待评价")
    return ""


def _shown(community: Zone, month: date):
    return (Case.community_id == community.id, Case.public.is_(True), Case.status != WITHDRAWN,
            in_span(Case.created_dt, month_span(month)))


def public_page(community: Zone, month: date, page: int) -> Page:
    """The month's matters of a community that their residents allowed to be shown (those
    they withdrew aside), newest first, masked. Three statements: count, page, places."""
    condition = _shown(community, month)
    total = db.session.scalar(select(func.count(Case.id)).where(*condition)) or 0
    rows = list(db.session.execute(
        matters(Case.created_dt, Zone.path, CaseCategory.name.label("category"), Case.status,
                Case.reply, Case.rating, Case.resolution, User.name.label("resident"))
        .join(User, User.id == Case.resident_id)
        .where(*condition).order_by(Case.created_dt.desc(), Case.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    places = Places(row.path for row in rows)
    items = [PublicRow(row.created_dt, row.category, places.grid(row.path)[1],
                       mask_name(row.resident), STATUS_WORDS[row.status],
                       shorten(row.reply, OUTCOME_CHARS) if row.status in DONE else "",
                       _rating(row))
             for row in rows]
    return Page(items, page, total, PAGE_SIZE)


def public_communities(month: date) -> list[tuple[Zone, int]]:
    """Every community that is not retired, with how many matters its 晒账 page shows for
    the month (two statements)."""
    shown = dict(db.session.execute(
        select(Case.community_id, func.count(Case.id))
        .where(Case.public.is_(True), Case.status != WITHDRAWN,
               in_span(Case.created_dt, month_span(month)))
        .group_by(Case.community_id)).all())
    communities = db.session.scalars(select(Zone).where(
        Zone.kind == "community", Zone.is_retired.is_(False)).order_by(Zone.code))
    return [(zone, shown.get(zone.id, 0)) for zone in communities]
