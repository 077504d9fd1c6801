"""Certificate fixtures: `serve(user, days_ago, hours)` makes a past shift the user served and
had credited, as check-out does (shift, sign-up, attendance, credit_attendance)."""

from datetime import timedelta

import pytest

from portal.checkin.credit import credit_attendance
from portal.checkin.models import Attendance
from portal.extensions import db
from portal.shifts.models import Shift, SignUp
from portal.types import utcnow


def past_service(activity, user, days_ago: float, hours: float, *, credit=True,
                 place="桥头市场东入口"):
    """A shift `days_ago` days back that `user` served for `hours`; credited unless told."""
    start = utcnow() - timedelta(days=days_ago)
    shift = Shift(activity_id=activity.id, zone_id=activity.zone_id, place=place,
                  start_dt=start, end_dt=start + timedelta(hours=hours), capacity=10)
    db.session.add(shift)
    db.session.flush()
    signup = SignUp(shift_id=shift.id, user_id=user.id, status="confirmed", queue_seq=1)
    db.session.add(signup)
    db.session.flush()
    attendance = Attendance(signup_id=signup.id, shift_id=shift.id, user_id=user.id,
                            checkin_dt=start, checkout_dt=start + timedelta(hours=hours),
                            checkin_method="manual", checkout_method="manual")
    db.session.add(attendance)
    db.session.flush()
    if credit:
        credit_attendance(attendance)
    db.session.commit()
    return attendance


@pytest.fixture
def serve(activity):
    def factory(user, days_ago: float = 30, hours: float = 2, **kwargs):
        return past_service(activity, user, days_ago, hours, **kwargs)

    return factory


@pytest.fixture
def volunteer(make_user):
    return make_user(name="王秀英")
