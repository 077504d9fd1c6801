"""Check-in fixtures: a shift under way and a signed-up volunteer."""

import pytest

from portal.extensions import db
from portal.points.models import PointsRule
from portal.points.rules import seed_default_rules
from portal.shifts import signups


@pytest.fixture
def hourly_rule():
    seed_default_rules()
    db.session.commit()
    from sqlalchemy import select

    return db.session.scalar(select(PointsRule).where(PointsRule.code == "volunteer_hour"))


@pytest.fixture
def live_shift(make_shift, hourly_rule, coordinator):
    """A 4-hour shift that starts in 10 minutes (check-in is open), earning 1 point an hour."""
    shift = make_shift(hours_from_now=10 / 60, length=4)
    shift.points_rule_id = hourly_rule.id
    db.session.commit()
    return shift


@pytest.fixture
def volunteer(make_user, live_shift):
    user = make_user(name="王秀英")
    signups.sign_up(user, live_shift)
    db.session.commit()
    return user
