"""The writer's and the period's small rules."""

from datetime import date

import pytest

from portal.errors import DomainError
from portal.exports import period
from portal.exports.workbook import Column, column_width, display_width


def test_cjk_characters_count_double():
    assert display_width("新安a") == 5
    assert display_width("（小时）") == 8  # full-width brackets too
    assert column_width(Column("hours", "志愿时长（小时）", "hours")) == 16 + 3
    assert column_width(Column("memo", "说明", width=200)) == 60  # capped


def test_this_and_last_month_across_a_year():
    today = date(2026, 1, 15)
    assert period.parse("this_month", None, None, today) == period.Period(
        date(2026, 1, 1), date(2026, 1, 31))
    assert period.parse("last_month", None, None, today) == period.Period(
        date(2025, 12, 1), date(2025, 12, 31))
    assert period.parse(None, None, None, date(2024, 2, 10)).end == date(2024, 2, 29)


def test_a_range_is_bounded():
    today = date(2026, 12, 4)
    assert period.parse("range", "2025-12-04", "2026-12-04", today).start == date(2025, 12, 4)
    for start, end in [("2025-12-02", "2026-12-04"), ("1999-12-31", "2000-01-01"),
                       ("2026-12-04", "2026-12-05"), ("", "2026-12-01"), ("x", "y")]:
        with pytest.raises(DomainError):
            period.parse("range", start, end, today)
