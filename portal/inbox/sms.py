"""SMS through an adapter. The default backend only writes to the log; a deployment names a
real one in SMS_BACKEND ("module:Class" with a send(phone, text) method)."""

from __future__ import annotations

import importlib
import logging
from typing import Protocol

from flask import current_app

from portal.web import mask_phone

log = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsBackend:
    """Logs instead of sending (the phone masked): development, tests, and sites without SMS."""

    def send(self, phone: str, text: str) -> None:
        log.info("sms to %s: %s", mask_phone(phone), text)


def get_backend() -> SmsBackend:
    """The configured backend, made once per app."""
    cached = current_app.extensions.get("portal_sms")
    if cached is None:
        module_name, _sep, class_name = current_app.config["SMS_BACKEND"].partition(":")
        cached = getattr(importlib.import_module(module_name), class_name)()
        current_app.extensions["portal_sms"] = cached
    return cached


def send_all(messages: list[tuple[str, str]]) -> None:
    """Send queued texts; a failing backend is logged, never raised into the request."""
    backend = get_backend()
    for phone, text in messages:
        try:
            backend.send(phone, text)
        except Exception:  # a gateway outage must not undo what was committed
            log.exception("sms to %s failed", mask_phone(phone))
