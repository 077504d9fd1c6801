"""Manual awards (with two-person approval above a threshold), public notice and objections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

AWARD_STATUSES = ("pending", "posted", "rejected", "reversed")


class Award(db.Model):
    """A staff member's award to a resident for a good deed, with its evidence."""

    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'posted', 'rejected', 'reversed')",
                        name="status"),
        CheckConstraint("points_tenths > 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the rule it follows, or None for a custom award
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("points_rules.id"))
    #: why, in plain Chinese: the rule name or the staff member's words
    reason: Mapped[str] = mapped_column(String(200))
    points_tenths: Mapped[int]
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    #: file name under UPLOAD_FOLDER/awards, EXIF-stripped and resized
    evidence_photo: Mapped[str | None] = mapped_column(String(64))
    #: pending (needs a second person) -> posted | rejected; posted -> reversed
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the second staff member who approved or rejected it
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(200), default="")
    #: when it was credited; the public notice runs from here
    posted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    notice_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the ledger entry that credited it
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))

    recipient = relationship("User", foreign_keys=[recipient_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    rule = relationship("PointsRule")
    entry = relationship("LedgerEntry")
    objections: Mapped[list[Objection]] = relationship(back_populates="award",
                                                      order_by="Objection.id")


class Objection(db.Model):
    """异议: a resident questions a posted award during its notice period."""

    __tablename__ = "objections"
    __table_args__ = (
        UniqueConstraint("award_id", "raised_by_id", name="one_per_resident"),
        CheckConstraint("status IN ('open', 'kept', 'reversed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"), index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(300))
    #: open -> kept (the award stands) | reversed (the award was taken back)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution_note: Mapped[str] = mapped_column(String(200), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    award: Mapped[Award] = relationship(back_populates="objections")
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
