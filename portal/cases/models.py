"""四单办结: a resident's matter (事项), filed (提单), dispatched (派单), handled (办单) and rated
by the resident (评单). Every step is an append-only CaseEvent; the status changes only along
TRANSITIONS, as a guarded UPDATE (services/steps.take)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.states import Step, sql_list, step
from portal.types import UTCDateTime, utcnow

#: 即办 (same working day) | 限时办 (N working days) | 商办 (several parties: a joint meeting)
TRACKS = ("instant", "timed", "joint")
INSTANT, TIMED, JOINT = TRACKS

#: where a matter came from: the resident online, a grid worker's door visit (入户走访), a
#: 社区工作日 reception, a phone call, a 12345 hotline transfer, the Open311 API
SOURCES = ("online", "visit", "reception", "phone", "hotline", "api")

STATUSES = ("new", "pool", "dispatched", "accepted", "resolved", "revisit", "closed",
            "declined", "withdrawn")
#: 待派单, 待认领 (抢单), 待接单, 办理中, 已办结 (待评价), 待回访, 已结案, 不予受理, 已撤回
NEW, POOL, DISPATCHED, ACCEPTED, RESOLVED, REVISIT, CLOSED, DECLINED, WITHDRAWN = STATUSES
#: still being worked on: the clock runs, and the escalation command looks at these
OPEN = (NEW, POOL, DISPATCHED, ACCEPTED, REVISIT)
#: with a handler who owns the deadline
HANDLED = (DISPATCHED, ACCEPTED)
#: over: nothing more happens to it
FINISHED = (CLOSED, DECLINED, WITHDRAWN)

RATINGS = ("satisfied", "basic", "unsatisfied")
SATISFIED, BASIC, UNSATISFIED = RATINGS
#: the resident's answer to "was it solved?" next to the rating (FixMyStreet #588)
RESOLUTIONS = ("solved", "partly", "unsolved")

#: who a viewer is to a matter (access.role); TRANSITIONS names who may take each step
RESIDENT, HANDLER, STAFF, MEMBER = "resident", "handler", "staff", "member"
#: how long after closing unrated a matter can still be rated (and reopened by 不满意)
LATE_RATING_DAYS = 30
#: the steps that rate a matter: only while it awaits a rating
RATING_STEPS = ("rate", "rate_by_phone")


#: The loop, written once. `by` names who may take the step; services check the same people
#: again (access.check_*), and a matter's page offers exactly allowed_actions().
TRANSITIONS: dict[str, Step] = {
    "dispatch": step({NEW, POOL}, DISPATCHED, {STAFF}),
    "pool": step({NEW}, POOL, {STAFF}),
    "claim": step({POOL}, ACCEPTED, {MEMBER, HANDLER}),
    "accept": step({DISPATCHED}, ACCEPTED, {HANDLER}),
    "hand_back": step({DISPATCHED, ACCEPTED}, NEW, {HANDLER}),
    "transfer": step({DISPATCHED, ACCEPTED}, DISPATCHED, {HANDLER, STAFF}),
    "progress": step({ACCEPTED}, None, {HANDLER}),
    "extend": step({ACCEPTED}, None, {HANDLER}),
    "resolve": step({ACCEPTED}, RESOLVED, {HANDLER}),
    "joint_decision": step({NEW, DISPATCHED, ACCEPTED}, None, {STAFF}),
    # a matter closed unrated may still be rated for LATE_RATING_DAYS (awaits_rating): a
    # 不满意 then reopens it, as FixMyStreet's users ask (#897)
    "rate": step({RESOLVED, CLOSED}, CLOSED, {RESIDENT}),
    "rate_by_phone": step({RESOLVED, CLOSED}, CLOSED, {STAFF}),
    # 不满意: the rating steps lead here instead of CLOSED
    "reopen": step({RESOLVED, CLOSED}, REVISIT, ()),
    "revisit": step({REVISIT}, NEW, {STAFF}),
    "close_unrated": step({RESOLVED}, CLOSED, ()),
    "decline": step({NEW, POOL}, DECLINED, {STAFF}),
    "withdraw": step({NEW, POOL, DISPATCHED}, WITHDRAWN, {RESIDENT}),
}


class CaseCategory(db.Model):
    """A kind of matter in one community, edited by its admin: its default track, time limit,
    default handler unit, and whether party members may claim it (群众点单, 抢单)."""

    __tablename__ = "case_categories"
    __table_args__ = (
        UniqueConstraint("community_id", "name", name="case_category_name"),
        CheckConstraint(f"track IN ({sql_list(TRACKS)})", name="track"),
        CheckConstraint("days >= 0 AND days <= 60", name="days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    name: Mapped[str] = mapped_column(String(20))
    track: Mapped[str] = mapped_column(String(8), default=TIMED)
    #: working days for 限时办 and 商办; 即办 is the same working day
    days: Mapped[int] = mapped_column(default=3)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("case_units.id"))
    #: 群众点单: verified party members and coordinators in scope may claim it (抢单)
    claimable: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    sort: Mapped[int] = mapped_column(default=0)

    unit = relationship("CaseUnit")
    community = relationship("Zone")


class CaseUnit(db.Model):
    """A unit in the area (辖区单位: property company, police station, market office) that
    takes matters; its contact person logs in as a user and handles them."""

    __tablename__ = "case_units"
    __table_args__ = (UniqueConstraint("community_id", "name", name="case_unit_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    contact_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    contact = relationship("User")
    community = relationship("Zone")


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_list(STATUSES)})", name="status"),
        CheckConstraint(f"track IN ({sql_list(TRACKS)})", name="track"),
        CheckConstraint(f"source IN ({sql_list(SOURCES)})", name="source"),
        CheckConstraint(f"rating IS NULL OR rating IN ({sql_list(RATINGS)})", name="rating"),
        CheckConstraint(f"resolution IS NULL OR resolution IN ({sql_list(RESOLUTIONS)})",
                        name="resolution"),
        CheckConstraint(f"handler_id IS NOT NULL OR status NOT IN ({sql_list(HANDLED)})",
                        name="handled_has_handler"),
        CheckConstraint("metoo_count >= 0", name="metoo_not_negative"),
        CheckConstraint("(geo_lat IS NULL) = (geo_lng IS NULL)", name="geo_both_or_neither"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    #: where: the grid or building (staff scope, and the 台账's grid)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("case_categories.id"), index=True)
    title: Mapped[str] = mapped_column(String(40))
    details: Mapped[str] = mapped_column(Text, default="")
    #: the place in words (门牌, 路口); the resident's address stays private
    place: Mapped[str] = mapped_column(String(80), default="")
    #: an optional map point (WGS-84) the resident's phone gave; never shown to the public
    geo_lat: Mapped[float | None]
    geo_lng: Mapped[float | None]
    #: photos under UPLOAD_FOLDER/cases, filed with the matter
    photos: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(10), default="online")
    #: the resident the matter is for
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: who filled it in: the resident, or staff after a visit, at a reception, from a call
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: may the public 台账 show it (masked)?
    public: Mapped[bool] = mapped_column(default=False)
    track: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default=NEW, index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("case_units.id"))
    dispatcher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the time limit, counted in working days from filing (or reopening); None: no limit yet
    due_dt: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: the handler asked for more time (once)
    extended: Mapped[bool] = mapped_column(default=False)
    #: escalation marks, each set once per deadline by `flask cases escalate`
    reminded_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: moved up to the 街道 (社区 → 街道): on the 街道's overdue board
    escalated_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[str | None] = mapped_column(String(12))
    resolution: Mapped[str | None] = mapped_column(String(10))
    rating_comment: Mapped[str] = mapped_column(String(200), default="")
    #: staff recorded a rating the resident gave by phone
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reopen_count: Mapped[int] = mapped_column(default=0)
    #: other residents who said "me too" (CaseFollower)
    metoo_count: Mapped[int] = mapped_column(default=0)
    #: where it was raised in person: a door visit, or a 社区工作日 reception booking
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("door_visits.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("reception_bookings.id"),
                                                   index=True)
    #: why it was declined (不予受理), shown to the resident and on the 台账
    decline_reason: Mapped[str] = mapped_column(String(200), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    category: Mapped[CaseCategory] = relationship()
    zone = relationship("Zone", foreign_keys=[zone_id])
    community = relationship("Zone", foreign_keys=[community_id])
    resident = relationship("User", foreign_keys=[resident_id])
    filed_by = relationship("User", foreign_keys=[filed_by_id])
    handler = relationship("User", foreign_keys=[handler_id])
    unit = relationship("CaseUnit")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case",
                                                   order_by="CaseEvent.id")

    @property
    def number(self) -> str:
        """The matter's number on forms, the 台账 and the API."""
        return f"{self.id:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def allows(self, action: str) -> bool:
        """May the matter take this step now (whoever asks)? Rating only while it awaits one."""
        if action in RATING_STEPS and not self.awaits_rating(utcnow()):
            return False
        return self.status in TRANSITIONS[action].frm

    def awaits_rating(self, now: datetime) -> bool:
        """Resolved and not yet rated, or closed unrated less than LATE_RATING_DAYS ago."""
        if self.status == RESOLVED:
            return True
        return (self.status == CLOSED and self.rating is None and self.closed_dt is not None
                and self.closed_dt > now - timedelta(days=LATE_RATING_DAYS))


class CaseEvent(db.Model):
    """One step of a matter: who, when, what and why. Append-only: never edited or deleted."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: None for the escalation command
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(500), default="")
    photos: Mapped[list] = mapped_column(JSON, default=list)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")
    actor = relationship("User")


class CaseFollower(db.Model):
    """A resident who joined an open matter ("me too"): counted, and told of its updates."""

    __tablename__ = "case_followers"
    __table_args__ = (UniqueConstraint("case_id", "user_id", name="case_follower_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
