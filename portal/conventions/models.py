"""微公约: a convention of 应当 / 不得 items for a community, a compound (grid) or a building,
in versions; a household (a building plus a unit and room) signs a version once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

#: an item's kind: 应当 (do) or 不得 (don't)
ITEM_KINDS = ("do", "dont")


class Household(db.Model):
    """户: a building, a unit and a room. Residents join one in their profile."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("building_id", "unit", "room", name="household_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    #: 单元, "" where the building has none
    unit: Mapped[str] = mapped_column(String(10), default="")
    #: 室, e.g. "302"
    room: Mapped[str] = mapped_column(String(10))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    building = relationship("Zone")


class HouseholdMember(db.Model):
    """A resident's household: one per resident."""

    __tablename__ = "household_members"
    __table_args__ = (UniqueConstraint("user_id", name="household_member_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = relationship()


class Convention(db.Model):
    __tablename__ = "conventions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a community, a compound (grid) or a building
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    title: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    zone = relationship("Zone")
    versions: Mapped[list[ConventionVersion]] = relationship(
        back_populates="convention", order_by="ConventionVersion.number")


class ConventionVersion(db.Model):
    """One wording of a convention. Amending makes a new version; signatures stay with the
    version they signed."""

    __tablename__ = "convention_versions"
    __table_args__ = (UniqueConstraint("convention_id", "number", name="convention_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("conventions.id"), index=True)
    number: Mapped[int]
    preamble: Mapped[str] = mapped_column(Text, default="")
    #: [{"kind": "do" | "dont", "text": "..."}, ...] in order
    items: Mapped[list] = mapped_column(JSON, default=list)
    #: adopted by a vote (agenda_item_id) or recorded as adopted by the 居民会议 on a date
    adopted_on: Mapped[date | None] = mapped_column(Date)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("council_agenda.id"))
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    convention: Mapped[Convention] = relationship(back_populates="versions")


class Signature(db.Model):
    """A household's signature of a version: once per household per version."""

    __tablename__ = "convention_signatures"
    __table_args__ = (UniqueConstraint("version_id", "household_id", name="signature_household"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("convention_versions.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    #: the adult who signed on their phone, or the resident named on a paper sheet
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: signed on paper: recorded by staff, with a photo of the sheet
    paper: Mapped[bool] = mapped_column(Boolean, default=False)
    photo: Mapped[str | None] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    signer = relationship("User", foreign_keys=[user_id])
    household: Mapped[Household] = relationship()
