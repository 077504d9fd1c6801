"""Read side of 微心愿: the wall, my wishes and claims, the review queue, publicity, rankings,
and the party members' quarterly service records. Fixed statement counts per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from portal import policy
from portal.accounts.models import PartyMembership, User
from portal.checkin.models import Attendance
from portal.clock import local_today, to_utc
from portal.extensions import db
from portal.points.models import HoursEntry
from portal.types import utcnow
from portal.wishes.models import CLAIMED, CONFIRMED, PENDING, PUBLISHED, WITH_CLAIMER, Wish
from portal.zones.models import Zone
from portal.zones.services import community_of

PAGE_SIZE = 20


def grid_names(wishes) -> dict[int, str]:
    """wish id -> the name of its grid (网格), or of its community: never the building."""
    ids = {int(i) for w in wishes for i in w.zone.path.strip("/").split("/")}
    if not ids:
        return {}
    zones = {z.id: z for z in db.session.scalars(
        select(Zone).where(Zone.id.in_(ids), Zone.kind.in_(("grid", "community"))))}
    names = {}
    for wish in wishes:
        chain = [zones.get(int(i)) for i in wish.zone.path.strip("/").split("/")]
        grids = [z for z in chain if z is not None and z.kind == "grid"]
        communities = [z for z in chain if z is not None and z.kind == "community"]
        names[wish.id] = (grids or communities)[-1].name if (grids or communities) else ""
    return names


def _on_wall(today: date):
    """The wall's rows: published and not past their deadline."""
    return (Wish.status == PUBLISHED, Wish.deadline >= today)


def wall(viewer, *, kind: str = "", grid_id: int | None = None, page: int = 1):
    """Published wishes still open, most urgent (deadline) first, then newest."""
    today = local_today_now()
    stmt = (select(Wish).join(Zone, Zone.id == Wish.zone_id)
            .where(*_on_wall(today))
            .options(joinedload(Wish.poster), joinedload(Wish.zone))
            .order_by(Wish.deadline, Wish.id.desc()))
    if kind in ("item", "service"):
        stmt = stmt.where(Wish.kind == kind)
    if grid_id:
        grid = db.session.get(Zone, grid_id)
        # only a grid or the community: a building filter would tell where a poster lives
        if grid is not None and grid.kind in ("grid", "community"):
            stmt = stmt.where(Zone.path.startswith(grid.path, autoescape=True))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def wall_keyset(*, after_id: int | None, limit: int) -> list[Wish]:
    """The API's wall: the same wishes, most urgent first, in the order (deadline, id),
    `limit` + 1 of them after the wish `after_id` (a keyset, not a page number)."""
    stmt = (select(Wish).where(*_on_wall(local_today_now()))
            .options(joinedload(Wish.poster), joinedload(Wish.zone))
            .order_by(Wish.deadline, Wish.id).limit(limit + 1))
    if after_id is not None:
        # a wish that was on the wall (published, or claimed since): never a hidden one's
        last = select(Wish.deadline).where(Wish.id == after_id,
                                           Wish.status.in_((PUBLISHED, *WITH_CLAIMER)))
        stmt = stmt.where(tuple_(Wish.deadline, Wish.id) > tuple_(last.scalar_subquery(),
                                                                   after_id))
    return list(db.session.scalars(stmt))


def claims_keyset(user_id: int, *, after_id: int | None, limit: int) -> list[Wish]:
    """The API's “我认领的”: the member's claims (while claimed and after; not a wish
    withdrawn meanwhile, which is no longer theirs to see), newest first, by id."""
    stmt = (select(Wish).where(Wish.claimer_id == user_id, Wish.status.in_(WITH_CLAIMER))
            .options(joinedload(Wish.poster), joinedload(Wish.zone))
            .order_by(Wish.id.desc()).limit(limit + 1))
    if after_id is not None:
        stmt = stmt.where(Wish.id < after_id)
    return list(db.session.scalars(stmt))


def local_today_now() -> date:
    return local_today(utcnow())


def wall_grids(viewer) -> list[Zone]:
    """Grids of the viewer's community, for the wall's filter."""
    community = community_of(viewer.home_zone) if viewer.home_zone else None
    if community is None:
        return []
    return list(db.session.scalars(
        select(Zone).where(Zone.kind == "grid", Zone.is_retired.is_(False),
                           Zone.path.startswith(community.path, autoescape=True))
        .order_by(Zone.code)))


def my_wishes(user_id: int, page: int = 1):
    stmt = (select(Wish).where(Wish.poster_id == user_id)
            .options(joinedload(Wish.claimer)).order_by(Wish.id.desc()))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def my_claims(user_id: int) -> list[Wish]:
    return list(db.session.scalars(
        select(Wish).where(Wish.claimer_id == user_id)
        .options(joinedload(Wish.poster), joinedload(Wish.zone))
        .order_by((Wish.status == CLAIMED).desc(), Wish.id.desc()).limit(100)))


def review_queue(viewer, status: str = PENDING, page: int = 1):
    stmt = (select(Wish).join(Zone, Zone.id == Wish.zone_id)
            .where(policy.zone_filter(viewer, "wishes.review", Zone.path))
            .options(joinedload(Wish.poster), joinedload(Wish.zone),
                     joinedload(Wish.created_by), joinedload(Wish.claimer))
            .order_by(Wish.id.desc()))
    if status:
        stmt = stmt.where(Wish.status == status)
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def thanks(page: int = 1):
    """公示: confirmed wishes, newest first."""
    stmt = (select(Wish).where(Wish.status == CONFIRMED)
            .options(joinedload(Wish.poster), joinedload(Wish.zone),
                     joinedload(Wish.claimer).joinedload(User.party),
                     selectinload(Wish.evidence))
            .order_by(Wish.confirmed_dt.desc()))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def rankings(limit: int = 20):
    """Confirmed wishes (never mere claims) by work unit, and by member for those who opted in
    to leaderboards."""
    confirmed = func.count(Wish.id).label("n")
    units = db.session.execute(
        select(PartyMembership.work_unit, confirmed)
        .join(Wish, Wish.claimer_id == PartyMembership.user_id)
        .where(Wish.status == CONFIRMED).group_by(PartyMembership.work_unit)
        .order_by(confirmed.desc(), PartyMembership.work_unit).limit(limit)).all()
    members = db.session.execute(
        select(User.name, PartyMembership.work_unit, confirmed)
        .join(PartyMembership, PartyMembership.user_id == User.id)
        .join(Wish, Wish.claimer_id == User.id)
        .where(Wish.status == CONFIRMED, User.is_on_leaderboard.is_(True))
        .group_by(User.id, User.name, PartyMembership.work_unit)
        .order_by(confirmed.desc(), User.name).limit(limit)).all()
    return units, members


# ------------------------------------------------------------------ service records


def parse_quarter(raw: str | None, today: date) -> tuple[int, int]:
    """'2026Q4' -> (2026, 4); anything else -> the current quarter."""
    raw = (raw or "").strip().upper()
    try:
        year, quarter = int(raw[:4]), int(raw[5:])
        if raw[4] == "Q" and 1 <= quarter <= 4 and 2000 <= year <= today.year:
            return year, quarter
    except (ValueError, IndexError):
        pass
    return today.year, (today.month - 1) // 3 + 1


def quarter_span(year: int, quarter: int):
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return to_utc(start, time()), to_utc(end, time())


@dataclass
class ServiceRecord:
    user: User
    wishes: list[Wish] = field(default_factory=list)
    shifts: int = 0
    minutes: int = 0

    @property
    def average_rating(self) -> float | None:
        rated = [w.rating for w in self.wishes if w.rating]
        return round(sum(rated) / len(rated), 1) if rated else None


def service_records(users: list[User], year: int, quarter: int) -> list[ServiceRecord]:
    """双岗双责: confirmed wishes, shifts served and their hours in a quarter, for each user.
    Hours are those credited for shifts in the quarter (net of reversals); imported
    paper-record hours belong to no quarter and are left out."""
    return records_between(users, *quarter_span(year, quarter))


def records_between(users: list[User], start, end) -> list[ServiceRecord]:
    """service_records over [start, end) in UTC (the exports' periods): three queries."""
    ids = [u.id for u in users]
    records = {u.id: ServiceRecord(user=u) for u in users}
    if not ids:
        return []
    for wish in db.session.scalars(
            select(Wish).where(Wish.claimer_id.in_(ids), Wish.status == CONFIRMED,
                               Wish.confirmed_dt >= start, Wish.confirmed_dt < end)
            .order_by(Wish.confirmed_dt)):
        records[wish.claimer_id].wishes.append(wish)
    for user_id, count in db.session.execute(
            select(Attendance.user_id, func.count(Attendance.id))
            .where(Attendance.user_id.in_(ids), Attendance.credited_dt >= start,
                   Attendance.credited_dt < end).group_by(Attendance.user_id)):
        records[user_id].shifts = int(count)
    for user_id, minutes in db.session.execute(
            select(HoursEntry.user_id, func.sum(HoursEntry.credited_minutes))
            .where(HoursEntry.user_id.in_(ids), HoursEntry.source_type == "attendance",
                   HoursEntry.created_dt >= start, HoursEntry.created_dt < end)
            .group_by(HoursEntry.user_id)):
        records[user_id].minutes = int(minutes or 0)
    return [records[i] for i in ids]


def work_units(viewer) -> list[tuple[str, int]]:
    """(work unit, verified members) among the members living in the viewer's scope."""
    return [(unit, int(n)) for unit, n in db.session.execute(
        select(PartyMembership.work_unit, func.count(PartyMembership.id))
        .join(User, User.id == PartyMembership.user_id)
        .join(Zone, Zone.id == User.home_zone_id)
        .where(PartyMembership.status == "verified",
               policy.zone_filter(viewer, "wishes.review", Zone.path))
        .group_by(PartyMembership.work_unit).order_by(PartyMembership.work_unit))]


def unit_members(viewer, unit: str) -> list[User]:
    return list(db.session.scalars(
        select(User).join(PartyMembership, PartyMembership.user_id == User.id)
        .join(Zone, Zone.id == User.home_zone_id)
        .where(PartyMembership.status == "verified", PartyMembership.work_unit == unit,
               policy.zone_filter(viewer, "wishes.review", Zone.path))
        .options(joinedload(User.party)).order_by(User.name)))
