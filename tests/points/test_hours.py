"""Hours: the default rounding, idempotent credits, reversals, star levels."""

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.points import hours
from portal.points.models import HoursEntry


@pytest.mark.parametrize("served, credited", [
    (0, 0), (10, 0), (14, 0), (15, 30), (44, 30), (45, 60), (59, 60), (60, 60),
    (74, 60), (75, 90), (105, 120), (240, 240), (-5, 0),
])
def test_default_rounding(served, credited):
    assert hours.round_minutes(served, hours.rounding_rules("15:0,45:30")) == credited


def test_rounding_is_configurable(app):
    app.config["HOURS_ROUNDING"] = "30:0"
    try:
        assert hours.round_minutes(29) == 0 and hours.round_minutes(30) == 60
    finally:
        app.config["HOURS_ROUNDING"] = "15:0,45:30"


def test_credit_once_and_reverse_once(make_user):
    user = make_user()
    first = hours.credit_hours(user.id, 230, source_type="attendance", source_id=1,
                               memo="周六桥头市场执勤")
    again = hours.credit_hours(user.id, 230, source_type="attendance", source_id=1)
    db.session.commit()
    assert first.id == again.id and first.credited_minutes == 240
    assert hours.credited_minutes_of(user.id) == 240
    reversal = hours.reverse_hours(first)
    assert hours.reverse_hours(first).id == reversal.id
    db.session.commit()
    assert hours.credited_minutes_of(user.id) == 0
    assert db.session.scalar(select(func.count(HoursEntry.id))) == 2


@pytest.mark.parametrize("total_hours, stars, next_threshold, percent", [
    (0, 0, 100, 0), (50, 0, 100, 50), (100, 1, 300, 0), (299, 1, 300, 99), (650, 3, 1000, 12),
    (1500, 5, None, 100), (2000, 5, None, 100),
])
def test_star_levels_default_to_national_thresholds(app, total_hours, stars, next_threshold,
                                                   percent):
    progress = hours.star_progress(total_hours * 60)
    assert (progress.stars, progress.next_threshold, progress.percent) == \
        (stars, next_threshold, percent)
