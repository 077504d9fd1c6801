"""What the reception and visit pages list, each in a fixed number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal import policy
from portal.cases.contact_models import DoorVisit, ReceptionBooking, ReceptionSlot
from portal.cases.models import HANDLED, Case
from portal.extensions import db
from portal.zones.models import Zone

#: how far ahead residents see receptions, and how far back staff see them
AHEAD_DAYS, BACK_DAYS = 60, 14
PAGE_SIZE = 20


def taken_counts(slot_ids) -> dict[int, int]:
    if not slot_ids:
        return {}
    return dict(db.session.execute(
        select(ReceptionBooking.slot_id, func.count()).where(
            ReceptionBooking.slot_id.in_(slot_ids),
            ReceptionBooking.status.in_(("booked", "received")))
        .group_by(ReceptionBooking.slot_id)).all())


def upcoming_slots(community_id: int, now: datetime) -> list[ReceptionSlot]:
    return list(db.session.scalars(
        select(ReceptionSlot).where(
            ReceptionSlot.community_id == community_id, ReceptionSlot.cancelled.is_(False),
            ReceptionSlot.start_dt > now,
            ReceptionSlot.start_dt <= now + timedelta(days=AHEAD_DAYS))
        .order_by(ReceptionSlot.start_dt)))


def my_bookings(user_id: int, now: datetime) -> dict[int, ReceptionBooking]:
    """The resident's bookings of slots still to come, by slot id."""
    rows = db.session.scalars(
        select(ReceptionBooking).join(ReceptionSlot)
        .where(ReceptionBooking.user_id == user_id, ReceptionSlot.end_dt > now)
        .options(joinedload(ReceptionBooking.slot)))
    return {row.slot_id: row for row in rows}


def slots_in_scope(viewer, now: datetime) -> list[ReceptionSlot]:
    return list(db.session.scalars(
        select(ReceptionSlot).join(Zone, Zone.id == ReceptionSlot.community_id)
        .where(policy.overlap_filter(viewer, "cases.view", Zone.path),
               ReceptionSlot.start_dt >= now - timedelta(days=BACK_DAYS))
        .options(joinedload(ReceptionSlot.community))
        .order_by(ReceptionSlot.start_dt)))


def slot_bookings(slot_id: int) -> list[ReceptionBooking]:
    return list(db.session.scalars(
        select(ReceptionBooking).where(ReceptionBooking.slot_id == slot_id)
        .options(joinedload(ReceptionBooking.user))
        .order_by(ReceptionBooking.status, ReceptionBooking.id)))


def matters_raised(*, visit_ids=(), booking_ids=()) -> dict[tuple[str, int], list[Case]]:
    """The matters filed at these visits or bookings: {("visit", id) | ("booking", id): […]}."""
    found: dict[tuple[str, int], list[Case]] = {}
    if not visit_ids and not booking_ids:
        return found
    rows = db.session.scalars(select(Case).where(
        Case.visit_id.in_(list(visit_ids)) | Case.booking_id.in_(list(booking_ids)))
        .order_by(Case.id))
    for case in rows:
        key = ("visit", case.visit_id) if case.visit_id else ("booking", case.booking_id)
        found.setdefault(key, []).append(case)
    return found


def my_visits(worker_id: int, page: int):
    return db.paginate(
        select(DoorVisit).where(DoorVisit.worker_id == worker_id)
        .options(joinedload(DoorVisit.zone))
        .order_by(DoorVisit.visited_on.desc(), DoorVisit.id.desc()),
        page=page, per_page=PAGE_SIZE, error_out=False)


def my_open_matters(user_id: int) -> list[Case]:
    return list(db.session.scalars(
        select(Case).where(Case.handler_id == user_id, Case.status.in_(HANDLED))
        .options(selectinload(Case.category), joinedload(Case.zone))
        .order_by(Case.due_dt)))
