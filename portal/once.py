"""Once only: a form that creates or moves something takes effect once, whatever the retries.

Each such form carries a one-time key, a hidden field drawn with the page (`once_field()` in
templates). The view runs its service in `with web.transaction.committing(once=<where the answer
goes>)`, which claims the key inside the request's own transaction before the service runs:
an INSERT of (person, key) that does nothing when the key is taken.

- A double tap or a retry after a lost answer: the second post waits on the unique index
  until the first commits, finds the key used, and is sent to the first post's answer
  (`Replayed`), so nothing is done twice.
- A first post that was refused rolled back its claim with everything else, so the same
  page can be sent again once the mistake is fixed.

Forms whose effect already has a natural unique key (a sign-up per shift and person, an
attendance per sign-up, a zone code, a phone number) need no key of their own.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from flask import request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import ForeignKey, String, UniqueConstraint, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from portal.errors import DomainError, Replayed
from portal.extensions import db
from portal.types import UTCDateTime, utcnow

#: the hidden field's name in every once-only form
FIELD = "once_key"
#: what a key looks like (secrets.token_urlsafe(16) makes 22 characters)
KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,43}")


class FormSubmission(db.Model):
    """A one-time key that has been used, and where its first answer sent the person."""

    __tablename__ = "form_submissions"
    __table_args__ = (UniqueConstraint("user_id", "key", name="user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: who sent the form: keys are per person, so nobody's key can block anyone else's
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the form's one-time key
    key: Mapped[str] = mapped_column(String(43))
    #: the endpoint it was posted to, for the record
    endpoint: Mapped[str] = mapped_column(String(80))
    #: the page the first post's answer went to; a replay is sent there too
    result_url: Mapped[str] = mapped_column(String(500), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def new_key() -> str:
    return secrets.token_urlsafe(16)


def once_field() -> Markup:
    """The hidden one-time key for a template's form (a fresh key every time it is drawn)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, new_key())


def claim(user, key: str | None) -> int:
    """Claim the form's key for `user` in the current transaction.

    Returns the claim's id. Raises Replayed when the key was used by a post that committed,
    and DomainError when the form carries no well-formed key (a page from before an upgrade,
    or a hand-made request), which changes nothing."""
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        raise DomainError("stale_form", _l("这张表单已过期，请刷新页面后重新填写提交。"), 400)
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    claimed = db.session.execute(
        insert(FormSubmission)
        .values(user_id=user.id, key=key, endpoint=(request.endpoint or "")[:80],
                result_url="", created_dt=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(FormSubmission.id)).scalar()
    if claimed is None:
        first = db.session.scalar(select(FormSubmission.result_url).where(
            FormSubmission.user_id == user.id, FormSubmission.key == key))
        raise Replayed(first or request.path)
    return claimed


def record_answer(claim_id: int, url: str) -> None:
    """Remember where this post's answer goes, in the same transaction as its effect."""
    db.session.execute(update(FormSubmission).where(FormSubmission.id == claim_id)
                       .values(result_url=url[:500]))
