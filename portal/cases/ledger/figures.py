"""The month's figures per community, grid, category and track (建账、销账), counted in Python
over plain columns: four statements whatever the number of matters."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from portal.cases.ledger.base import (
    DONE,
    NOT_HANDLED,
    TRACK_WORDS,
    Places,
    community_scope,
    in_span,
    matters,
    month_span,
)
from portal.cases.models import CLOSED, OPEN, TRACKS, Case, CaseCategory, CaseEvent
from portal.cases.workdays import workdays_between
from portal.clock import local_today
from portal.extensions import db
from portal.zones.models import Zone

#: how each figure is counted; the staff page shows all of these, the public page its two
COUNTING = {
    "opened": _l("新增：本月提交的事项。"),
    "done": _l("办结：本月由办理人办结、现在仍是“已办结”或“已结案”的事项；"
               "居民不满意重新打开的，要再次办结才算。"),
    "on_time": _l("按期办结率：办理时限落在本月的事项中（已到时限的，或时限未到但已办结的；"
                  "不予受理和撤回的不算），在时限当天结束前办结的所占比例。"
                  "到了时限仍未办结的算作未按期。"),
    "median": _l("办结用时中位数：本月办结的事项从提交到办结经过的工作日数的中位数（按国家"
                 "法定节假日和调休计算，当天办结记 0 个工作日）。"),
    "satisfaction": _l("满意率：本月收到的评价中（居民自己评价的，和工作人员代录的电话评价），"
                       "“满意”和“基本满意”所占比例；“部分解决”按居民选的满意程度计。"
                       "7 天内未评价自动结案的单独计数，不算满意，也不进分母。"),
    "overdue": _l("当前超期：现在仍未办结、已过办理时限的事项（不分月份）。"),
}


@dataclass
class Tally:
    """One line of the 台账: a community, a grid, a category or a track in one month."""

    opened: int = 0
    done: int = 0
    #: matters whose time limit fell in the month (COUNTING["on_time"]), and those done in time
    due: int = 0
    on_time: int = 0
    #: working days from filing to 办结, one per matter done in the month
    days: list[int] = field(default_factory=list)
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    #: closed after 7 days without a rating: never 满意, and not in the rate
    unrated: int = 0
    #: of the month's 满意 and 基本满意 ratings, those that said "partly solved"
    partly: int = 0
    overdue: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def satisfaction(self) -> float | None:
        return (self.satisfied + self.basic) / self.rated if self.rated else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


@dataclass
class Line:
    name: str
    #: the zone code a grid sorts by (the tree's own order)
    code: str = ""
    tally: Tally = field(default_factory=Tally)
    #: the name is one of the ledger's own words (a track, 未分网格), not data: a page
    #: translates it
    is_word: bool = False


@dataclass
class CommunityFigures:
    id: int
    name: str
    code: str
    total: Tally = field(default_factory=Tally)
    grids: dict[int, Line] = field(default_factory=dict)
    categories: dict[str, Line] = field(default_factory=dict)
    tracks: dict[str, Line] = field(default_factory=dict)


def _grouping():
    """The columns every figure is grouped by: community, zone path, category, track."""
    return (Case.community_id, Zone.path, CaseCategory.name.label("category"),
            CaseCategory.sort, Case.track)


def overdue_now(now: datetime):
    """Open and past the time limit, now."""
    return Case.status.in_(OPEN), Case.due_dt.is_not(None), Case.due_dt < now


class _Book:
    """The tallies a matter adds to: its community's, its grid's, its category's and its
    track's."""

    def __init__(self, places: Places):
        self.places = places
        self.communities: dict[int, CommunityFigures] = {}

    def tallies(self, row) -> tuple[Tally, ...]:
        book = self.communities.get(row.community_id)
        if book is None:
            book = self.communities[row.community_id] = CommunityFigures(
                row.community_id, self.places.name(row.community_id),
                self.places.code(row.community_id))
        grid_id, grid_name, grid_code = self.places.grid(row.path)
        grid = book.grids.setdefault(grid_id, Line(grid_name, grid_code,
                                                   is_word=grid_id == 0))
        category = book.categories.setdefault(row.category, Line(row.category))
        track = book.tracks.setdefault(row.track, Line(TRACK_WORDS[row.track], is_word=True))
        return book.total, grid.tally, category.tally, track.tally

    def sorted(self) -> list[CommunityFigures]:
        books = sorted(self.communities.values(), key=lambda b: b.code)
        for book in books:  # grids in the tree's order, the matters above grid level last
            book.grids = dict(sorted(book.grids.items(),
                                     key=lambda item: (item[0] == 0, item[1].code)))
            book.tracks = {t: book.tracks[t] for t in TRACKS if t in book.tracks}
        return books


def count_month(row, span, now: datetime) -> dict[str, int]:
    """What one matter adds to the month's figures: the rules COUNTING states."""
    added = {}
    if span[0] <= row.created_dt < span[1]:
        added["opened"] = 1
    done = row.status in DONE and row.resolved_dt is not None
    if done and span[0] <= row.resolved_dt < span[1]:
        added["done"] = 1
    if (row.due_dt is not None and span[0] <= row.due_dt < span[1]
            and row.status not in NOT_HANDLED and (done or row.due_dt <= now)):
        added["due"] = 1
        added["on_time"] = int(done and row.resolved_dt <= row.due_dt)
    if row.status == CLOSED and row.closed_dt is not None and span[0] <= row.closed_dt < span[1]:
        kind = {"satisfied": "satisfied", "basic": "basic", None: "unrated"}.get(row.rating)
        if kind is not None:
            added[kind] = 1
            added["partly"] = int(kind != "unrated" and row.resolution == "partly")
    return added


def _touching(span):
    """The matters a month's figures read: filed, done, due or closed in it."""
    return or_(in_span(Case.created_dt, span), in_span(Case.resolved_dt, span),
               in_span(Case.due_dt, span), in_span(Case.closed_dt, span))


#: the columns count_month reads
_COUNTED = (Case.status, Case.created_dt, Case.resolved_dt, Case.due_dt, Case.closed_dt,
            Case.rating, Case.resolution)


def _reopened_in(span):
    """不满意 reopens the matter at once, and its "reopened" event is the rating's dated
    trace (the matter's own rating is overwritten by the next one)."""
    return CaseEvent.kind == "reopened", in_span(CaseEvent.created_dt, span)


def _add(tallies, added: dict[str, int], row) -> None:
    days = (workdays_between(local_today(row.created_dt), local_today(row.resolved_dt))
            if added.get("done") else None)
    for tally in tallies:
        for name, count in added.items():
            setattr(tally, name, getattr(tally, name) + count)
        if days is not None:
            tally.days.append(days)


def month_figures(scope, month: date, now: datetime) -> list[CommunityFigures]:
    """The month's figures per community, with its grids, categories and tracks. Four
    statements: the matters that touch the month, the month's 不满意 ratings, the matters
    overdue now, and the places' names."""
    span = month_span(month)
    touching = list(db.session.execute(
        matters(*_grouping(), *_COUNTED).where(scope, _touching(span))))
    unhappy = list(db.session.execute(
        matters(*_grouping()).join(CaseEvent, CaseEvent.case_id == Case.id)
        .where(scope, *_reopened_in(span))))
    late = list(db.session.execute(matters(*_grouping()).where(scope, *overdue_now(now))))
    book = _Book(Places(row.path for row in (*touching, *unhappy, *late)))
    for row in sorted(touching, key=lambda r: (r.sort, r.category)):
        _add(book.tallies(row), count_month(row, span, now), row)
    for rows, name in ((unhappy, "unsatisfied"), (late, "overdue")):
        for row in rows:
            for tally in book.tallies(row):
                setattr(tally, name, getattr(tally, name) + 1)
    return book.sorted()


def community_figures(community: Zone, month: date, now: datetime) -> Tally:
    """The public page's figures: the whole community's month, by the same rules, without
    the grouping (two statements). Every matter counts, not only those shown: the numbers
    name nobody."""
    return span_tally(community_scope(community), month_span(month), now)


def subtree_tally(path: str, span, now: datetime) -> Tally:
    """The same figures for the matters in a zone's subtree over any span (the dashboards)."""
    in_subtree = Case.zone_id.in_(
        select(Zone.id).where(Zone.path.startswith(path, autoescape=True)).scalar_subquery())
    return span_tally(in_subtree, span, now)


def span_tally(scope, span, now: datetime) -> Tally:
    """The figures of the matters `scope` selects over `span`, by COUNTING's rules, in two
    statements."""
    total = Tally()
    for row in db.session.execute(select(*_COUNTED).where(scope, _touching(span))):
        _add((total,), count_month(row, span, now), row)
    total.unsatisfied = db.session.scalar(
        select(func.count(CaseEvent.id)).join(Case, Case.id == CaseEvent.case_id)
        .where(scope, *_reopened_in(span))) or 0
    return total
