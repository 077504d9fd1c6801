"""Signed codes. A shift's rotating code (new every 30 s, one step of skew either way), a
shift's printed poster code (static, revoked by a new nonce) and a resident's member code
(rotating every 60 s, carrying a random key, never personal data). HMAC-SHA256 via
itsdangerous, keyed by SECRET_KEY, salted per kind."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer

from portal.checkin.outcomes import CheckInError

SHIFT_STEP_SECONDS = 30
MEMBER_STEP_SECONDS = 60
#: what a scanned code may look like at all; anything else is refused before any work
CODE_RE = re.compile(r"^[a-z]\.[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{20,60}$")
#: a self check-in, once its code is verified, may be finished within this long (login etc.)
PASS_MAX_AGE = 15 * 60


class CodeError(CheckInError):
    """A code was refused: `code` is invalid_code or expired_code. A check-in refusal like
    any other; the supermarket counter, which reads member codes too, catches it by name."""


@dataclass(frozen=True)
class ShiftCode:
    shift_id: int
    #: "shift_code" (rotating, on the coordinator's phone) or "poster" (printed)
    method: str
    nonce: str = ""


def _signer(kind: str) -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=f"portal.checkin.{kind}", sep=".",
                  key_derivation="hmac", digest_method=hashlib.sha256)


def step_of(now: datetime, seconds: int) -> int:
    return int(now.timestamp()) // seconds


def _check_step(step: int, now: datetime, seconds: int) -> None:
    current = step_of(now, seconds)
    if step > current + 1:
        raise CodeError("invalid_code")  # from the future: not a clock skew, a forgery
    if step < current - 1:
        raise CodeError("expired_code")


def shift_token(shift_id: int, now: datetime) -> str:
    return _signer("shift").sign(f"s.{shift_id}.{step_of(now, SHIFT_STEP_SECONDS)}").decode()


def poster_token(shift_id: int, nonce: str) -> str:
    return _signer("poster").sign(f"p.{shift_id}.{nonce}").decode()


def member_token(member_key: str, now: datetime) -> str:
    return _signer("member").sign(f"m.{member_key}.{step_of(now, MEMBER_STEP_SECONDS)}").decode()


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def _unsign(token: str, kind: str) -> tuple[str, str]:
    token = (token or "").strip()
    if len(token) > 160 or not CODE_RE.match(token) or token[0] != kind[0]:
        raise CodeError("invalid_code")
    try:
        value = _signer(kind).unsign(token).decode()
    except BadSignature:
        raise CodeError("invalid_code") from None
    _prefix, first, second = value.split(".")
    return first, second


def read_shift_code(token: str, now: datetime) -> ShiftCode:
    """The shift a scanned shift or poster code names. Raises CodeError."""
    kind = "poster" if (token or "").startswith("p.") else "shift"
    first, second = _unsign(token, kind)
    if not first.isdigit():
        raise CodeError("invalid_code")
    if kind == "poster":
        return ShiftCode(int(first), "poster", second)
    if not second.isdigit():
        raise CodeError("invalid_code")
    _check_step(int(second), now, SHIFT_STEP_SECONDS)
    return ShiftCode(int(first), "shift_code")


def read_member_code(token: str, now: datetime) -> str:
    """The member key inside a member code. Raises CodeError."""
    first, second = _unsign(token, "member")
    if not second.isdigit():
        raise CodeError("invalid_code")
    _check_step(int(second), now, MEMBER_STEP_SECONDS)
    return first


def printable(text: str, limit: int) -> str:
    """Text safe to store: no NUL or other control characters (PostgreSQL refuses NUL)."""
    text = text or ""
    if text.isprintable():  # the common case, checked in C
        return text[:limit]
    return "".join(ch for ch in text[:limit * 4] if ch.isprintable())[:limit]


def excerpt(token: str) -> str:
    """What the scan log keeps of a code: its first characters, never a live code whole."""
    return printable(token, 20)


def _passes() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="portal.checkin.pass")


def make_pass(code: ShiftCode) -> str:
    """After a valid scan: a 15-minute pass to finish the check-in (through a login if need be)."""
    return _passes().dumps([code.shift_id, code.method, code.nonce])


def read_pass(value: str) -> ShiftCode | None:
    try:
        shift_id, method, nonce = _passes().loads(value, max_age=PASS_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    return ShiftCode(int(shift_id), method, nonce)
