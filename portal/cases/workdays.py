"""Working days (工作日) for a matter's time limit: China's official holidays and make-up
working days (调休) from `chinese_calendar`, a maintained library, never a table of our own.

For a year the library does not know yet (the State Council publishes each year's schedule
in its November), Monday to Friday count, and the gap is logged once a day, so that a
deployment updates the library instead of silently miscounting.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

from portal.clock import local_today, to_utc

log = logging.getLogger(__name__)

#: a matter's day ends at the end of the local working day
END_OF_DAY = time(23, 59, 59)


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _unknown_year(day.year, date.today())
        return day.weekday() < 5


@lru_cache(maxsize=8)
def _unknown_year(year: int, today: date) -> None:
    log.warning("chinese_calendar has no holiday schedule for %s: weekdays count as working "
                "days until the library is updated", year)


def next_workday(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def add_workdays(day: date, count: int) -> date:
    """The working day `count` working days after `day` (0: `day`, or the next working day)."""
    day = next_workday(day)
    for _ in range(count):
        day = next_workday(day + timedelta(days=1))
    return day


def previous_workday(day: date) -> date:
    day -= timedelta(days=1)
    while not is_workday(day):
        day -= timedelta(days=1)
    return day


def due_after(start: datetime, days: int) -> datetime:
    """The deadline of a matter started at `start` (UTC) with `days` working days (0 for 即办,
    the same working day), as the end of that local working day, in UTC."""
    return to_utc(add_workdays(local_today(start), days), END_OF_DAY)


def end_of_workday_after(deadline: datetime) -> datetime:
    """The end of the working day after the deadline's day: when an overdue matter goes up."""
    return to_utc(add_workdays(local_today(deadline) + timedelta(days=1), 0), END_OF_DAY)


def reminder_from(deadline: datetime) -> datetime:
    """From when a handler is reminded: the start of the last working day before the deadline's
    day, so that one working day is left."""
    return to_utc(previous_workday(local_today(deadline)), time(0, 0))


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_workday(day)
    return count
