"""The period a dashboard shows, and the one it is compared with."""

from datetime import date

import pytest

from portal.dashboards.period import MAX_DAYS, Period, choose, month_of
from portal.errors import DomainError

TODAY = date(2026, 12, 4)


def test_this_and_last_month_compare_with_the_month_before():
    this = choose("this", TODAY)
    assert (this.first, this.last) == (date(2026, 12, 1), date(2026, 12, 31))
    assert this.before() == month_of(date(2026, 11, 1))
    last = choose("last", TODAY)
    assert (last.first, last.last, last.days) == (date(2026, 11, 1), date(2026, 11, 30), 30)
    assert choose("last", date(2026, 1, 15)) == Period(date(2025, 12, 1), date(2025, 12, 31))
    assert choose("anything else", TODAY) == this


def test_a_range_compares_with_as_many_days_before_it():
    period = choose("custom", TODAY, date(2026, 11, 10), date(2026, 11, 19))
    assert period.days == 10
    assert period.before() == Period(date(2026, 10, 31), date(2026, 11, 9))


def test_the_span_is_local_days_in_utc():
    start, end = Period(date(2026, 11, 1), date(2026, 11, 30)).span
    assert (start.isoformat(), end.isoformat()) == (
        "2026-10-31T16:00:00+00:00", "2026-11-30T16:00:00+00:00")


@pytest.mark.parametrize("first, last, code", [
    (None, date(2026, 11, 1), "period_missing"),
    (date(2026, 11, 2), date(2026, 11, 1), "period_order"),
    (date(1999, 12, 31), date(2000, 1, 5), "period_out_of_range"),
    (date(2026, 12, 1), date(2026, 12, 5), "period_out_of_range"),
    (date(2025, 1, 1), date(2026, 1, 2), "period_too_long"),
])
def test_a_bad_range_is_refused_in_chinese(app, first, last, code):
    with pytest.raises(DomainError) as refused:
        choose("custom", TODAY, first, last)
    assert refused.value.code == code
    with app.test_request_context():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refused.value.message))


def test_a_year_is_allowed_and_charted_in_at_most_13_bars():
    year = choose("custom", TODAY, date(2025, 12, 5), date(2026, 12, 4))
    assert year.days == MAX_DAYS - 1
    assert len(year.weeks()) <= 13 and year.stretch == 35
    assert len(Period(date(2026, 11, 1), date(2026, 11, 30)).weeks()) == 5
