"""社区工作日 receptions and door visits (入户走访): the admin publishes reception slots with
their times, places and hosts; residents book a place; staff log each reception; grid workers
log their visits. A matter raised at either is filed with filing.file_case(visit=…, booking=…).

Places are counted under the slot's row lock, like a shift's sign-ups: the last place goes to
one resident, however many tap at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import audit, policy
from portal.cases.contact_models import DoorVisit, ReceptionBooking, ReceptionSlot
from portal.clock import local_today, shift_label
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.types import utcnow
from portal.zones.models import Zone
from portal.zones.services import community_of

#: a visit is logged within this many days of it
VISIT_BACKDATE_DAYS = 30
TAKEN = ("booked", "received")


def _text(value: str, low: int, high: int, message) -> str:
    value = (value or "").strip()
    if not low <= len(value) <= high:
        raise DomainError("bad_text", message, 400)
    return value


def save_slot(actor, slot: ReceptionSlot | None, *, community: Zone | None, start_dt: datetime,
              end_dt: datetime, place: str, hosts: str, capacity) -> ReceptionSlot:
    if slot is not None:
        community = slot.community
    if community is None or community.kind != "community":
        raise DomainError("bad_zone", _l("请选择社区。"), 400)
    policy.check(actor, "cases.categories", community)
    if not isinstance(start_dt, datetime) or not isinstance(end_dt, datetime) \
            or end_dt <= start_dt or end_dt - start_dt > timedelta(hours=12):
        raise DomainError("bad_time", _l("请填写接待的开始和结束时间（同一天内）。"), 400)
    if slot is None and start_dt < utcnow():
        raise DomainError("bad_time", _l("接待时间要在现在之后。"), 400)
    if not isinstance(capacity, int) or not 1 <= capacity <= 200:
        raise DomainError("bad_capacity", _l("可预约人数请填 1 到 200。"), 400)
    place = _text(place, 2, 60, _l("接待地点 2 到 60 字，例如“党群服务中心一楼”。"))
    hosts = _text(hosts, 2, 80, _l("接待人员 2 到 80 字，例如“书记 张丽、网格长 陈志强”。"))
    if slot is None:
        slot = ReceptionSlot(community_id=community.id, created_by_id=actor.id)
        db.session.add(slot)
    slot.start_dt, slot.end_dt, slot.place, slot.hosts = start_dt, end_dt, place, hosts
    slot.capacity = capacity
    db.session.flush()
    audit.record(actor, "reception.slot", slot,
                 f"发布社区工作日接待 {shift_label(start_dt, end_dt)} {place}", community)
    return slot


def cancel_slot(actor, slot: ReceptionSlot, reason: str) -> int:
    """Cancel a reception; everyone booked is told why. Returns how many were told."""
    policy.check(actor, "cases.categories", slot.community)
    reason = _text(reason, 2, 200, _l("取消接待时请写明原因，预约的居民会看到。"))
    if slot.cancelled:
        return 0
    slot.cancelled = True
    told = 0
    for booking in slot.bookings:
        if booking.status == "booked":
            notify(booking.user_id, "reception.cancelled",
                   f"社区工作日接待取消：{shift_label(slot.start_dt, slot.end_dt)}",
                   f"原因：{reason}", "/cases/reception")
            told += 1
    audit.record(actor, "reception.cancel", slot, f"取消社区工作日接待：{reason}",
                 slot.community)
    return told


def _lock(slot_id: int) -> ReceptionSlot:
    return db.session.scalar(select(ReceptionSlot).where(ReceptionSlot.id == slot_id)
                             .with_for_update().execution_options(populate_existing=True))


def places_taken(slot_id: int) -> int:
    return db.session.scalar(select(func.count(ReceptionBooking.id)).where(
        ReceptionBooking.slot_id == slot_id, ReceptionBooking.status.in_(TAKEN)))


def book(user, slot: ReceptionSlot, topic: str = "", now: datetime | None = None) \
        -> ReceptionBooking:
    now = now or utcnow()
    topic = (topic or "").strip()
    if len(topic) > 200:
        raise DomainError("bad_text", _l("想反映的事最多 200 字。"), 400)
    home = community_of(user.home_zone) if user.home_zone else None
    if home is None or home.id != slot.community_id:
        raise DomainError("other_community", _l("只能预约本社区的接待。"), 403)
    slot = _lock(slot.id)
    if slot.cancelled or slot.start_dt <= now:
        raise DomainError("closed", _l("这场接待已经开始、结束或取消了，请预约其他时间。"))
    row = db.session.scalar(select(ReceptionBooking).where(
        ReceptionBooking.slot_id == slot.id, ReceptionBooking.user_id == user.id)
        .execution_options(populate_existing=True))
    if row is not None and row.status in TAKEN:
        return row  # booked already: the same answer again
    if places_taken(slot.id) >= slot.capacity:
        raise DomainError("full", _l("这场接待已经约满了，请预约其他时间，或到时直接前往。"))
    if row is None:
        row = ReceptionBooking(slot_id=slot.id, user_id=user.id)
        db.session.add(row)
    row.status, row.topic, row.created_dt = "booked", topic, now
    db.session.flush()
    return row


def cancel_booking(user, booking: ReceptionBooking) -> ReceptionBooking:
    if booking.user_id != user.id:
        raise DomainError("forbidden", _l("只能取消自己的预约。"), 403)
    _lock(booking.slot_id)
    db.session.refresh(booking)
    if booking.status != "booked":
        raise DomainError("not_booked", _l("这条预约已经取消或已接待。"))
    booking.status = "cancelled"
    db.session.flush()
    return booking


def receive(actor, booking: ReceptionBooking, note: str, now: datetime | None = None) \
        -> ReceptionBooking:
    """Staff log the reception of a booked resident (staff whose scope covers the resident)."""
    policy.check(actor, "cases.file_for", booking.user.home_zone)
    policy.check_not_beneficiary(actor, booking.user_id, _l(
        "不能为自己的预约登记接待，请让另一位工作人员登记。"))
    note = _text(note, 2, 500, _l("请写下接待的情况（2 到 500 字）。"))
    if booking.status == "cancelled":
        raise DomainError("not_booked", _l("这条预约已经取消了。"))
    booking.status, booking.note = "received", note
    booking.received_by_id, booking.received_dt = actor.id, now or utcnow()
    db.session.flush()
    return booking


def log_visit(worker, *, zone: Zone | None, household: str, visited_on, note: str,
              now: datetime | None = None) -> DoorVisit:
    """A grid worker's door visit, in the zones they cover."""
    now = now or utcnow()
    if zone is None or zone.kind not in ("grid", "building"):
        raise DomainError("bad_zone", _l("请选择走访的网格或楼栋。"), 400)
    policy.check(worker, "cases.file_for", zone)
    today = local_today(now)
    if not isinstance(visited_on, date) or not \
            today - timedelta(days=VISIT_BACKDATE_DAYS) <= visited_on <= today:
        raise DomainError("bad_date", _l("走访日期要在今天和 30 天前之间。"), 400)
    household = (household or "").strip()
    if len(household) > 40:
        raise DomainError("bad_text", _l("住户最多 40 字，例如“3号楼 601”。"), 400)
    note = _text(note, 2, 500, _l("请写下走访的情况（2 到 500 字）。"))
    visit = DoorVisit(worker_id=worker.id, zone_id=zone.id, household=household,
                      visited_on=visited_on, note=note, created_dt=now)
    db.session.add(visit)
    db.session.flush()
    return visit
