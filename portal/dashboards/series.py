"""The charts' series, bucketed in SQL: a CASE turns a time into its week of the period (or a
home into the child zone it lies under), and GROUP BY adds each bucket up. One statement per
series, whatever the number of rows."""

from __future__ import annotations

from datetime import time

from sqlalchemy import case, func, literal, select

from portal.accounts.models import User
from portal.clock import to_utc
from portal.dashboards.figures import Span, in_span, residents, under
from portal.dashboards.period import Period
from portal.extensions import db
from portal.points.models import HoursEntry, LedgerEntry, PointsAccount
from portal.wishes.models import STATUSES, Wish
from portal.zones.models import Zone

#: a chart shows at most this many places (the largest; a street has a handful of communities)
MAX_PLACES = 12


def _week_of(column, period: Period):
    """The index of the 7-day stretch of the period a UTC time falls in."""
    starts = [to_utc(day, time()) for day in period.weeks()[1:]]
    if not starts:
        return literal(0)
    return case(*((column < start, i) for i, start in enumerate(starts)), else_=len(starts))


def _totals(inner) -> dict[int, tuple[int, ...]]:
    """Sum an inner SELECT's value columns by its first column, the bucket. Grouping an outer
    query by the inner column (not the CASE itself) keeps PostgreSQL from seeing the CASE's
    parameters twice."""
    sub = inner.subquery()
    bucket, *values = sub.c
    rows = db.session.execute(
        select(bucket, *(func.coalesce(func.sum(v), 0) for v in values)).group_by(bucket))
    return {row[0]: tuple(int(v) for v in row[1:]) for row in rows}


def hours_by_week(zone: Zone, period: Period) -> list[int]:
    """Credited minutes per week, residents of the zone."""
    found = _totals(
        select(_week_of(HoursEntry.created_dt, period).label("week"),
               HoursEntry.credited_minutes)
        .where(HoursEntry.user_id.in_(residents(zone)),
               in_span(HoursEntry.created_dt, period.span)))
    return [found.get(i, (0,))[0] for i in range(len(period.weeks()))]


def points_by_week(zone: Zone, period: Period) -> list[tuple[int, int]]:
    """(issued, spent) tenths per week, residents of the zone."""
    found = _totals(
        select(_week_of(LedgerEntry.created_dt, period).label("week"),
               case((LedgerEntry.kind == "earn", LedgerEntry.amount_tenths), else_=0),
               case((LedgerEntry.kind == "spend", -LedgerEntry.amount_tenths), else_=0))
        .join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
        .where(PointsAccount.user_id.in_(residents(zone)),
               in_span(LedgerEntry.created_dt, period.span)))
    return [found.get(i, (0, 0)) for i in range(len(period.weeks()))]


def wishes_by_status(zone: Zone, span: Span) -> dict[str, int]:
    """The wishes posted in the span, by where they stand now."""
    rows = db.session.execute(
        select(Wish.status, func.count(Wish.id)).join(Zone, Zone.id == Wish.zone_id)
        .where(under(zone), in_span(Wish.created_dt, span)).group_by(Wish.status))
    found = dict(rows.all())
    return {status: int(found.get(status, 0)) for status in STATUSES}


def places(zone: Zone) -> list[Zone]:
    """The zone's children that still serve (communities of a street, grids of a community,
    buildings of a grid): one statement."""
    return list(db.session.scalars(
        select(Zone).where(Zone.parent_id == zone.id, Zone.is_retired.is_(False))
        .order_by(Zone.code).limit(MAX_PLACES)))


def hours_by_place(zone: Zone, children: list[Zone], span: Span) -> list[int]:
    """Credited minutes per child zone, by the volunteer's home."""
    if not children:
        return []
    place = case(*((under(child), i) for i, child in enumerate(children)), else_=-1)
    found = _totals(
        select(place.label("place"), HoursEntry.credited_minutes)
        .join(User, User.id == HoursEntry.user_id).join(Zone, Zone.id == User.home_zone_id)
        .where(under(zone), in_span(HoursEntry.created_dt, span)))
    return [found.get(i, (0,))[0] for i in range(len(children))]
