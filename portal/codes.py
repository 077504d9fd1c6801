"""Signed codes, the primitives both kinds share: a shift's check-in codes (portal/checkin)
and a resident's member code (portal/members). HMAC-SHA256 via itsdangerous, keyed by
SECRET_KEY and salted per kind; a rotating code carries its time step, and one step of clock
skew is allowed either way."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, Signer

from portal.errors import DomainError

#: what a scanned code may look like at all; anything else is refused before any work
CODE_RE = re.compile(r"^[a-z]\.[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{20,60}$")

_MESSAGES = {"invalid_code": _l("二维码无效"), "expired_code": _l("二维码已过期")}


class CodeError(DomainError):
    """A code was refused: `code` is invalid_code or expired_code. The check-in logs it as a
    scan outcome; the supermarket counter words it for the clerk."""

    def __init__(self, code: str):
        super().__init__(code, _MESSAGES[code], 400)


def signer(kind: str) -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=f"portal.checkin.{kind}", sep=".",
                  key_derivation="hmac", digest_method=hashlib.sha256)


def step_of(now: datetime, seconds: int) -> int:
    return int(now.timestamp()) // seconds


def check_step(step: int, now: datetime, seconds: int) -> None:
    current = step_of(now, seconds)
    if step > current + 1:
        raise CodeError("invalid_code")  # from the future: not a clock skew, a forgery
    if step < current - 1:
        raise CodeError("expired_code")


def unsign(token: str, kind: str) -> tuple[str, str]:
    """The two fields a code of `kind` carries, once its shape and signature are checked."""
    token = (token or "").strip()
    if len(token) > 160 or not CODE_RE.match(token) or token[0] != kind[0]:
        raise CodeError("invalid_code")
    try:
        value = signer(kind).unsign(token).decode()
    except BadSignature:
        raise CodeError("invalid_code") from None
    _prefix, first, second = value.split(".")
    return first, second
