"""Where matters are heard in person: 社区工作日 reception slots (published times, places and
staff, booked by residents like a sign-up with capacity) and grid workers' door visits
(入户走访). A matter raised at either names it (Case.booking_id, Case.visit_id).

Work is recorded, never surveilled: a visit is what the worker writes down, with no location
trace, no forced check-in (打卡) and no ranking of staff by time online."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class ReceptionSlot(db.Model):
    """One published reception: e.g. Tuesday 09:00–11:30 at the 党群服务中心, 书记 and 网格长."""

    __tablename__ = "reception_slots"
    __table_args__ = (
        CheckConstraint("capacity >= 1 AND capacity <= 200", name="capacity"),
        CheckConstraint("end_dt > start_dt", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(60))
    #: who receives, as published: "书记 张丽、网格长 陈志强"
    hosts: Mapped[str] = mapped_column(String(80))
    capacity: Mapped[int] = mapped_column(default=10)
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community = relationship("Zone")
    bookings: Mapped[list[ReceptionBooking]] = relationship(
        back_populates="slot", order_by="ReceptionBooking.id")


class ReceptionBooking(db.Model):
    """A resident's place at a reception. One row per resident per slot, reused when they book
    again after cancelling; places are counted under the slot's row lock."""

    __tablename__ = "reception_bookings"
    __table_args__ = (
        UniqueConstraint("slot_id", "user_id", name="reception_slot_user"),
        CheckConstraint("status IN ('booked', 'cancelled', 'received')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("reception_slots.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: what the resident wants to raise, in a line
    topic: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="booked")
    #: the staff member's record of the reception
    note: Mapped[str] = mapped_column(String(500), default="")
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    slot: Mapped[ReceptionSlot] = relationship(back_populates="bookings")
    user = relationship("User", foreign_keys=[user_id])


class DoorVisit(db.Model):
    """入户走访: a grid worker's note of a visit to a household or building."""

    __tablename__ = "door_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the building (or grid) visited
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    #: the household, in words: "3号楼 601 王家"
    household: Mapped[str] = mapped_column(String(40), default="")
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    worker = relationship("User")
    zone = relationship("Zone")
