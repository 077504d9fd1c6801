"""Rows of the exports about people: volunteer hours (by person, by shift), the points ledger
and the 双岗双责 service cards. Each function takes (actor, permission, zone, period) and
yields tuples in its kind's column order, streamed from the database in batches; the scope is
the actor's zones for the kind's permission, narrowed to `zone` when one is given."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import joinedload

from portal import policy
from portal.accounts.models import PartyMembership, User
from portal.checkin.models import Attendance
from portal.exports.period import Period
from portal.extensions import db
from portal.points.models import HoursEntry, LedgerEntry, PointsAccount
from portal.shifts.models import Activity, Shift
from portal.wishes.queries import records_between
from portal.zones.models import Zone

#: rows fetched from the database at a time (the cursor streams; memory stays flat)
BATCH = 1000
#: people whose service records are gathered at once for the 服务反馈卡
CARD_BATCH = 500
LEDGER_KINDS = {"earn": "获得", "spend": "使用", "reversal": "冲正", "adjustment": "调整"}


def in_scope(actor, permission: str, zone: Zone | None, path_column):
    """The actor's scope for `permission`, narrowed to `zone`'s subtree."""
    condition = policy.zone_filter(actor, permission, path_column)
    if zone is not None:
        condition = and_(condition, path_column.startswith(zone.path, autoescape=True))
    return condition


def stream(statement, period: Period) -> Iterator[tuple]:
    """The statement's rows, in batches, within the period's window (if any)."""
    if period.limit is not None:
        statement = statement.offset(period.offset).limit(period.limit)
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    try:
        for row in result:
            yield tuple(row)
    finally:  # also when a reader stops early (the API's pages): PostgreSQL's cursor closes
        result.close()


def hours_by_person(actor, permission: str, zone: Zone | None, period: Period):
    """Credited hours per resident (by their home zone), net of reversals, by entry date."""
    start, end = period.span
    minutes = func.sum(HoursEntry.credited_minutes)
    yield from stream(
        select(User.name, Zone.name, func.count(HoursEntry.id), minutes)
        .join(User, User.id == HoursEntry.user_id).join(Zone, Zone.id == User.home_zone_id)
        .where(HoursEntry.created_dt >= start, HoursEntry.created_dt < end,
               in_scope(actor, permission, zone, Zone.path))
        .group_by(User.id, User.name, Zone.path, Zone.name)
        .order_by(Zone.path, User.name, User.id), period)


def hours_by_shift(actor, permission: str, zone: Zone | None, period: Period):
    """Credited hours per shift (by the shift's zone), from attendance, net of reversals."""
    start, end = period.span
    yield from stream(
        select(Shift.start_dt, Activity.title, Shift.place, Zone.name,
               func.count(distinct(HoursEntry.user_id)), func.sum(HoursEntry.credited_minutes))
        .select_from(HoursEntry)
        .join(Attendance, and_(HoursEntry.source_type == "attendance",
                               Attendance.id == HoursEntry.source_id))
        .join(Shift, Shift.id == Attendance.shift_id)
        .join(Activity, Activity.id == Shift.activity_id)
        .join(Zone, Zone.id == Shift.zone_id)
        .where(HoursEntry.created_dt >= start, HoursEntry.created_dt < end,
               in_scope(actor, permission, zone, Zone.path))
        .group_by(Shift.id, Shift.start_dt, Activity.title, Shift.place, Zone.name)
        .order_by(Shift.start_dt, Shift.id), period)


def points_ledger(actor, permission: str, zone: Zone | None, period: Period):
    """Every ledger entry of the period, for residents living in the scope."""
    start, end = period.span
    for (entry_id, when, name, place, kind, memo, amount,
         balance) in stream(
            select(LedgerEntry.id, LedgerEntry.created_dt, User.name, Zone.name,
                   LedgerEntry.kind, LedgerEntry.memo, LedgerEntry.amount_tenths,
                   LedgerEntry.balance_after_tenths)
            .join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
            .join(User, User.id == PointsAccount.user_id)
            .join(Zone, Zone.id == User.home_zone_id)
            .where(LedgerEntry.created_dt >= start, LedgerEntry.created_dt < end,
                   in_scope(actor, permission, zone, Zone.path))
            .order_by(LedgerEntry.id), period):
        yield (entry_id, when, name, place, LEDGER_KINDS.get(kind, kind), memo, amount,
               balance)


def service_cards(actor, permission: str, zone: Zone | None, period: Period):
    """双岗双责: each verified party member living in the scope, with the wishes they
    fulfilled, the shifts they served and their hours in the period (wishes/queries.py)."""
    start, end = period.span
    statement = (
        select(User.id).join(PartyMembership, PartyMembership.user_id == User.id)
        .join(Zone, Zone.id == User.home_zone_id)
        .where(PartyMembership.status == "verified",
               in_scope(actor, permission, zone, Zone.path))
        .order_by(PartyMembership.work_unit, User.name, User.id))
    if period.limit is not None:
        statement = statement.offset(period.offset).limit(period.limit)
    ids = list(db.session.scalars(statement))
    for at in range(0, len(ids), CARD_BATCH):
        chunk = ids[at:at + CARD_BATCH]
        users = {u.id: u for u in db.session.scalars(
            select(User).where(User.id.in_(chunk)).options(joinedload(User.party)))}
        for rec in records_between([users[i] for i in chunk], start, end):
            party = rec.user.party
            yield (rec.user.name, party.work_unit if party else "",
                   party.branch if party else "", len(rec.wishes),
                   "；".join(w.title for w in rec.wishes), rec.average_rating, rec.shifts,
                   rec.minutes)
