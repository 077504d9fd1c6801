"""A body's meeting (开会): its agenda of topics, who attended (scanned in, or recorded by the
clerk, or by proxy with a reason), and the votes (表决) on each topic: one current vote per
member per topic, changeable until the vote closes, every cast kept in an append-only log;
paper ballots entered by a clerk and confirmed by a second staff member before the count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.states import sql_list
from portal.types import UTCDateTime, utcnow

CHOICES = ("yes", "no", "abstain")
#: how a member came to be counted present
ATTENDANCE = ("scan", "clerk", "proxy")
#: a topic's vote: not yet opened, open, closed (and then it never changes)
VOTE_STATES = ("pending", "open", "closed")


class Meeting(db.Model):
    __tablename__ = "council_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("council_bodies.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    start_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(60))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body = relationship("Body")
    items: Mapped[list[AgendaItem]] = relationship(back_populates="meeting",
                                                   order_by="AgendaItem.id")


class AgendaItem(db.Model):
    """A topic on a meeting's agenda, with its vote and, once closed, its result."""

    __tablename__ = "council_agenda"
    __table_args__ = (
        UniqueConstraint("meeting_id", "topic_id", name="council_agenda_topic"),
        CheckConstraint(f"vote IN ({sql_list(VOTE_STATES)})", name="vote"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("council_topics.id"), index=True)
    vote: Mapped[str] = mapped_column(String(8), default="pending")
    #: the body's rules and the draft's version as they stood when the vote opened: the count,
    #: the result's wording and whether names are published follow these, never a later edit
    quorum_rule: Mapped[str | None] = mapped_column(String(12))
    pass_rule: Mapped[str | None] = mapped_column(String(12))
    roll_call: Mapped[bool | None]
    draft_number: Mapped[int | None]
    #: the count, written once when the vote closes
    members: Mapped[int | None]
    present: Mapped[int | None]
    yes: Mapped[int | None]
    no: Mapped[int | None]
    abstain: Mapped[int | None]
    quorate: Mapped[bool | None]
    passed: Mapped[bool | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    topic = relationship("Topic")


class MeetingAttendance(db.Model):
    __tablename__ = "council_attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", name="council_attendance_member"),
        CheckConstraint(f"method IN ({sql_list(ATTENDANCE)})", name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id"), index=True)
    method: Mapped[str] = mapped_column(String(8))
    #: for a proxy (委托): who holds it and why
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member = relationship("BodyMember")


class Vote(db.Model):
    """A member's current vote on an agenda item: one row, changed until the vote closes."""

    __tablename__ = "council_votes"
    __table_args__ = (
        UniqueConstraint("item_id", "member_id", name="council_vote_member"),
        CheckConstraint(f"choice IN ({sql_list(CHOICES)})", name="choice"),
        CheckConstraint("paper OR entered_by_id IS NULL", name="entered_only_on_paper"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("council_agenda.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id"), index=True)
    choice: Mapped[str] = mapped_column(String(8))
    #: a paper ballot, entered by a clerk, counted only once another staff member confirms it
    paper: Mapped[bool] = mapped_column(default=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member = relationship("BodyMember")


class VoteLog(db.Model):
    """Every vote cast or changed, and every paper ballot entered or confirmed: append-only."""

    __tablename__ = "council_vote_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("council_agenda.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id"))
    choice: Mapped[str] = mapped_column(String(8))
    #: phone | paper | confirm
    kind: Mapped[str] = mapped_column(String(8))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TopicProgress(db.Model):
    """A note on carrying out a decided topic (落实进展), shown on its public outcome."""

    __tablename__ = "council_topic_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("council_topics.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
