"""Property: a certificate's hours equal the sum of the credited hours in its period, at issue
and after any later reversals; verification reports exactly the reversed difference."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.certificates import records, services
from portal.checkin.credit import reverse_credit
from portal.clock import local
from portal.errors import DomainError
from portal.extensions import db
from portal.points import hours
from portal.types import utcnow
from tests.helpers import past_service

service = st.tuples(st.integers(1, 500), st.integers(10, 300))  # days ago, minutes served
period = st.one_of(
    st.just(("all",)),
    st.tuples(st.just("year"), st.integers(0, 2)),  # this year, last year, the one before
    st.tuples(st.just("range"), st.integers(0, 500), st.integers(0, 500)),
)


def _period(choice) -> records.Period:
    today = local(utcnow()).date()
    if choice[0] == "all":
        return services.period_of("all")
    if choice[0] == "year":
        return services.period_of("year", today.year - choice[1])
    first, last = sorted(today - timedelta(days=d) for d in choice[1:])
    return services.period_of("range", first=first, last=last)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(served=st.lists(service, min_size=1, max_size=8), imported=st.integers(0, 200),
       choice=period, reversals=st.lists(st.integers(0, 8), max_size=6))
def test_certificate_hours_are_the_credited_sum_in_its_period(
        make_user, activity, coordinator, served, imported, choice, reversals):
    user = make_user()
    chosen = _period(choice)
    expected: dict[int, tuple[date, int]] = {}  # attendance or import -> (day, minutes)
    attendances = []
    for days_ago, minutes in served:
        attendance = past_service(activity, user, days_ago, minutes / 60)
        attendances.append(attendance)
        expected[attendance.id] = (local(attendance.shift.start_dt).date(),
                                   hours.round_minutes(minutes))
    entry = None
    if imported:
        entry = hours.credit_hours(user.id, imported, source_type="import", source_id=user.id)
        db.session.commit()
        expected[-1] = (local(entry.created_dt).date(), entry.credited_minutes)

    def in_period() -> int:
        return sum(m for day, m in expected.values() if chosen.holds(day))

    try:
        certificate = services.request_own(user, chosen)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        assert error.code == "no_hours" and in_period() == 0
        return
    issued = in_period()
    assert certificate.minutes == issued
    for index in reversals:
        if index < len(attendances):
            target = attendances[index]
            if expected[target.id][1]:
                reverse_credit(target, actor=coordinator, reason="核对有误")
                expected[target.id] = (expected[target.id][0], 0)
        elif entry is not None and expected[-1][1]:
            hours.reverse_hours(entry)
            expected[-1] = (expected[-1][0], 0)
        db.session.commit()
    verdict = services.verify(certificate.number)
    assert verdict.current_minutes == in_period()
    assert verdict.reversed_minutes == issued - in_period()
    assert verdict.status == ("reversed" if in_period() < issued else "valid")
