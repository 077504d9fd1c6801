"""A resident's request to move home into another community, and its decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

MOVE_STATUSES = ("pending", "confirmed", "declined", "withdrawn")


class MoveRequest(db.Model):
    """迁居申请: a move to a home in another community waits for that community's admin.

    Until it is confirmed the resident's home, and so the supermarket their points pay in,
    stays where it was. The balance they bring is written here when it is confirmed."""

    __tablename__ = "move_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'confirmed', 'declined', 'withdrawn')",
                        name="status"),
        # one open request per resident: a second asks for a new place by replacing it
        Index("uq_move_requests_one_pending", "user_id", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the resident who moves
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: their home when they asked
    from_zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"))
    #: the grid or building they move to, in another community
    to_zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    #: pending -> confirmed | declined (by the new community) | withdrawn (by the resident)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the admin of the new community who decided, and why when they declined
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(200), default="")
    #: the points balance the resident brought into the new community (tenths), on confirming
    balance_tenths: Mapped[int | None]

    user = relationship("User", foreign_keys=[user_id])
    from_zone = relationship("Zone", foreign_keys=[from_zone_id])
    to_zone = relationship("Zone", foreign_keys=[to_zone_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
