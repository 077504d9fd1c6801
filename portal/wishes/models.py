"""微心愿: a resident's small wish, reviewed by staff, claimed by one verified party member,
fulfilled, then confirmed and rated by the resident. Every step is kept as a WishEvent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

STATUSES = ("pending", "rejected", "published", "claimed", "fulfilled", "confirmed", "withdrawn")
#: statuses in which the wish has a claimer
CLAIMED = ("claimed", "fulfilled", "confirmed")
KINDS = ("item", "service")


class Wish(db.Model):
    __tablename__ = "wishes"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'rejected', 'published', 'claimed', 'fulfilled', "
                        "'confirmed', 'withdrawn')", name="status"),
        CheckConstraint("kind IN ('item', 'service')", name="kind"),
        CheckConstraint("value_yuan >= 0", name="value_not_negative"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"),
        # a claimed, fulfilled or confirmed wish always has its one claimer
        CheckConstraint("claimer_id IS NOT NULL OR status NOT IN ('claimed', 'fulfilled', "
                        "'confirmed')", name="claimed_has_claimer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the resident the wish is for
    poster_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: who filled it in: the poster, or staff after a home visit
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the poster's home zone when posted: staff scope, and the wall's grid-level location
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    title: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    #: item | service
    kind: Mapped[str] = mapped_column(String(16))
    #: estimated value in whole yuan, at most WISH_VALUE_CAP
    value_yuan: Mapped[int] = mapped_column(default=0)
    #: file under UPLOAD_FOLDER/wishes (and t_<name>)
    photo: Mapped[str | None] = mapped_column(String(64))
    deadline: Mapped[date] = mapped_column(Date)
    #: may the publicity page show the masked name / the photos?
    consent_name: Mapped[bool] = mapped_column(default=False)
    consent_photo: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    review_note: Mapped[str] = mapped_column(String(200), default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the claim's last sign of life (claim, progress note, send-back): stale claims are released
    progress_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfilled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfil_note: Mapped[str] = mapped_column(Text, default="")
    confirmed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rating: Mapped[int | None]
    rating_comment: Mapped[str] = mapped_column(String(200), default="")
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    poster = relationship("User", foreign_keys=[poster_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    claimer = relationship("User", foreign_keys=[claimer_id])
    zone = relationship("Zone")
    events: Mapped[list[WishEvent]] = relationship(back_populates="wish",
                                                   order_by="WishEvent.id")
    evidence: Mapped[list[WishPhoto]] = relationship(back_populates="wish",
                                                     order_by="WishPhoto.id")


class WishEvent(db.Model):
    """One step in a wish's life, with who did it: posted, approved, claimed, released …"""

    __tablename__ = "wish_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    wish_id: Mapped[int] = mapped_column(ForeignKey("wishes.id"), index=True)
    #: None for the cron
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    wish: Mapped[Wish] = relationship(back_populates="events")
    actor = relationship("User")


class WishPhoto(db.Model):
    """An evidence photo from the claimer: staff and the poster see it; the public only with
    the poster's consent."""

    __tablename__ = "wish_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    wish_id: Mapped[int] = mapped_column(ForeignKey("wishes.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    wish: Mapped[Wish] = relationship(back_populates="evidence")
