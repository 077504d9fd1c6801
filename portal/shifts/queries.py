"""Read-side queries for the shift pages; each is a fixed number of statements whatever the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, select, tuple_
from sqlalchemy.orm import aliased, joinedload, selectinload

from portal import policy
from portal.extensions import db
from portal.shifts.models import ACTIVE_STATUSES, Activity, Shift, ShiftTemplate, SignUp
from portal.zones.models import Zone

PAGE_SIZE = 20


@cache
def _wait_row():
    """A second SignUp, for "how many are ahead of me in line". Made on first use, not at
    import: aliasing configures the mappers, and portal.api imports this module before
    every model is registered (portal/models.py imports portal.api.models early)."""
    return aliased(SignUp, name="wait_row")


def _confirmed_subquery():
    return (select(SignUp.shift_id, func.count().label("n"))
            .where(SignUp.status == "confirmed").group_by(SignUp.shift_id).subquery())


@dataclass
class ShiftRow:
    """A shift with its places as a page shows them."""

    shift: Shift
    confirmed: int = 0
    #: post id -> confirmed on that post
    per_post: dict[int, int] = field(default_factory=dict)
    #: the viewer's own sign-up, if any (active or not)
    mine: SignUp | None = None

    @property
    def free(self) -> int:
        return max(self.shift.capacity - self.confirmed, 0)

    def post_free(self, post) -> int:
        return max(post.capacity - self.per_post.get(post.id, 0), 0)


@cache
def _counts_statement():
    """Confirmed places per shift and post for a page of shifts. Built once, run with the
    page's ids: building it (an IN of twenty ids) cost more CPU than running it."""
    return (select(SignUp.shift_id, SignUp.post_id, func.count())
            .where(SignUp.shift_id.in_(bindparam("ids", expanding=True)),
                   SignUp.status == "confirmed")
            .group_by(SignUp.shift_id, SignUp.post_id))


@cache
def _mine_statement():
    return select(SignUp).where(SignUp.shift_id.in_(bindparam("ids", expanding=True)),
                                SignUp.user_id == bindparam("viewer_id"))


def _rows(shifts: list[Shift], viewer_id: int | None) -> list[ShiftRow]:
    """Counts per shift and post, and the viewer's sign-ups, in two statements."""
    ids = [s.id for s in shifts]
    rows = {s.id: ShiftRow(s) for s in shifts}
    if not ids:
        return []
    for shift_id, post_id, n in db.session.execute(_counts_statement(), {"ids": ids}):
        rows[shift_id].confirmed += n
        if post_id is not None:
            rows[shift_id].per_post[post_id] = n
    if viewer_id is not None:
        for signup in db.session.scalars(_mine_statement(),
                                         {"ids": ids, "viewer_id": viewer_id}):
            rows[signup.shift_id].mine = signup
    return [rows[i] for i in ids]


def _card_options():
    """What a shift card shows (templates/shifts/_card.html): no posts, so lists skip them."""
    return (joinedload(Shift.activity), joinedload(Shift.zone), joinedload(Shift.team))


def _shift_options():
    return (*_card_options(), selectinload(Shift.posts))


def _listed(now: datetime) -> tuple:
    """Which shifts the lists show: open ones that have not ended (every shift is public)."""
    return (Shift.status == "open", Shift.end_dt > now)


def shift_list(*, now: datetime, viewer_id: int | None, start_from: datetime | None = None,
               zone: Zone | None = None, team_id: int | None = None,
               has_free: bool = False, page: int = 1):
    """Open shifts that have not ended, soonest first, filtered; (pagination, rows).

    The zone and the places count are joined only when a filter needs them: every join
    costs PostgreSQL planning time on each of the list's two statements (items and count)."""
    stmt = (select(Shift).where(*_listed(now))
            .options(*_card_options())
            .order_by(Shift.start_dt, Shift.id))
    if start_from is not None:
        stmt = stmt.where(Shift.start_dt >= start_from)
    if zone is not None:
        stmt = (stmt.join(Zone, Zone.id == Shift.zone_id)
                .where(Zone.path.startswith(zone.path, autoescape=True)))
    if team_id:
        stmt = stmt.where(Shift.team_id == team_id)
    if has_free:
        confirmed = _confirmed_subquery()
        stmt = (stmt.outerjoin(confirmed, confirmed.c.shift_id == Shift.id)
                .where(func.coalesce(confirmed.c.n, 0) < Shift.capacity))
    pagination = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    return pagination, _rows(list(pagination.items), viewer_id)


def shift_keyset(*, now: datetime, viewer_id: int | None, after_id: int | None,
                 limit: int) -> list[ShiftRow]:
    """The API's list: the web list's shifts in its order (start, id), `limit` + 1 of them
    after the shift `after_id` (a keyset on (start_dt, id), not a page number); three
    statements whatever the rows (shifts, places, the viewer's sign-ups)."""
    stmt = (select(Shift).where(*_listed(now)).options(*_card_options())
            .order_by(Shift.start_dt, Shift.id).limit(limit + 1))
    if after_id is not None:
        last = select(Shift.start_dt).where(Shift.id == after_id).scalar_subquery()
        stmt = stmt.where(tuple_(Shift.start_dt, Shift.id) > tuple_(last, after_id))
    return _rows(list(db.session.scalars(stmt)), viewer_id)


def shift_detail(shift_id: int, viewer_id: int | None) -> ShiftRow | None:
    shift = db.session.get(Shift, shift_id, options=_shift_options())
    if shift is None:
        return None
    return _rows([shift], viewer_id)[0]


@dataclass
class MyShifts:
    upcoming: list[SignUp] = field(default_factory=list)
    waitlisted: list[tuple[SignUp, int]] = field(default_factory=list)
    history: list[SignUp] = field(default_factory=list)


def my_shifts(user_id: int, now: datetime, history_limit: int = 50) -> MyShifts:
    """Upcoming, waitlisted (with place in line) and past sign-ups: three statements."""
    signups = list(db.session.scalars(
        select(SignUp).join(Shift, Shift.id == SignUp.shift_id)
        .where(SignUp.user_id == user_id)
        .options(joinedload(SignUp.shift).joinedload(Shift.activity),
                 joinedload(SignUp.shift).joinedload(Shift.zone), joinedload(SignUp.post))
        .order_by(Shift.start_dt)))
    result = MyShifts()
    waiting = []
    for row in signups:
        shift = row.shift
        if row.status in ACTIVE_STATUSES and not shift.is_cancelled and shift.end_dt > now:
            if row.status == "confirmed":
                result.upcoming.append(row)
            else:
                waiting.append(row)
        else:
            result.history.append(row)
    result.history = list(reversed(result.history))[:history_limit]
    if waiting:
        WaitRow = _wait_row()  # noqa: N806 (a mapped class, named like one)
        ahead = select(func.count()).where(
            SignUp.shift_id == WaitRow.shift_id, SignUp.status == "waitlisted",
            SignUp.queue_seq < WaitRow.queue_seq,
            (WaitRow.post_id.is_(None)) | (SignUp.post_id == WaitRow.post_id)
        ).scalar_subquery()
        positions = dict(db.session.execute(
            select(WaitRow.id, ahead).where(WaitRow.id.in_([w.id for w in waiting]))).all())
        result.waitlisted = [(w, positions.get(w.id, 0) + 1) for w in waiting]
    return result


@dataclass
class Roster:
    confirmed: list[SignUp]
    waitlisted: list[SignUp]
    others: list[SignUp]


def roster(shift: Shift) -> Roster:
    """Everyone on a shift with their user loaded; confirmed by post, then arrival."""
    rows = list(db.session.scalars(
        select(SignUp).where(SignUp.shift_id == shift.id)
        .options(joinedload(SignUp.user), joinedload(SignUp.post))
        .order_by(SignUp.queue_seq)))
    order = {post.id: post.position for post in shift.posts}
    confirmed = sorted((r for r in rows if r.status == "confirmed"),
                       key=lambda r: (order.get(r.post_id, -1), r.queue_seq))
    return Roster(confirmed=confirmed,
                  waitlisted=[r for r in rows if r.status == "waitlisted"],
                  others=[r for r in rows if r.status not in ACTIVE_STATUSES])


def activities_in_scope(viewer) -> list[Activity]:
    return list(db.session.scalars(
        select(Activity).join(Zone, Zone.id == Activity.zone_id)
        .where(policy.zone_filter(viewer, "shifts.manage", Zone.path))
        .options(joinedload(Activity.zone), joinedload(Activity.team))
        .order_by(Activity.id.desc())))


def upcoming_in_scope(viewer, now: datetime, limit: int = 30) -> list[ShiftRow]:
    """The coordinator's shifts that have not ended, soonest first."""
    shifts = list(db.session.scalars(
        select(Shift).join(Zone, Zone.id == Shift.zone_id)
        .where(Shift.end_dt > now, policy.zone_filter(viewer, "shifts.manage", Zone.path))
        .options(*_card_options()).order_by(Shift.start_dt, Shift.id).limit(limit)))
    return _rows(shifts, None)


def activity_shifts(activity: Activity, now: datetime) -> list[ShiftRow]:
    shifts = list(db.session.scalars(
        select(Shift).where(Shift.activity_id == activity.id, Shift.end_dt > now)
        .options(*_card_options()).order_by(Shift.start_dt, Shift.id)))
    return _rows(shifts, None)


def activity_templates(activity: Activity) -> list[ShiftTemplate]:
    return list(db.session.scalars(
        select(ShiftTemplate).where(ShiftTemplate.activity_id == activity.id)
        .options(joinedload(ShiftTemplate.zone)).order_by(ShiftTemplate.id)))
