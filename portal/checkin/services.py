"""Checking in and out: the window, the outcome codes, walk-ins, the scan log.

Modelled on pretix's `perform_checkin`: a step that refuses raises a CheckInError carrying
its stable outcome code, and `perform` is the one place that catches it, writes the scan-log
row (every attempt, refused or not) and turns the outcome into the ScanResult the pages show.
A check-in locks the volunteer's sign-up row before it looks for an attendance, and the
attendance's unique signup_id backs that: fifty scans at once make one attendance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal import policy
from portal.checkin import credit
from portal.checkin.codes import ShiftCode, excerpt, printable, read_shift_code
from portal.checkin.fence import distance_m, inside_fence  # noqa: F401 (distance_m: re-exported)
from portal.checkin.models import Attendance, ScanLog
from portal.checkin.outcomes import CheckInError
from portal.codes import CodeError
from portal.errors import DomainError
from portal.extensions import db
from portal.members import cards
from portal.members.codes import find_member
from portal.shifts.models import Shift, SignUp
from portal.types import utcnow

#: outcomes that are good news: done now, or done before (the record is shown)
GOOD = ("ok", "already_checked_in", "checked_out")


@dataclass
class ScanResult:
    """What a scan did: an outcome code, and the record it concerns when there is one."""

    outcome: str
    action: str = "in"
    shift: Shift | None = None
    user: object | None = None
    attendance: Attendance | None = None
    #: the shift code the scan read (a link that opened: the view makes its pass from it)
    code: ShiftCode | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in GOOD


@dataclass
class Scan:
    """One attempt, as the scan log records it. The steps fill in the shift and the volunteer
    as they learn them, so a refusal is logged with whatever was known when it was raised."""

    method: str
    now: datetime
    #: who scanned: a coordinator, or None when volunteers scan for themselves
    actor: object | None = None
    #: the volunteer, once known (logged, and shown on the result)
    user: object | None = None
    shift: Shift | None = None
    action: str = "in"
    code: str = ""
    note: str = ""
    user_agent: str = ""
    location: tuple[float, float] | None = None
    #: whoever opened a code's link before it became a check-in (logged, not shown)
    opener_id: int | None = None
    read: ShiftCode | None = None


def log_scan(outcome: str, scan: Scan) -> None:
    """One scan-log row, written at once in the request's transaction. A plain INSERT, not
    an ORM object: every scan writes one, and nothing reads it back in the same request."""
    user_id = scan.user.id if scan.user is not None else scan.opener_id
    shift_id = scan.shift.id if scan.shift is not None else None
    db.session.execute(ScanLog.__table__.insert(), {
        "shift_id": shift_id, "user_id": user_id,
        "actor_id": getattr(scan.actor or scan.user, "id", None),
        "method": scan.method, "outcome": outcome, "code_excerpt": excerpt(scan.code),
        "note": printable(scan.note, 500), "user_agent": printable(scan.user_agent, 255),
        "created_dt": utcnow()})
    if outcome not in GOOD:
        current_app.logger.warning("check-in refused: %s (method %s, shift %s, user %s, code %r)",
                                   outcome, scan.method, shift_id, user_id, excerpt(scan.code))


def perform(scan: Scan, step: Callable[[Scan], Attendance | None], *,
            log_ok: bool = True) -> ScanResult:
    """Run a scan's step. The one place a refusal is caught: the step raises CheckInError
    with the outcome, and here it is logged and becomes the result, as a success is. Any
    other error (NotAllowed, a bug) is not a scan outcome and propagates."""
    try:
        attendance, outcome = step(scan), "ok"
    except (CheckInError, CodeError) as refusal:  # a code refused is a scan outcome too
        attendance, outcome = getattr(refusal, "attendance", None), refusal.code
    if log_ok or outcome != "ok":
        log_scan(outcome, scan)
    return ScanResult(outcome, action=scan.action, shift=scan.shift, user=scan.user,
                      attendance=attendance, code=scan.read)


def confirmed_signup(user_id: int, shift_id: int, lock: bool = False) -> SignUp | None:
    stmt = select(SignUp).where(SignUp.user_id == user_id, SignUp.shift_id == shift_id,
                                SignUp.status == "confirmed")
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(stmt)


@cache
def _signup_statement():
    """Built once and run with bound ids (building it costs more CPU than running it)."""
    return (select(SignUp, Attendance).outerjoin(Attendance, Attendance.signup_id == SignUp.id)
            .where(SignUp.user_id == bindparam("user_id"),
                   SignUp.shift_id == bindparam("shift_id"), SignUp.status == "confirmed"))


@cache
def _signup_statement_locked():
    return (_signup_statement().with_for_update(of=SignUp, key_share=True)
            .execution_options(populate_existing=True))


def _signup_and_attendance(user_id: int, shift_id: int):
    """The confirmed sign-up and its attendance if any.

    A repeat scan (the common case at a busy start: people scan twice to be sure) finds the
    attendance in a plain read and takes no lock, so repeat scans never queue behind each other.
    Only a first check-in locks the sign-up row, the serialisation point against a concurrent
    cancel; ON CONFLICT on the attendance's unique sign-up is the backstop against twins.

    FOR NO KEY UPDATE, not FOR UPDATE: check-ins still queue on it, but the foreign-key
    checks of other inserts (KEY SHARE on this row) do not, which under load otherwise made
    PostgreSQL deadlock.
    """
    ids = {"user_id": user_id, "shift_id": shift_id}
    row = db.session.execute(_signup_statement(), ids).first()
    if row is None or row[1] is not None:
        return (row[0], row[1]) if row else (None, None)
    row = db.session.execute(_signup_statement_locked(), ids).first()
    return (row[0], row[1]) if row else (None, None)


def attendance_of(signup_id: int, lock: bool = False) -> Attendance | None:
    stmt = select(Attendance).where(Attendance.signup_id == signup_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(stmt)


def check_window(shift: Shift, now: datetime) -> None:
    if shift.is_cancelled:
        raise CheckInError("shift_cancelled")
    opens = shift.start_dt - timedelta(minutes=current_app.config["CHECKIN_OPENS_MINUTES"])
    if now < opens:
        raise CheckInError("too_early")
    if now > shift.end_dt:
        raise CheckInError("too_late")


def _check_in(scan: Scan) -> Attendance:
    shift, user, now = scan.shift, scan.user, scan.now
    check_window(shift, now)
    signup, existing = _signup_and_attendance(user.id, shift.id)
    if signup is None:
        raise CheckInError("not_signed_up")
    if existing is not None:
        raise CheckInError("already_checked_in", existing)
    if scan.method in ("shift_code", "poster") and not inside_fence(shift, scan.location):
        raise CheckInError("outside_area")
    # No savepoint here: its foreign-key check would re-lock the sign-up row from a
    # subtransaction while other scans queue on that row, and PostgreSQL can deadlock on
    # that. The row lock already serialises check-ins; ON CONFLICT is the backstop.
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new_id = db.session.execute(
        insert(Attendance).values(signup_id=signup.id, shift_id=shift.id, user_id=user.id,
                                  checkin_dt=now, checkin_method=scan.method,
                                  needs_review=False, credit_round=1, created_dt=now)
        .on_conflict_do_nothing(index_elements=["signup_id"]).returning(Attendance.id)
    ).scalar()
    attendance = attendance_of(signup.id)
    if new_id is None:  # a concurrent scan won: show its record
        raise CheckInError("already_checked_in", attendance)
    return attendance


def _check_out(scan: Scan) -> Attendance:
    shift, user = scan.shift, scan.user
    signup = confirmed_signup(user.id, shift.id)
    if signup is None:
        raise CheckInError("not_signed_up")
    attendance = attendance_of(signup.id, lock=True)
    if attendance is None:
        raise CheckInError("not_checked_in")
    if attendance.checkout_dt is not None:
        raise CheckInError("checked_out", attendance)
    attendance.checkout_dt = max(scan.now, attendance.checkin_dt)
    attendance.checkout_method = scan.method
    db.session.flush()
    if shift.activity.credit_on == "checkout":
        credit.credit_attendance(attendance, actor=scan.actor)
    return attendance


def check_in(user, shift: Shift, *, method: str, actor=None, now: datetime | None = None,
             code: str = "", location: tuple[float, float] | None = None, note: str = "",
             user_agent: str = "") -> ScanResult:
    """Check a volunteer in. A refusal is the result's outcome, logged, never an exception."""
    return perform(Scan(method, now or utcnow(), actor=actor, user=user, shift=shift,
                        code=code, note=note, user_agent=user_agent, location=location),
                   _check_in)


def check_out(user, shift: Shift, *, method: str, actor=None, now: datetime | None = None,
              code: str = "", note: str = "", user_agent: str = "") -> ScanResult:
    """Check a volunteer out; by default this credits hours and points, exactly once."""
    return perform(Scan(method, now or utcnow(), actor=actor, user=user, shift=shift,
                        action="out", code=code, note=note, user_agent=user_agent),
                   _check_out)


def open_link(token: str, *, opener_id: int | None, now: datetime | None = None,
              user_agent: str = "") -> ScanResult:
    """A phone's camera opened /c/<token>. The code is read now, since it rotates: a refused
    one is logged like any scan; a good one is not, as the check-in it leads to will be."""
    def read(scan: Scan) -> None:
        scan.read = read_shift_code(scan.code, scan.now)

    return perform(Scan("shift_code", now or utcnow(), code=token, user_agent=user_agent,
                        opener_id=opener_id), read, log_ok=False)


def _self_scan(scan: Scan) -> Attendance:
    code = scan.read
    shift = db.session.get(Shift, code.shift_id)
    if shift is None or (code.method == "poster" and code.nonce != shift.poster_nonce):
        raise CheckInError("invalid_code")
    scan.shift = shift
    return _check_out(scan) if scan.action == "out" else _check_in(scan)


def self_scan(user, code: ShiftCode, *, action: str = "in", now: datetime | None = None,
              location: tuple[float, float] | None = None, user_agent: str = "",
              raw: str = "") -> ScanResult:
    """A volunteer who scanned a shift or poster code: check in; a second scan shows the
    record. Checking out is an explicit `action="out"` (the 签退 button), never a side
    effect of scanning twice."""
    return perform(Scan(code.method, now or utcnow(), user=user, action=action, code=raw,
                        user_agent=user_agent, location=location, read=code), _self_scan)


def _card_holder(scan: Scan):
    """A printed card shown at the desk: the coordinator sees its holder, as with a member
    code (a card still never checks anyone in by themselves)."""
    scan.method = "card"
    try:
        return cards.holder_of(scan.code)
    except DomainError as refusal:
        if refusal.code == "card_not_active":
            raise CheckInError("card_not_active") from None
        raise CheckInError("invalid_code") from None


def _coordinator_scan(scan: Scan) -> Attendance:
    scan.user = _card_holder(scan) if cards.is_card(scan.code) \
        else find_member(scan.code, scan.now)
    if scan.user.id == scan.actor.id:  # no self-dealing: nobody records their own attendance
        raise CheckInError("own_code")
    return _check_out(scan) if scan.action == "out" else _check_in(scan)


def coordinator_scan(actor, shift: Shift, raw: str, *, mode: str = "in",
                     now: datetime | None = None, user_agent: str = "") -> ScanResult:
    """A coordinator scans a member code or a printed member card (its QR or its 10-digit
    number; camera, USB scanner or typed)."""
    policy.check(actor, "shifts.manage", shift.zone)
    return perform(Scan("member_code", now or utcnow(), actor=actor, shift=shift,
                        action="out" if mode == "out" else "in", code=raw,
                        user_agent=user_agent), _coordinator_scan)
