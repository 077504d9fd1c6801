"""A shift's signed codes: its rotating code (new every 30 s, one step of skew either way),
its printed poster code (static, revoked by a new nonce), and the short pass that finishes a
self check-in. The signing itself is portal/codes.py; a resident's member code is
portal/members/codes.py."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portal.codes import CodeError, check_step, signer, step_of, unsign

SHIFT_STEP_SECONDS = 30
#: a self check-in, once its code is verified, may be finished within this long (login etc.)
PASS_MAX_AGE = 15 * 60


@dataclass(frozen=True)
class ShiftCode:
    shift_id: int
    #: "shift_code" (rotating, on the coordinator's phone) or "poster" (printed)
    method: str
    nonce: str = ""


def shift_token(shift_id: int, now: datetime) -> str:
    return signer("shift").sign(f"s.{shift_id}.{step_of(now, SHIFT_STEP_SECONDS)}").decode()


def poster_token(shift_id: int, nonce: str) -> str:
    return signer("poster").sign(f"p.{shift_id}.{nonce}").decode()


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def read_shift_code(token: str, now: datetime) -> ShiftCode:
    """The shift a scanned shift or poster code names. Raises CodeError."""
    kind = "poster" if (token or "").startswith("p.") else "shift"
    first, second = unsign(token, kind)
    if not first.isdigit():
        raise CodeError("invalid_code")
    if kind == "poster":
        return ShiftCode(int(first), "poster", second)
    if not second.isdigit():
        raise CodeError("invalid_code")
    check_step(int(second), now, SHIFT_STEP_SECONDS)
    return ShiftCode(int(first), "shift_code")


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
