"""微心愿: a resident's small wish, reviewed by staff, claimed by one verified party member,
fulfilled, then confirmed and rated by the resident. Every step is kept as a WishEvent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.states import Step, sql_list, step
from portal.types import UTCDateTime, utcnow
from portal.wishes import access
from portal.wishes.access import CLAIMER, MEMBER, POSTER, STAFF

STATUSES = ("pending", "rejected", "published", "claimed", "fulfilled", "confirmed", "withdrawn")
PENDING, REJECTED, PUBLISHED, CLAIMED, FULFILLED, CONFIRMED, WITHDRAWN = STATUSES
#: statuses in which the wish has its one claimer
WITH_CLAIMER = (CLAIMED, FULFILLED, CONFIRMED)
#: the claimer has reported it done (fulfil_note, evidence), confirmed or not yet
DONE = (FULFILLED, CONFIRMED)
KINDS = ("item", "service")


#: The wish's state machine, written once. Services move a wish only along these steps
#: (services/steps.take: a guarded UPDATE from `frm` to `to`), and a wish's page offers a
#: viewer exactly allowed_actions(). `by` names roles by precedence (access.role), so a staff
#: member who claimed the wish is its claimer and cannot confirm it; services check the same
#: people again (access.check_*), with the rank rule for staff acting for the poster.
TRANSITIONS: dict[str, Step] = {
    "edit": step({PENDING}, PENDING, {POSTER, STAFF}),
    "resubmit": step({REJECTED}, PENDING, {POSTER, STAFF}),
    "approve": step({PENDING}, PUBLISHED, {STAFF}),
    "reject": step({PENDING}, REJECTED, {STAFF}),
    "withdraw": step({PENDING, REJECTED, PUBLISHED, CLAIMED}, WITHDRAWN, {POSTER, STAFF}),
    # the poster may change consent at any time (set_consent takes any status); the page
    # offers it once the edit form, which carries the same boxes, is closed
    "consent": step({PUBLISHED, CLAIMED, FULFILLED, CONFIRMED}, None, {POSTER, STAFF}),
    "claim": step({PUBLISHED}, CLAIMED, {MEMBER}),
    "progress": step({CLAIMED}, CLAIMED, {CLAIMER}),
    "release": step({CLAIMED}, PUBLISHED, {CLAIMER}),
    # the cron (stale.release_stale, after WISH_STALE_CLAIM_DAYS without progress): no viewer
    "auto_release": step({CLAIMED}, PUBLISHED, ()),
    "fulfil": step({CLAIMED}, FULFILLED, {CLAIMER}),
    "confirm": step({FULFILLED}, CONFIRMED, {POSTER, STAFF}),
    "send_back": step({FULFILLED}, CLAIMED, {POSTER, STAFF}),
}


class Wish(db.Model):
    __tablename__ = "wishes"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_list(STATUSES)})", name="status"),
        CheckConstraint(f"kind IN ({sql_list(KINDS)})", name="kind"),
        CheckConstraint("value_yuan >= 0", name="value_not_negative"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"),
        # a claimed, fulfilled or confirmed wish always has its one claimer
        CheckConstraint(f"claimer_id IS NOT NULL OR status NOT IN ({sql_list(WITH_CLAIMER)})",
                        name="claimed_has_claimer"),
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
    #: one of STATUSES; it changes only along TRANSITIONS
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
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

    def allows(self, action: str) -> bool:
        """May the wish take this step from its current status (whoever asks)?"""
        return self.status in TRANSITIONS[action].frm

    def allowed_actions(self, viewer) -> set[str]:
        """The steps this viewer may take now: what their page offers."""
        role = access.role(viewer, self)
        return {action for action, step in TRANSITIONS.items()
                if self.status in step.frm and role in step.by}

    @property
    def has_claimer(self) -> bool:
        return self.status in WITH_CLAIMER

    @property
    def is_open(self) -> bool:
        """On the wall, waiting for a claimer: what anyone signed in may see."""
        return self.status == PUBLISHED

    @property
    def is_done(self) -> bool:
        return self.status in DONE

    @property
    def is_confirmed(self) -> bool:
        return self.status == CONFIRMED


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
