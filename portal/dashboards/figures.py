"""A dashboard's figures for one zone subtree and one UTC span. Each group is one aggregate
statement (sums and counts in SQL, CASE for the parts), so the number of statements is the same
whatever the number of rows.

Who or what a figure counts, by where it belongs:
- people (hours, points, sales, party members) by their home zone;
- places (shifts and their attendance, wishes) by the shift's or the wish's zone;
- the supermarket's stock by the shop of the zone's community (a grid sees its community's);
- matters by their zone, counted by the 台账's own rules (cases/ledger/figures.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, distinct, exists, func, literal, or_, select

from portal.accounts.models import PartyMembership, User
from portal.cases.ledger.figures import subtree_tally
from portal.checkin.models import Attendance
from portal.extensions import db
from portal.points.models import HoursEntry, LedgerEntry, PointsAccount
from portal.shifts.models import Shift, SignUp
from portal.shop.models import Good, Redemption, Reservation, Shop
from portal.wishes.models import CONFIRMED, Wish
from portal.zones.models import Zone

Span = tuple[datetime, datetime]


def in_span(column, span: Span):
    return and_(column >= span[0], column < span[1])


def _sum(condition, value=1):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def under(zone: Zone, path_column=Zone.path):
    return path_column.startswith(zone.path, autoescape=True)


def residents(zone: Zone):
    """Users whose home lies in the zone's subtree (a subquery of ids)."""
    return (select(User.id).join(Zone, Zone.id == User.home_zone_id)
            .where(under(zone)).scalar_subquery())


@dataclass
class Figures:
    volunteers: int = 0
    hours_minutes: int = 0
    shifts: int = 0
    shifts_filled: int = 0
    #: places taken on shifts that have ended, and the no-shows among them
    ended_places: int = 0
    no_shows: int = 0
    points_issued: int = 0
    points_spent: int = 0
    points_outstanding: int = 0
    sales: int = 0
    sales_points: int = 0
    wishes_posted: int = 0
    wishes_claimed: int = 0
    wishes_fulfilled: int = 0
    ratings: int = 0
    rating_avg: float | None = None
    party_registered: int = 0
    party_new: int = 0
    party_active: int = 0
    cases_due: int = 0
    cases_on_time_rate: float | None = None
    cases_rated: int = 0
    cases_satisfaction: float | None = None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.ended_places if self.ended_places else None


def _service(zone: Zone, span: Span, now: datetime, f: Figures) -> None:
    f.volunteers = db.session.scalar(
        select(func.count(distinct(Attendance.user_id)))
        .join(Shift, Shift.id == Attendance.shift_id).join(Zone, Zone.id == Shift.zone_id)
        .where(under(zone), in_span(Attendance.checkin_dt, span))) or 0
    f.hours_minutes = db.session.scalar(
        select(func.coalesce(func.sum(HoursEntry.credited_minutes), 0))
        .where(HoursEntry.user_id.in_(residents(zone)), in_span(HoursEntry.created_dt, span)))
    taken = func.count(SignUp.id)
    per_shift = (
        select(Shift.capacity.label("capacity"), (Shift.end_dt <= now).label("ended"),
               taken.label("taken"), func.count(SignUp.no_show_dt).label("no_shows"))
        .join(Zone, Zone.id == Shift.zone_id)
        .outerjoin(SignUp, and_(SignUp.shift_id == Shift.id, SignUp.status == "confirmed"))
        .where(under(zone), Shift.status == "open", in_span(Shift.start_dt, span))
        .group_by(Shift.id, Shift.capacity, Shift.end_dt).subquery())
    row = db.session.execute(select(
        func.count(), _sum(per_shift.c.taken >= per_shift.c.capacity),
        _sum(per_shift.c.ended, per_shift.c.taken),
        _sum(per_shift.c.ended, per_shift.c.no_shows))).one()
    f.shifts, f.shifts_filled, f.ended_places, f.no_shows = (int(v or 0) for v in row)


def _points(zone: Zone, span: Span, f: Figures) -> None:
    row = db.session.execute(
        select(_sum(and_(LedgerEntry.kind == "earn", LedgerEntry.created_dt >= span[0]),
                    LedgerEntry.amount_tenths),
               _sum(and_(LedgerEntry.kind == "spend", LedgerEntry.created_dt >= span[0]),
                    -LedgerEntry.amount_tenths),
               func.coalesce(func.sum(LedgerEntry.amount_tenths), 0))
        .join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
        .where(PointsAccount.user_id.in_(residents(zone)), LedgerEntry.created_dt < span[1])
    ).one()
    f.points_issued, f.points_spent, f.points_outstanding = (int(v) for v in row)
    sales = db.session.execute(
        select(func.count(Redemption.id), func.coalesce(func.sum(Redemption.total_tenths), 0))
        .where(Redemption.user_id.in_(residents(zone)), Redemption.status == "done",
               in_span(Redemption.created_dt, span))).one()
    pickups = db.session.execute(
        select(func.count(Reservation.id),
               func.coalesce(func.sum(Reservation.quantity * Reservation.unit_tenths), 0))
        .where(Reservation.user_id.in_(residents(zone)), Reservation.status == "picked_up",
               in_span(Reservation.ended_dt, span))).one()
    f.sales, f.sales_points = sales[0] + pickups[0], int(sales[1]) + int(pickups[1])


def _wishes(zone: Zone, span: Span, f: Figures) -> None:
    confirmed = and_(Wish.status == CONFIRMED, in_span(Wish.confirmed_dt, span))
    row = db.session.execute(
        select(_sum(in_span(Wish.created_dt, span)), _sum(in_span(Wish.claimed_dt, span)),
               _sum(confirmed), _sum(and_(confirmed, Wish.rating.is_not(None))),
               func.avg(case((confirmed, Wish.rating))))
        .join(Zone, Zone.id == Wish.zone_id)
        .where(under(zone), or_(in_span(Wish.created_dt, span), in_span(Wish.claimed_dt, span),
                                 in_span(Wish.confirmed_dt, span)))).one()
    f.wishes_posted, f.wishes_claimed, f.wishes_fulfilled, f.ratings = (int(v) for v in row[:4])
    f.rating_avg = round(float(row[4]), 1) if row[4] is not None else None


def _party(zone: Zone, span: Span, f: Figures) -> None:
    member = PartyMembership.user_id
    attended = exists().where(Attendance.user_id == member, in_span(Attendance.checkin_dt, span))
    claimed = exists().where(Wish.claimer_id == member, in_span(Wish.claimed_dt, span))
    row = db.session.execute(
        select(func.count(PartyMembership.id), _sum(in_span(PartyMembership.reviewed_dt, span)),
               _sum(or_(attended, claimed)))
        .where(member.in_(residents(zone)), PartyMembership.status == "verified",
               PartyMembership.reviewed_dt < span[1])).one()
    f.party_registered, f.party_new, f.party_active = (int(v) for v in row)


def figures(zone: Zone, span: Span, now: datetime) -> Figures:
    """Every figure of the span, in nine statements."""
    f = Figures()
    _service(zone, span, now, f)
    _points(zone, span, f)
    _wishes(zone, span, f)
    _party(zone, span, f)
    tally = subtree_tally(zone.path, span, now)
    f.cases_due, f.cases_on_time_rate = tally.due, tally.on_time_rate
    f.cases_rated, f.cases_satisfaction = tally.rated, tally.satisfaction
    return f


@dataclass
class Stock:
    value_tenths: int = 0
    goods: int = 0
    low: int = 0


def stock_now(zone: Zone) -> Stock:
    """The shelves now, of the shops in the zone's subtree or above it (a grid's community)."""
    above_or_under = or_(under(zone), literal(zone.path).like(Zone.path + "%"))
    row = db.session.execute(
        select(func.coalesce(func.sum(Good.stock * Good.price_tenths), 0), func.count(Good.id),
               _sum(Good.stock <= Good.low_stock))
        .join(Shop, Shop.id == Good.shop_id).join(Zone, Zone.id == Shop.zone_id)
        .where(Good.is_active, above_or_under)).one()
    return Stock(*(int(v) for v in row))
