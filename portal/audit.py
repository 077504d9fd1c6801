"""The audit log: who did what, for whom, in which zone. Append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the person who acted; None for the system (cron, seed)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: stable verb, e.g. "user.create_for_resident", "zone.move"
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: what was acted on, e.g. ("user", 12)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None]
    #: the zone the event belongs to, so staff see only their own subtree
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"), index=True)
    #: one human line, in Chinese, e.g. "为居民 王秀英 创建账号"
    summary: Mapped[str] = mapped_column(String(255))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor = relationship("User", foreign_keys=[actor_id])
    zone = relationship("Zone", foreign_keys=[zone_id])


def record(actor, action: str, subject, summary: str, zone=None) -> AuditEvent:
    """Add an audit event to the current transaction (the request commits it)."""
    actor = _unproxy(actor)
    subject = _unproxy(subject)
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=type(subject).__tablename__ if subject is not None else "",
        subject_id=getattr(subject, "id", None),
        zone_id=getattr(zone, "id", None),
        summary=summary[:255],
    )
    db.session.add(event)
    return event


def _unproxy(obj):
    """current_user is a werkzeug LocalProxy; record the real object."""
    getter = getattr(obj, "_get_current_object", None)
    return getter() if getter is not None else obj
