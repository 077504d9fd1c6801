"""Printed member cards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class MemberCard(db.Model):
    """A printed member card for a resident without a smartphone: identifies them at the
    counter only. Static, so it can be reported lost and reissued."""

    __tablename__ = "member_cards"
    __table_args__ = (CheckConstraint("status IN ('active', 'lost', 'revoked')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: printed on the card for typing in, e.g. 8304 1927 55
    card_no: Mapped[str] = mapped_column(String(10), unique=True)
    #: what the card's QR carries ("k.<secret>"); random
    secret: Mapped[str] = mapped_column(String(32), unique=True)
    #: active | lost (reported) | revoked (replaced by a new card)
    status: Mapped[str] = mapped_column(String(16), default="active")
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(String(200), default="")

    user = relationship("User", foreign_keys=[user_id])
