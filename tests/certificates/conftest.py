"""Certificate fixtures: `serve(user, days_ago, hours)` makes a past shift the user served and
had credited, as check-out does (shift, sign-up, attendance, credit_attendance)."""

import pytest

from tests.helpers import past_service


@pytest.fixture
def serve(activity):
    def factory(user, days_ago: float = 30, hours: float = 2, **kwargs):
        return past_service(activity, user, days_ago, hours, **kwargs)

    return factory


@pytest.fixture
def volunteer(make_user):
    return make_user(name="王秀英")
