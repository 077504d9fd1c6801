"""A certificate: who, which period, the hours at issue (a snapshot), and its revocation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class Certificate(db.Model):
    """志愿服务记录证明. Issued once, never edited; revoked with a reason, never deleted."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("period IN ('all', 'year', 'range')", name="period"),
        CheckConstraint("minutes >= 0", name="minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 80 random bits in grouped Crockford base32 (numbers.py): the public verification key
    number: Mapped[str] = mapped_column(String(24), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: 记录单位: the holder's community at issue
    community_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    #: 'all' (all time), 'year' (a calendar year) or 'range'; first/last are None for 'all'
    period: Mapped[str] = mapped_column(String(8))
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    #: credited minutes in the period at issue; verification compares today's sum with it
    minutes: Mapped[int]
    #: 服务内容: the activities served in the period, as issued
    content: Mapped[str] = mapped_column(Text, default="")
    #: 公民身份号码, only when the resident gave it for this certificate (checked, 18 digits);
    #: kept on the certificate, not the profile: nothing else needs it
    id_number: Mapped[str | None] = mapped_column(String(18))
    #: who issued it: the holder (asked for it themself) or a staff member
    issuer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str] = mapped_column(String(200), default="")

    user = relationship("User", foreign_keys=[user_id])
    issuer = relationship("User", foreign_keys=[issuer_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])
    community = relationship("Zone")

    @property
    def self_requested(self) -> bool:
        return self.issuer_id == self.user_id

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None
