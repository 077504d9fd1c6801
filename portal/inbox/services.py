"""站内消息: add messages (exactly once with a dedupe key), count and mark them read."""

from __future__ import annotations

from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.inbox.models import Message
from portal.types import utcnow

PAGE_SIZE = 20
#: texts waiting for their transaction to commit, kept on the session
_PENDING = "portal_pending_sms"


def _queue_sms(user_id: int, title: str) -> None:
    from portal.accounts.models import User

    phone = db.session.scalar(select(User.phone).where(User.id == user_id))
    if phone:
        db.session.info.setdefault(_PENDING, []).append((phone, f"【社区微平台】{title}"))


@event.listens_for(Session, "after_commit")
def _send_after_commit(session):
    pending = session.info.pop(_PENDING, None)
    if pending:
        from portal.inbox.sms import send_all

        send_all(pending)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session):
    # A rolled-back request texts nobody. (A savepoint's rollback is not this event.)
    session.info.pop(_PENDING, None)


def notify(user_id: int, kind: str, title: str, body: str = "", link: str | None = None, *,
           dedupe_key: str | None = None, sms: bool = False) -> Message | None:
    """Add a message in the current transaction. With a dedupe key it is added at most once:
    a repeat (a retry, a concurrent twin) returns None. With `sms`, a text goes out too, but
    only once the transaction commits."""
    message = Message(user_id=user_id, kind=kind, title=title[:120], body=body or "",
                      link=link, dedupe_key=dedupe_key)
    if dedupe_key is None:
        db.session.add(message)
        db.session.flush()
    else:
        if db.session.scalar(select(Message.id).where(Message.dedupe_key == dedupe_key)):
            return None
        try:
            with db.session.begin_nested():
                db.session.add(message)
                db.session.flush()
        except IntegrityError:
            return None
    if sms:
        _queue_sms(user_id, title)
    return message


def messages_page(user_id: int, page: int = 1):
    return db.paginate(select(Message).where(Message.user_id == user_id)
                       .order_by(Message.id.desc()), page=page, per_page=PAGE_SIZE,
                       error_out=False)


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.user_id == user_id, Message.read_dt.is_(None))) or 0


def mark_all_read(user) -> int:
    result = db.session.execute(update(Message).where(
        Message.user_id == user.id, Message.read_dt.is_(None)).values(read_dt=utcnow()))
    return result.rowcount or 0
