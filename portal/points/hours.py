"""志愿时长: credited service time (rounded), star levels. Kept apart from points."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.points.models import HoursEntry


def rounding_rules(spec: str | None = None) -> list[tuple[int, int]]:
    """'15:0,45:30' -> [(15, 0), (45, 30)]: a fraction below 15 min counts 0, below 45 counts
    30, anything longer a full hour."""
    spec = spec if spec is not None else current_app.config["HOURS_ROUNDING"]
    rules = []
    for part in spec.split(","):
        below, credited = part.split(":")
        rules.append((int(below), int(credited)))
    return sorted(rules)


def round_minutes(served: int, rules: list[tuple[int, int]] | None = None) -> int:
    """Whole hours count in full; the rest of the last hour is rounded by the rules."""
    if served <= 0:
        return 0
    rules = rules if rules is not None else rounding_rules()
    hours, rest = divmod(served, 60)
    for below, credited in rules:
        if rest < below:
            return hours * 60 + credited
    return hours * 60 + (60 if rest else 0)


def _by_key(key: str) -> HoursEntry | None:
    return db.session.scalar(select(HoursEntry).where(HoursEntry.idempotency_key == key))


def _insert_once(entry: HoursEntry) -> HoursEntry:
    existing = _by_key(entry.idempotency_key)
    if existing is not None:
        return existing
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        existing = _by_key(entry.idempotency_key)
        if existing is None:
            raise
        return existing
    return entry


def credit_hours(user_id: int, served_minutes: int, *, source_type: str, source_id: int,
                 actor=None, memo: str = "", key: str | None = None) -> HoursEntry:
    """Record service time for a source, exactly once (per `key`, by default per source)."""
    return _insert_once(HoursEntry(
        user_id=user_id, served_minutes=served_minutes,
        credited_minutes=round_minutes(served_minutes), source_type=source_type,
        source_id=source_id, idempotency_key=key or f"{source_type}:{source_id}:hours",
        actor_id=getattr(actor, "id", None), memo=memo[:200],
    ))


def reverse_hours(entry: HoursEntry, *, actor=None, memo: str = "") -> HoursEntry:
    """The linked opposite entry; reversing twice returns the first reversal."""
    return _insert_once(HoursEntry(
        user_id=entry.user_id, served_minutes=-entry.served_minutes,
        credited_minutes=-entry.credited_minutes, source_type=entry.source_type,
        source_id=entry.source_id, idempotency_key=f"hours-reversal:{entry.id}",
        actor_id=getattr(actor, "id", None), memo=(memo or f"撤销：{entry.memo}")[:200],
        reversal_of_id=entry.id,
    ))


def credited_minutes_of(user_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(HoursEntry.credited_minutes), 0))
        .where(HoursEntry.user_id == user_id)
    ) or 0


@dataclass(frozen=True)
class StarProgress:
    stars: int
    hours: float
    next_threshold: int | None
    hours_to_next: float
    #: whole minutes still to serve for the next star (for display, never for sums)
    minutes_to_next: int
    #: 0-100, progress from the last threshold to the next
    percent: int


def star_thresholds() -> list[int]:
    return [int(h) for h in current_app.config["STAR_THRESHOLDS_HOURS"].split(",")]


def star_progress(credited_minutes: int, thresholds: list[int] | None = None) -> StarProgress:
    thresholds = thresholds if thresholds is not None else star_thresholds()
    hours = credited_minutes / 60
    stars = sum(1 for t in thresholds if hours >= t)
    if stars == len(thresholds):
        return StarProgress(stars, hours, None, 0, 0, 100)
    low = thresholds[stars - 1] if stars else 0
    high = thresholds[stars]
    percent = int((hours - low) * 100 // (high - low))
    return StarProgress(stars, hours, high, high - hours, high * 60 - credited_minutes, percent)
