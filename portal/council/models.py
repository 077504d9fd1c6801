"""微议事's bodies: each community keeps its own (居民代表会议, 居民议事会, 党群联席会, or others
its admin adds), each with its rules (council/rules.py) and its members, each member for a
grid or building and a term."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.council.rules import PASS_RULES, QUORUM_RULES
from portal.extensions import db
from portal.states import sql_list
from portal.types import UTCDateTime, utcnow


class Body(db.Model):
    __tablename__ = "council_bodies"
    __table_args__ = (
        UniqueConstraint("community_id", "name", name="council_body_name"),
        CheckConstraint(f"quorum_rule IN ({sql_list(QUORUM_RULES)})", name="quorum_rule"),
        CheckConstraint(f"pass_rule IN ({sql_list(PASS_RULES)})", name="pass_rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    name: Mapped[str] = mapped_column(String(30))
    quorum_rule: Mapped[str] = mapped_column(String(12), default="majority")
    pass_rule: Mapped[str] = mapped_column(String(12), default="two_thirds")
    #: a roll-call vote: the published outcome names how each member voted
    roll_call: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community = relationship("Zone")
    members: Mapped[list[BodyMember]] = relationship(back_populates="body",
                                                     order_by="BodyMember.id")


class BodyMember(db.Model):
    """A representative (居民代表) on a body, for a grid or building, for a term. One row per
    person per body; a new term updates it."""

    __tablename__ = "council_members"
    __table_args__ = (
        UniqueConstraint("body_id", "user_id", name="council_body_user"),
        CheckConstraint("term_end IS NULL OR term_end >= term_start", name="term"),
        CheckConstraint("households IS NULL OR households BETWEEN 1 AND 500",
                        name="households_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("council_bodies.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the grid or building they represent
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"))
    #: a 联户代表 stands for a group of households (居民代表: one for every 5 to 15)
    households: Mapped[int | None]
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])
    zone = relationship("Zone")

    def serves_on(self, day: date) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


class CouncilSetting(db.Model):
    """A community's own rule for when a resident's topic has enough backers to go to the
    party branch: a number of residents, or one fifth of the households known (as for calling
    a 居民会议, 居委会组织法 art. 9). Without a row, COUNCIL_BACKING_THRESHOLD applies."""

    __tablename__ = "council_settings"
    __table_args__ = (
        CheckConstraint("backing_threshold BETWEEN 1 AND 10000", name="threshold_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), unique=True)
    backing_threshold: Mapped[int] = mapped_column(default=20)
    #: one fifth of the community's known households instead of the fixed number
    households_fifth: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
