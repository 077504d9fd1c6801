"""劝导: volunteers appointed as 劝导员 in a community log persuasion events against a
convention's item. A log names the item, the place and a note, never the person persuaded,
and never takes points from anyone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class Persuader(db.Model):
    """劝导员: a resident appointed by the community's admin; one row per person and
    community, switched off (not deleted) when the appointment ends."""

    __tablename__ = "conventions_persuaders"
    __table_args__ = (UniqueConstraint("community_id", "user_id", name="persuader_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the community the appointment covers
    community_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    #: the volunteer
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the admin who appointed (or last re-appointed) them
    appointed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: when they were (last) appointed
    appointed_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: False once the appointment has ended
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    community = relationship("Zone")
    user = relationship("User", foreign_keys=[user_id])


class Persuasion(db.Model):
    """One persuasion event: which item of which version, where, and what happened. There is
    deliberately no column for the person persuaded."""

    __tablename__ = "conventions_persuasions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the version whose item was breached
    version_id: Mapped[int] = mapped_column(ForeignKey("convention_versions.id"), index=True)
    #: the item's place in that version's list, from 0
    item_index: Mapped[int]
    #: the item's words when logged, so counts read the same after an amendment
    item_text: Mapped[str] = mapped_column(String(200))
    #: where, e.g. "3号楼楼道"
    place: Mapped[str] = mapped_column(String(60))
    #: what was said and done, without names
    note: Mapped[str] = mapped_column(String(300), default="")
    #: the 劝导员 who logged it
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    version = relationship("ConventionVersion")
