"""An export's period: this month, last month, or a range of local dates, bounded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from portal.clock import to_utc
from portal.errors import DomainError

CHOICES = ("this_month", "last_month", "range")
#: the longest range one export covers (a year and a day, for a leap year)
MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    """Local dates, both inclusive; `offset` and `limit` window the rows (the JSON API's
    pages), applied in SQL by every kind's source."""

    start: date
    end: date
    offset: int = 0
    limit: int | None = None

    @property
    def span(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC, for the database's UTC times."""
        return to_utc(self.start, time()), to_utc(self.end + timedelta(days=1), time())

    def label(self) -> str:
        return f"{self.start.isoformat()}–{self.end.isoformat()}"


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def _day(raw: str | None, which) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise DomainError("bad_date", _l("%(which)s请按“2026-11-01”这样的格式填写。",
                                         which=which), 400) from None


def parse(choice: str | None, start: str | None, end: str | None, today: date) -> Period:
    """The period asked for; a DomainError (400) with a Chinese message for anything else."""
    choice = (choice or "this_month").strip()
    if choice == "this_month":
        return month_of(today)
    if choice == "last_month":
        return month_of(today.replace(day=1) - timedelta(days=1))
    if choice != "range":
        raise DomainError("bad_period", _l("请选择本月、上月或自定日期范围。"), 400)
    first, last = _day(start, _l("开始日期")), _day(end, _l("结束日期"))
    if first > last:
        raise DomainError("bad_range", _l("开始日期不能晚于结束日期。"), 400)
    if first < EARLIEST or last > today:
        raise DomainError("bad_range", _l("日期须在 2000-01-01 到今天之间。"), 400)
    if (last - first).days + 1 > MAX_DAYS:
        raise DomainError("range_too_long", _l("一次最多导出 %(n)d 天，请缩短日期范围。",
                                               n=MAX_DAYS), 400)
    return Period(first, last)
