"""积分超市: one supermarket per community, its goods, and every stock movement."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Time,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.points.models import AppendOnlyError
from portal.types import UTCDateTime, utcnow

MOVEMENT_KINDS = ("restock", "adjust", "redemption", "void", "reservation", "release",
                  "expiry")


class Shop(db.Model):
    """A community's points supermarket and its opening hours."""

    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the community it serves; clerks over this zone run it
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    #: weekdays the counter opens, 0 = Monday (many programmes open on set days only)
    open_days: Mapped[list[int]] = mapped_column(JSON, default=list)
    open_time: Mapped[time] = mapped_column(Time)
    close_time: Mapped[time] = mapped_column(Time)
    #: where the counter is, e.g. 社区党群服务中心一楼
    address: Mapped[str] = mapped_column(String(100), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    zone = relationship("Zone")


class Good(db.Model):
    """An item on the shelf: price in tenths of a point, stock that never goes negative."""

    __tablename__ = "goods"
    __table_args__ = (
        CheckConstraint("price_tenths > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("monthly_limit IS NULL OR monthly_limit >= 1", name="limit_positive"),
        CheckConstraint("low_stock >= 0", name="low_stock"),
        UniqueConstraint("shop_id", "barcode", name="shop_barcode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    #: 粮油 / 日化 / 纸品 …
    category: Mapped[str] = mapped_column(String(20), default="")
    price_tenths: Mapped[int]
    #: cached: always the sum of this good's movements (`flask shop verify` checks it)
    stock: Mapped[int] = mapped_column(default=0)
    #: most one resident may take in a calendar month; None = no limit
    monthly_limit: Mapped[int | None]
    #: EAN-13 for the counter's USB scanner
    barcode: Mapped[str | None] = mapped_column(String(13))
    #: warn the clerk when stock falls to this
    low_stock: Mapped[int] = mapped_column(default=5)
    #: a retired good leaves the shelf; its history stays
    is_active: Mapped[bool] = mapped_column(default=True)
    #: file under UPLOAD_FOLDER/goods (and t_<name>, the thumbnail)
    photo: Mapped[str | None] = mapped_column(String(64))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shop: Mapped[Shop] = relationship()

    @property
    def is_low(self) -> bool:
        return self.stock <= self.low_stock


class StockMovement(db.Model):
    """One change of stock with its reason and actor. Append-only, like the ledger."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("delta <> 0", name="delta_not_zero"),
        CheckConstraint("stock_after >= 0", name="stock_after_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    good_id: Mapped[int] = mapped_column(ForeignKey("goods.id"), index=True)
    delta: Mapped[int]
    #: the good's stock right after this movement
    stock_after: Mapped[int]
    #: one of MOVEMENT_KINDS
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: what caused it (a redemption, a reservation), when not a manual change
    source_type: Mapped[str] = mapped_column(String(32), default="")
    source_id: Mapped[int | None]
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    good: Mapped[Good] = relationship()
    actor = relationship("User")


def _refuse(_mapper, _connection, target):
    raise AppendOnlyError(f"{type(target).__name__} rows are append-only")


event.listen(StockMovement, "before_update", _refuse)
event.listen(StockMovement, "before_delete", _refuse)


class Redemption(db.Model):
    """A sale at the counter: goods out, points spent, in one transaction; voidable briefly."""

    __tablename__ = "redemptions"
    __table_args__ = (
        CheckConstraint("status IN ('done', 'voided')", name="status"),
        CheckConstraint("total_tenths > 0", name="total_positive"),
        UniqueConstraint("user_id", "request_key", name="uq_redemptions_request_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    #: the resident whose points paid
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the clerk at the counter
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: printed on the receipt, e.g. R20261124-000042
    receipt_no: Mapped[str | None] = mapped_column(String(24), unique=True)
    total_tenths: Mapped[int]
    #: done | voided
    status: Mapped[str] = mapped_column(String(16), default="done")
    #: how the resident was identified: member_code | phone (with a reason)
    identified_by: Mapped[str] = mapped_column(String(16), default="member_code")
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    voided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(String(200), default="")
    #: the counter cart's one-time key: a retried or doubled confirm finds this sale again
    request_key: Mapped[str | None] = mapped_column(String(32))

    shop: Mapped[Shop] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    clerk = relationship("User", foreign_keys=[clerk_id])
    lines: Mapped[list[RedemptionLine]] = relationship(back_populates="redemption",
                                                      order_by="RedemptionLine.id")


class RedemptionLine(db.Model):
    """One good on a receipt, at the price it had then."""

    __tablename__ = "redemption_lines"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    redemption_id: Mapped[int] = mapped_column(ForeignKey("redemptions.id"), index=True)
    good_id: Mapped[int] = mapped_column(ForeignKey("goods.id"), index=True)
    quantity: Mapped[int]
    unit_tenths: Mapped[int]

    redemption: Mapped[Redemption] = relationship(back_populates="lines")
    good: Mapped[Good] = relationship()


RESERVATION_STATUSES = ("held", "picked_up", "cancelled", "expired")


class Reservation(db.Model):
    """预约兑换: points spent and stock held at once; the resident collects with a pickup code
    before `expires_dt`, or cancels, or the cron returns both when it lapses."""

    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("status IN ('held', 'picked_up', 'cancelled', 'expired')",
                        name="status"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("unit_tenths > 0", name="unit_positive"),
        # a pickup code is unique among a shop's open reservations, and free again after
        Index("uq_reservations_held_code", "shop_id", "pickup_code", unique=True,
              sqlite_where=text("status = 'held'"), postgresql_where=text("status = 'held'")),
        UniqueConstraint("user_id", "request_key", name="uq_reservations_request_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    good_id: Mapped[int] = mapped_column(ForeignKey("goods.id"), index=True)
    quantity: Mapped[int]
    #: the price when reserved: what was spent, whatever the shelf says later
    unit_tenths: Mapped[int]
    #: six digits, read out or typed at the counter; the QR carries "p.<code>"
    pickup_code: Mapped[str] = mapped_column(String(6))
    #: held | picked_up | cancelled | expired
    status: Mapped[str] = mapped_column(String(16), default="held")
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the end of the last day to collect (Shanghai midnight)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the clerk who handed it over, or who cancelled; None for the resident or the cron
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    end_reason: Mapped[str] = mapped_column(String(200), default="")
    #: the reserve form's one-time key: a double tap or a retry finds this reservation again
    request_key: Mapped[str | None] = mapped_column(String(32))

    shop: Mapped[Shop] = relationship()
    good: Mapped[Good] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])

    @property
    def total_tenths(self) -> int:
        return self.unit_tenths * self.quantity

    @property
    def last_day(self) -> datetime:
        """A moment on the last day to collect (the deadline is the midnight after it)."""
        return self.expires_dt - timedelta(seconds=1)
