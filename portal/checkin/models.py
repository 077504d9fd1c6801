"""Attendance (one per sign-up), its corrections, and the scan log (every scan, failures too)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

#: stable reason codes for every scan, success or not
OUTCOMES = ("ok", "already_checked_in", "not_signed_up", "too_early", "too_late",
            "expired_code", "invalid_code", "shift_cancelled", "checked_out", "not_checked_in",
            "outside_area", "own_code")
METHODS = ("shift_code", "poster", "member_code", "card", "manual", "walk_in", "auto_close")


class Attendance(db.Model):
    """A volunteer's presence on a shift: check-in, check-out, and the credit it earned."""

    __tablename__ = "attendances"
    __table_args__ = (
        CheckConstraint("checkout_dt IS NULL OR checkout_dt >= checkin_dt", name="order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one attendance per sign-up: concurrent scans cannot make two
    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id"), unique=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    checkin_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    checkout_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: how they checked in / out: one of METHODS
    checkin_method: Mapped[str] = mapped_column(String(16))
    checkout_method: Mapped[str | None] = mapped_column(String(16))
    #: closed by `flask close-shifts` at the shift's end: a coordinator should look at it
    needs_review: Mapped[bool] = mapped_column(default=False)
    #: when hours and points were credited (None: not yet, or reversed)
    credited_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: bumped by each reversal, so a re-credit gets a fresh ledger key
    credit_round: Mapped[int] = mapped_column(default=1)
    hours_entry_id: Mapped[int | None] = mapped_column(ForeignKey("hours_entries.id"))
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shift = relationship("Shift")
    user = relationship("User", foreign_keys=[user_id])
    signup = relationship("SignUp")
    hours_entry = relationship("HoursEntry")
    ledger_entry = relationship("LedgerEntry")
    corrections: Mapped[list[AttendanceCorrection]] = relationship(
        back_populates="attendance", order_by="AttendanceCorrection.id")

    @property
    def is_checked_out(self) -> bool:
        return self.checkout_dt is not None


class AttendanceCorrection(db.Model):
    """A coordinator's change to an attendance, kept for good: times, confirmation, reversal."""

    __tablename__ = "attendance_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("attendances.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: times | confirm | reverse
    kind: Mapped[str] = mapped_column(String(16))
    #: one human line in Chinese: 签到 07:05 → 06:58
    summary: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attendance: Mapped[Attendance] = relationship(back_populates="corrections")
    actor = relationship("User")


class ScanLog(db.Model):
    """Every scan and check-in attempt, with its outcome code. Forged and expired codes too."""

    __tablename__ = "scan_logs"
    __table_args__ = (Index("ix_scan_logs_shift_outcome", "shift_id", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the shift the code (or the coordinator's scan page) was for; None if unreadable
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"))
    #: the volunteer concerned, when known
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: who scanned: the volunteer (self check-in) or the coordinator
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: shift_code | poster | member_code | manual | walk_in
    method: Mapped[str] = mapped_column(String(16))
    #: one of OUTCOMES
    outcome: Mapped[str] = mapped_column(String(24))
    #: the first characters of what was scanned, for forensics (never a whole live code)
    code_excerpt: Mapped[str] = mapped_column(String(24), default="")
    #: the manual look-up's reason, or a geofence override's
    note: Mapped[str] = mapped_column(Text, default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user = relationship("User", foreign_keys=[user_id])
    actor = relationship("User", foreign_keys=[actor_id])
