"""The points ledger (append-only), accounts with a cached balance, rules, and hours."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

ENTRY_KINDS = ("earn", "spend", "reversal", "adjustment")


class PointsAccount(db.Model):
    """One per resident. `balance_tenths` caches the sum of the ledger, updated in the same
    transaction as each entry; the database refuses a negative balance."""

    __tablename__ = "points_accounts"
    __table_args__ = (CheckConstraint("balance_tenths >= 0", name="balance_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    #: points in tenths (15 = 1.5 分)
    balance_tenths: Mapped[int] = mapped_column(default=0)

    user = relationship("User")


class PointsRule(db.Model):
    """积分规则: how points are earned, e.g. 参与志愿活动 1 分, 调处纠纷 1.5 分."""

    __tablename__ = "points_rules"
    __table_args__ = (
        CheckConstraint("mode IN ('fixed', 'per_hour')", name="mode"),
        CheckConstraint("points_tenths > 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable code other features refer to, e.g. "volunteer_hour"
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    #: 'fixed' (per occasion) or 'per_hour' (of credited service time)
    mode: Mapped[str] = mapped_column(String(16), default="fixed")
    #: points per occasion or per hour, in tenths
    points_tenths: Mapped[int]
    #: per_hour only: the most one shift can earn, in tenths; None = no cap
    cap_tenths: Mapped[int | None]
    #: shown to residents on the "how points work" page
    description: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerEntry(db.Model):
    """One movement of points. Never updated or deleted (a trigger refuses it in the
    database, and the ORM refuses it first); a mistake is fixed by a linked reversal."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('earn', 'spend', 'reversal', 'adjustment')", name="kind"),
        CheckConstraint("amount_tenths <> 0", name="amount_not_zero"),
        CheckConstraint("balance_after_tenths >= 0", name="balance_after_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("points_accounts.id"), index=True)
    #: signed, in tenths: earning is positive, spending negative
    amount_tenths: Mapped[int]
    #: earn | spend | reversal | adjustment
    kind: Mapped[str] = mapped_column(String(16))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("points_rules.id"))
    #: what caused it: attendance, redemption, reservation, wish, award ...
    source_type: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int | None]
    #: one source credits or debits at most once: e.g. "award:12:earn", "reversal:40"
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    #: who caused it (staff or the resident); None for the system
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: plain-Chinese explanation shown in the passbook
    memo: Mapped[str] = mapped_column(String(200), default="")
    #: the account's balance right after this entry (the passbook's running balance)
    balance_after_tenths: Mapped[int]
    #: the entry this one reverses; unique, so nothing is reversed twice
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"),
                                                      unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    account: Mapped[PointsAccount] = relationship()
    rule: Mapped[PointsRule | None] = relationship()
    actor = relationship("User", foreign_keys=[actor_id])
    reversal_of: Mapped[LedgerEntry | None] = relationship(
        remote_side=[id], foreign_keys=[reversal_of_id], back_populates="reversed_by")
    reversed_by: Mapped[LedgerEntry | None] = relationship(
        foreign_keys=[reversal_of_id], back_populates="reversal_of", uselist=False)


class HoursEntry(db.Model):
    """志愿时长: service time per source, kept apart from points. Append-only like the ledger."""

    __tablename__ = "hours_entries"
    __table_args__ = (CheckConstraint("credited_minutes <> 0 OR served_minutes <> 0",
                                      name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: actual time served, in minutes (negative on a reversal)
    served_minutes: Mapped[int]
    #: time that counts after rounding, in minutes (multiples of 30 by default)
    credited_minutes: Mapped[int]
    source_type: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int | None]
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    memo: Mapped[str] = mapped_column(String(200), default="")
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("hours_entries.id"),
                                                      unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a ledger or hours entry."""


def _refuse(_mapper, _connection, target):
    raise AppendOnlyError(f"{type(target).__name__} rows are append-only")


for _model in (LedgerEntry, HoursEntry):
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)

#: tables whose rows the database itself refuses to UPDATE or DELETE (see the migration)
APPEND_ONLY_TABLES = ("ledger_entries", "hours_entries")
