"""Personal API tokens, and the answers kept for idempotent retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.tokens import PREFIX_LENGTH
from portal.types import UTCDateTime, utcnow

#: what a token may be used for; each endpoint names the one it needs
SCOPES = ("read", "checkin", "counter", "volunteer", "exports")


class ApiToken(db.Model):
    """A bearer token for /api/v1: it acts as its holder, with the holder's permissions at the
    moment of each request, narrowed to its scopes."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash", name="api_token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="api_token_holder"),
                                           index=True)
    #: what it is for, e.g. 超市柜台平板
    name: Mapped[str] = mapped_column(String(40))
    #: space-separated, from SCOPES
    scopes: Mapped[str] = mapped_column(String(40))
    prefix: Mapped[str] = mapped_column(String(PREFIX_LENGTH))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id",
                                                          name="api_token_created_by"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 name="api_token_revoked_by"))

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def scope_set(self) -> set[str]:
        return set(self.scopes.split())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None


class IdempotentAnswer(db.Model):
    """The first answer to a POST sent with an Idempotency-Key: a retry with the same token
    and key gets it again, without doing anything twice."""

    __tablename__ = "api_idempotent_answers"
    __table_args__ = (UniqueConstraint("token_id", "key", name="api_idempotent_token_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id",
                                                     name="api_idempotent_token"))
    key: Mapped[str] = mapped_column(String(32))
    #: sha256 of method, path and body: the same key with another request is refused
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
