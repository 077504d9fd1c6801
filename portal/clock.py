"""Local wall-clock time (Asia/Shanghai by default) to and from the UTC the database stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def local_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_utc(day: date, at: time) -> datetime:
    """A local date and wall-clock time as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=local_tz()).astimezone(UTC)


def local(dt: datetime) -> datetime:
    return dt.astimezone(local_tz())


def local_today(now: datetime) -> date:
    return local(now).date()


def shift_label(start_dt: datetime, end_dt: datetime) -> str:
    """'11月28日 07:00–11:00' in local time; used in messages stored as text."""
    start, end = local(start_dt), local(end_dt)
    day = f"{start.month}月{start.day}日"
    if start.date() == end.date():
        return f"{day} {start:%H:%M}–{end:%H:%M}"
    return f"{day} {start:%H:%M}–{end.month}月{end.day}日 {end:%H:%M}"
