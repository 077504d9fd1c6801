"""Activities (活动), their shifts (班次) and posts (岗位), weekly templates, sign-ups."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

SIGNUP_STATUSES = ("confirmed", "waitlisted", "cancelled", "removed")
#: a sign-up that holds (or waits for) a place
ACTIVE_STATUSES = ("confirmed", "waitlisted")


class Activity(db.Model):
    """An activity such as 桥头市场周六执勤: its shifts, defaults and sign-up rules."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("signup_window_days BETWEEN 0 AND 365", name="window_days"),
        CheckConstraint("cancel_cutoff_hours BETWEEN 0 AND 168", name="cutoff_hours"),
        CheckConstraint("credit_on IN ('checkout', 'confirmation')", name="credit_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    #: the community or grid that runs it; coordinators over it manage it
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    #: default team restriction for new shifts (None: open to every resident)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    #: default points rule for new shifts (credited at check-out, next issue)
    points_rule_id: Mapped[int | None] = mapped_column(ForeignKey("points_rules.id"))
    #: sign-up opens this many days before a shift starts
    signup_window_days: Mapped[int] = mapped_column(default=14)
    #: residents may cancel until this many hours before the start
    cancel_cutoff_hours: Mapped[int] = mapped_column(default=3)
    #: when attendance credits hours and points: "checkout" (default) or "confirmation"
    credit_on: Mapped[str] = mapped_column(String(16), default="checkout",
                                           server_default="checkout")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    zone = relationship("Zone")
    team = relationship("Team")
    points_rule = relationship("PointsRule")
    shifts: Mapped[list[Shift]] = relationship(back_populates="activity",
                                               order_by="Shift.start_dt")
    templates: Mapped[list[ShiftTemplate]] = relationship(back_populates="activity",
                                                          order_by="ShiftTemplate.id")


class ShiftTemplate(db.Model):
    """A weekly pattern, e.g. every Saturday 07:00–11:00, that generates concrete shifts."""

    __tablename__ = "shift_templates"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("weeks_ahead BETWEEN 1 AND 26", name="weeks_ahead"),
        CheckConstraint("capacity >= 1", name="capacity"),
        CheckConstraint("end_time > start_time", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"))
    #: meeting point, e.g. 桥头市场东入口
    place: Mapped[str] = mapped_column(String(100), default="")
    #: 0 = Monday … 6 = Sunday
    weekday: Mapped[int]
    #: local wall-clock times (TIMEZONE), same day
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    #: places per shift; with posts it is their sum
    capacity: Mapped[int]
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    points_rule_id: Mapped[int | None] = mapped_column(ForeignKey("points_rules.id"))
    #: [{"name": "消防巡查", "capacity": 2}, ...]; empty for a shift without posts
    posts: Mapped[list[dict]] = mapped_column(JSON, default=list)
    #: how many weeks of shifts exist ahead of today
    weeks_ahead: Mapped[int] = mapped_column(default=4)
    #: a stopped template generates nothing more; its shifts stay
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship(back_populates="templates")
    zone = relationship("Zone")
    team = relationship("Team")
    points_rule = relationship("PointsRule")


class Shift(db.Model):
    """One shift (班次): a zone, a start and an end, places, optional posts and team."""

    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("end_dt > start_dt", name="times"),
        CheckConstraint("capacity >= 1", name="capacity"),
        CheckConstraint("status IN ('open', 'cancelled')", name="status"),
        UniqueConstraint("template_id", "occurrence_date", name="one_per_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    place: Mapped[str] = mapped_column(String(100), default="")
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    #: confirmed places; with posts it equals the sum of the posts' capacities
    capacity: Mapped[int]
    #: only members of this team may sign up
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    #: the rule attendance earns (credited at check-out)
    points_rule_id: Mapped[int | None] = mapped_column(ForeignKey("points_rules.id"))
    #: open | cancelled (everyone signed up is told)
    status: Mapped[str] = mapped_column(String(16), default="open")
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    cancelled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the weekly template that generated it, and for which local date
    template_id: Mapped[int | None] = mapped_column(ForeignKey("shift_templates.id"),
                                                    index=True)
    occurrence_date: Mapped[date | None] = mapped_column(Date)
    #: the printed poster's secret; a new one revokes every poster printed before
    poster_nonce: Mapped[str | None] = mapped_column(String(32))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship(back_populates="shifts")
    zone = relationship("Zone")
    team = relationship("Team")
    points_rule = relationship("PointsRule")
    template: Mapped[ShiftTemplate | None] = relationship()
    posts: Mapped[list[ShiftPost]] = relationship(back_populates="shift",
                                                  order_by="ShiftPost.position",
                                                  cascade="all, delete-orphan")

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"


class ShiftPost(db.Model):
    """岗位 within a shift, e.g. 消防巡查 ×2, with its own places."""

    __tablename__ = "shift_posts"
    __table_args__ = (
        UniqueConstraint("shift_id", "name", name="shift_name"),
        CheckConstraint("capacity >= 1", name="capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    capacity: Mapped[int]
    #: display order
    position: Mapped[int] = mapped_column(default=0)

    shift: Mapped[Shift] = relationship(back_populates="posts")


class SignUp(db.Model):
    """A resident on a shift: confirmed, or waitlisted in arrival order; one row per person.

    Cancelling and signing up again reuse the row (the unique key stops double sign-ups).
    """

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("shift_id", "user_id", name="one_per_shift"),
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled', 'removed')",
                        name="status"),
        Index("ix_signups_shift_status", "shift_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the post chosen or assigned (shifts with posts only)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("shift_posts.id"))
    #: confirmed | waitlisted | cancelled (by the resident) | removed (by a coordinator)
    status: Mapped[str] = mapped_column(String(16))
    #: arrival order on this shift, taken under the shift's lock; the waitlist's order
    queue_seq: Mapped[int]
    #: 责任区: the stretch this volunteer answers for, e.g. 桥头东段 1–20 号摊位
    duty_area: Mapped[str] = mapped_column(String(60), default="")
    signed_up_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a coordinator's reason for adding or removing this person
    reason: Mapped[str] = mapped_column(String(200), default="")
    #: the coordinator who last added or removed them (None: the resident themselves)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: set when a coordinator marks a no-show; counts towards the sign-up pause
    no_show_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_show_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    shift: Mapped[Shift] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    post: Mapped[ShiftPost | None] = relationship()


class CalendarFeed(db.Model):
    """A resident's private .ics feed: the token is the secret; revoking issues a new one."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
