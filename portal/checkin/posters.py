"""Printed posters for unattended spots: a static code per shift, revoked by reissuing."""

from __future__ import annotations

from dataclasses import dataclass

from portal import audit, policy
from portal.checkin import codes
from portal.extensions import db
from portal.shifts.models import Shift
from portal.shifts.signups import describe, lock_shift
from portal.web.navigation import base_url


def poster_url(shift: Shift) -> str | None:
    if not shift.poster_nonce:
        return None
    return f"{base_url()}/c/{codes.poster_token(shift.id, shift.poster_nonce)}"


@dataclass(frozen=True)
class IssuedPoster:
    token: str
    #: a live poster existed and is void now (not so for the first one, or after a revoke)
    replaced: bool


def issue(actor, shift: Shift) -> IssuedPoster:
    """A new poster code for the shift; every poster printed before stops working."""
    policy.check(actor, "shifts.manage", shift.zone)
    shift = lock_shift(shift.id)
    replaced = shift.poster_nonce is not None  # read under the lock: a colleague's counts
    shift.poster_nonce = codes.new_nonce()
    db.session.flush()
    verb = "重新生成签到海报（旧海报作废）" if replaced else "生成签到海报"
    audit.record(actor, "poster.issue", shift, f"{verb}：{describe(shift)}", shift.zone)
    return IssuedPoster(codes.poster_token(shift.id, shift.poster_nonce), replaced)


def revoke(actor, shift: Shift) -> None:
    policy.check(actor, "shifts.manage", shift.zone)
    shift = lock_shift(shift.id)
    shift.poster_nonce = None
    db.session.flush()
    audit.record(actor, "poster.revoke", shift, f"作废签到海报：{describe(shift)}", shift.zone)
