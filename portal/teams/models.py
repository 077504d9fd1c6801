"""志愿队伍: teams with a leader; residents apply to join and the leader approves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

MEMBER_STATUSES = ("pending", "active", "rejected", "left")


class Team(db.Model):
    """A volunteer team such as 七色花志愿服务队, belonging to a community (or a grid)."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("zone_id", "name", name="zone_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    #: the community or grid the team belongs to; staff over it manage the team
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    #: 队长: approves applications; any resident may lead
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    #: an inactive team takes no applications and no new team-only shifts
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    zone = relationship("Zone")
    leader = relationship("User", foreign_keys=[leader_id])
    members: Mapped[list[TeamMember]] = relationship(back_populates="team",
                                                     order_by="TeamMember.id")


class TeamMember(db.Model):
    """A resident's place in a team: pending → active | rejected; active → left."""

    __tablename__ = "team_members"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", name="one_per_team"),
        CheckConstraint("status IN ('pending', 'active', 'rejected', 'left')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    #: the applicant's words: 会急救、周六有空 …
    note: Mapped[str] = mapped_column(String(200), default="")
    #: the leader's reason on a rejection
    decision_note: Mapped[str] = mapped_column(String(200), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    applied_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team] = relationship(back_populates="members")
    user = relationship("User", foreign_keys=[user_id])
