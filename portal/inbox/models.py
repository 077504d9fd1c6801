"""站内消息: one row per message to one resident."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class Message(db.Model):
    """A message in a resident's in-app inbox: a sign-up, a promotion, a change, a reminder."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_user_unread", "user_id", "read_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: stable kind, e.g. "signup.confirmed", "signup.promoted", "shift.cancelled", "reminder"
    kind: Mapped[str] = mapped_column(String(32))
    #: one short line, in Chinese, e.g. "候补成功转为正式报名"
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    #: a same-site path the message points to, e.g. "/shifts/12"
    link: Mapped[str | None] = mapped_column(String(255))
    #: set for messages that must go out once only (reminders); unique
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_unread(self) -> bool:
        return self.read_dt is None
