"""站内消息: add messages (exactly once with a dedupe key), count them, mark them read."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.accounts.models import User
from portal.extensions import db
from portal.inbox.models import Message
from portal.inbox.sms import send_after_commit
from portal.types import utcnow

PAGE_SIZE = 20
#: beyond this SQLite cannot even bind the OFFSET; nobody has 200,000 messages
MAX_PAGE = 10_000
#: the sender's signature, as Chinese SMS gateways require
SMS_SIGNATURE = "【社区微平台】"


def notify(user_id: int, kind: str, title: str, body: str = "", link: str | None = None, *,
           dedupe_key: str | None = None, sms: bool = False) -> Message | None:
    """Add a message to a resident's inbox in the current transaction (flushed, not committed).

    With a `dedupe_key` the message is added exactly once, however often and by however many
    callers at once. A repeat (a retry, a rerun, a concurrent twin) returns None, not the
    existing row, so a caller can count what it really sent.

    With `sms`, a message that was really added is also texted to the resident's phone, but
    only after the transaction commits. A rollback (of the request, or of the savepoint the
    message was added in) drops the text with the message.
    """
    values = {"user_id": user_id, "kind": kind, "title": title[:120], "body": body or "",
              "link": link, "dedupe_key": dedupe_key}
    if dedupe_key is None:
        message = Message(**values)
        db.session.add(message)
        db.session.flush()
    else:
        # INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING: on PostgreSQL a concurrent
        # twin waits on the unique index until the winner commits, then inserts nothing. No
        # savepoint is needed, and an unrelated error (an unknown user) still raises.
        dialect = db.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        message = db.session.scalar(
            insert(Message).values(created_dt=utcnow(), **values)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Message)
        )
        if message is None:
            return None
    if sms:
        _text_the_resident(user_id, message.title)
    return message


def _text_the_resident(user_id: int, title: str) -> None:
    phone = db.session.scalar(select(User.phone).where(User.id == user_id))
    if phone:
        send_after_commit(phone, f"{SMS_SIGNATURE}{title}")


def unread_count(user_id: int) -> int:
    """The resident's unread messages, in one indexed query (user_id, read_dt)."""
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.user_id == user_id, Message.read_dt.is_(None))) or 0


def mark_all_read(user) -> int:
    """Mark every unread message of `user` read; returns how many were."""
    result = db.session.execute(
        update(Message).where(Message.user_id == user.id, Message.read_dt.is_(None))
        .values(read_dt=utcnow())
    )
    return result.rowcount or 0


def messages_page(user_id: int, page: int = 1):
    """One page of the resident's messages, newest first (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(
        select(Message).where(Message.user_id == user_id).order_by(Message.id.desc()),
        page=min(max(page, 1), MAX_PAGE), per_page=PAGE_SIZE, error_out=False,
    )
