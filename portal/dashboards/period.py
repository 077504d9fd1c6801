"""The period a dashboard shows: this month, last month or a range of local (Asia/Shanghai)
days, and the period of the same length just before it. Stored times are UTC, so each period
is also a UTC span [start, end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from portal.clock import to_utc
from portal.errors import DomainError
from portal.forms import FIRST_DAY

#: the longest custom range, in days (a year and a leap day)
MAX_DAYS = 366
CHOICES = ("this", "last", "custom")
#: a chart by week has at most this many bars; a longer period adds up whole weeks per bar
MAX_BARS = 13


@dataclass(frozen=True)
class Period:
    #: first and last local day, both included
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def span(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight of the first day to that after the last."""
        return to_utc(self.first, time()), to_utc(self.last + timedelta(days=1), time())

    @property
    def is_month(self) -> bool:
        return self.first.day == 1 and month_of(self.first).last == self.last

    def before(self) -> Period:
        """The period just before, of the same length: the month before a whole month, else
        as many days, ending the day before this one starts."""
        last = self.first - timedelta(days=1)
        if self.is_month:
            return month_of(last)
        return Period(last - timedelta(days=self.days - 1), last)

    @property
    def stretch(self) -> int:
        """Days a chart's bar stands for: a week, or whole weeks enough for MAX_BARS bars."""
        weeks = (self.days + 6) // 7
        return 7 * -(-weeks // MAX_BARS)

    def weeks(self) -> list[date]:
        """The first day of each stretch, from the period's first day."""
        step = self.stretch
        return [self.first + timedelta(days=step * i)
                for i in range(-(-self.days // step))]


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))


def choose(which: str, today: date, first: date | None = None,
           last: date | None = None) -> Period:
    """The period a form asked for. this: the month so far is the whole month (days to come
    count nothing); last: the month before; custom: first to last, which must be given, in
    order, not after today and at most MAX_DAYS long."""
    if which == "last":
        return month_of(today.replace(day=1) - timedelta(days=1))
    if which != "custom":
        return month_of(today)
    if first is None or last is None:
        raise DomainError("period_missing", _l("请填写开始和结束日期。"))
    if last < first:
        raise DomainError("period_order", _l("结束日期不能早于开始日期。"))
    if first < FIRST_DAY or last > today:
        raise DomainError("period_out_of_range",
                          _l("请选择 2000 年 1 月 1 日到今天之间的日期。"))
    period = Period(first, last)
    if period.days > MAX_DAYS:
        raise DomainError("period_too_long",
                          _l("时间段最长 %(n)s 天，请缩短后再看。", n=MAX_DAYS))
    return period
