"""SMS through an adapter, sent only after the transaction that asked for it commits."""

from __future__ import annotations

import importlib
import logging
from typing import Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.extensions import db
from portal.web.formatting import mask_phone

log = logging.getLogger(__name__)

#: session.info key of the texts waiting for their transaction: [(transaction, phone, text)]
_PENDING = "portal_pending_sms"


class SmsBackend(Protocol):
    """A gateway. `send` runs after the commit, outside any transaction: it must not use the
    database. It may raise; the failure is logged and the request goes on."""

    def send(self, phone: str, text: str) -> None: ...


class LogSmsBackend:
    """Logs instead of sending (the phone masked): development, tests, and sites without SMS."""

    def send(self, phone: str, text: str) -> None:
        log.info("sms to %s: %s", mask_phone(phone), text)


def get_backend() -> SmsBackend:
    """The backend named by SMS_BACKEND ("module:Class"), made once per app and setting."""
    spec = current_app.config["SMS_BACKEND"]
    # Keyed by the setting, so a changed SMS_BACKEND (a test's fake) is picked up.
    cache = current_app.extensions.setdefault("portal_sms", {})
    if spec not in cache:
        module_name, sep, class_name = spec.partition(":")
        if not sep or not class_name:
            raise ValueError(f"SMS_BACKEND must look like 'module:Class', not {spec!r}")
        cache[spec] = getattr(importlib.import_module(module_name), class_name)()
    return cache[spec]


def send_all(texts: list[tuple[str, str]]) -> None:
    """Send (phone, text) pairs now. Never raises: what was committed stays committed, and a
    gateway outage must not turn a done request into an error page."""
    try:
        backend = get_backend()
    except Exception:
        log.exception("SMS backend %r could not be loaded; %d text(s) not sent",
                      current_app.config.get("SMS_BACKEND"), len(texts))
        return
    for phone, text in texts:
        try:
            backend.send(phone, text)
        except Exception:
            log.exception("sms to %s failed", mask_phone(phone))


def send_after_commit(phone: str, text: str) -> None:
    """Queue a text on the current session; it leaves when the outermost transaction commits.

    It is tagged with the innermost transaction, so rolling back a savepoint drops the texts
    queued inside it and keeps the others.
    """
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((transaction, phone, text))


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    # Releasing a savepoint fires after_commit too, yet the outer transaction may still roll
    # back: only the outermost commit sends.
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None)
    if pending:
        send_all([(phone, text) for _tx, phone, text in pending])


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    # Fires for the outermost transaction and for each savepoint; either way, the texts of
    # messages that no longer exist go too. A rolled-back request texts nobody.
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [item for item in pending
                                  if not _inside(item[0], previous_transaction)]


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction is over (committed, rolled back or closed): anything not sent
    # at its commit never will be, and must not leak into the session's next transaction.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
