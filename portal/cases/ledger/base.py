"""What every part of the 台账 shares: the month asked for, the scope as a SQL condition, the
places (community and grid names) of a set of matters, and the words for statuses and tracks."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from sqlalchemy import and_, select

from portal import policy
from portal.cases.models import CLOSED, DECLINED, RESOLVED, WITHDRAWN, Case, CaseCategory
from portal.clock import to_utc
from portal.extensions import db
from portal.i18n import N_
from portal.zones.models import Zone

#: the earliest month the 台账 opens
EARLIEST_MONTH = date(2000, 1, 1)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
#: the handler's work is done: 已办结 (waiting for the rating) or 已结案
DONE = (RESOLVED, CLOSED)
#: matters that never needed handling, left out of the on-time rate
NOT_HANDLED = (DECLINED, WITHDRAWN)

#: The words the rows carry are kept in Chinese, like every export and record (N_ marks
#: them for the catalog); a page shows a word on its own through gettext.
STATUS_WORDS = {"new": N_("待派单"), "pool": N_("待认领"), "dispatched": N_("待接单"),
                "accepted": N_("办理中"), "resolved": N_("已办结，待评价"),
                "revisit": N_("待回访"), "closed": N_("已结案"), "declined": N_("不予受理"),
                "withdrawn": N_("已撤回")}
TRACK_WORDS = {"instant": N_("即办"), "timed": N_("限时办"), "joint": N_("商办")}
NO_GRID = N_("未分网格")


def parse_month(raw: str | None, today: date) -> tuple[date, str | None]:
    """'2026-11' -> (date(2026, 11, 1), None). Empty: this month. Anything else falls back to
    this month, with the reason: 'bad' (not a month from 2000-01 on) or 'future'."""
    this_month = today.replace(day=1)
    raw = (raw or "").strip()
    if not raw:
        return this_month, None
    found = _MONTH.fullmatch(raw)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        return this_month, "bad"
    month = date(int(found.group(1)), int(found.group(2)), 1)
    if month < EARLIEST_MONTH:
        return this_month, "bad"
    if month > this_month:
        return this_month, "future"
    return month, None


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_span(month: date) -> tuple[datetime, datetime]:
    """The local month as [start, end) in UTC."""
    return to_utc(month, time()), to_utc(next_month(month), time())


def in_span(column, span):
    return and_(column >= span[0], column < span[1])


def staff_scope(viewer):
    """Matters whose zone lies in the viewer's `cases.view` scope (a condition on Zone, which
    every query here joins on the matter's zone)."""
    return policy.zone_filter(viewer, "cases.view", Zone.path)


def community_scope(community: Zone):
    return Case.community_id == community.id


def matters(*columns):
    """SELECT columns FROM cases, joined to the matter's zone and category."""
    return (select(*columns).join(Zone, Zone.id == Case.zone_id)
            .join(CaseCategory, CaseCategory.id == Case.category_id))


class Places:
    """The names of the communities and grids a set of matters lies in, read in one
    statement from the ancestors named in their zones' paths."""

    def __init__(self, paths):
        ids = {int(i) for path in paths for i in path.strip("/").split("/") if i}
        self.zones = {row.id: row for row in db.session.execute(
            select(Zone.id, Zone.name, Zone.kind, Zone.code).where(Zone.id.in_(ids)))} \
            if ids else {}

    def grid(self, path: str) -> tuple[int, str, str]:
        """(id, name, code) of the grid a zone lies in; (0, 未分网格, "") above grid level."""
        for ident in reversed(path.strip("/").split("/")):
            zone = self.zones.get(int(ident)) if ident else None
            if zone is not None and zone.kind == "grid":
                return zone.id, zone.name, zone.code
        return 0, NO_GRID, ""

    def name(self, zone_id: int) -> str:
        zone = self.zones.get(zone_id)
        return zone.name if zone is not None else ""

    def code(self, zone_id: int) -> str:
        zone = self.zones.get(zone_id)
        return zone.code if zone is not None else ""


def shorten(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
