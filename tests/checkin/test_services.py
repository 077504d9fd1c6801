"""Checking in and out: outcomes, the scan log, geofences, crediting once, corrections."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import codes as shared_codes
from portal.checkin import codes, credit, desk, services
from portal.checkin.models import Attendance, ScanLog
from portal.codes import CodeError
from portal.extensions import db
from portal.members import codes as members
from portal.points import hours, ledger
from portal.shifts import activities
from tests.helpers import code_of


def outcomes():
    return [o for (o,) in db.session.execute(select(ScanLog.outcome).order_by(ScanLog.id))]


def test_check_in_then_again_shows_the_existing_record(live_shift, volunteer):
    first = services.check_in(volunteer, live_shift, method="shift_code")
    second = services.check_in(volunteer, live_shift, method="shift_code")
    db.session.commit()
    assert first.outcome == "ok" and second.outcome == "already_checked_in"
    assert second.attendance.id == first.attendance.id
    assert outcomes() == ["ok", "already_checked_in"]


@pytest.mark.parametrize(("minutes", "expected"), [(-31, "too_early"), (-29, "ok"),
                                                   (4 * 60 + 1, "too_late")])
def test_the_check_in_window(live_shift, volunteer, minutes, expected):
    now = live_shift.start_dt + timedelta(minutes=minutes)
    assert services.check_in(volunteer, live_shift, method="shift_code", now=now).outcome == \
        expected


def test_not_signed_up_and_cancelled_are_refused_and_logged(live_shift, make_user,
                                                           coordinator, volunteer):
    stranger = make_user()
    assert services.check_in(stranger, live_shift, method="shift_code").outcome == \
        "not_signed_up"
    activities.cancel_shift(coordinator, live_shift, "暴雨")
    assert services.check_in(volunteer, live_shift, method="shift_code").outcome == \
        "shift_cancelled"
    db.session.commit()
    assert outcomes() == ["not_signed_up", "shift_cancelled"]
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


def test_check_out_credits_hours_and_points_once(live_shift, volunteer):
    start = live_shift.start_dt
    services.check_in(volunteer, live_shift, method="shift_code", now=start - timedelta(minutes=20))
    result = services.check_out(volunteer, live_shift, method="shift_code",
                                now=start + timedelta(hours=2, minutes=50))
    again = services.check_out(volunteer, live_shift, method="shift_code",
                               now=start + timedelta(hours=3))
    db.session.commit()
    assert result.outcome == "ok" and again.outcome == "checked_out"
    # 2 h 50 min inside the shift (the early 20 min do not count): 2 h + 45-60 min → 3 h.
    assert hours.credited_minutes_of(volunteer.id) == 180
    assert ledger.balance_of(volunteer.id) == 30  # 1 point an hour
    credit.credit_attendance(result.attendance)  # a retry changes nothing
    db.session.commit()
    assert ledger.balance_of(volunteer.id) == 30 and ledger.verify_balances() == []


def test_the_hourly_cap_holds(live_shift, volunteer, hourly_rule):
    live_shift.end_dt = live_shift.start_dt + timedelta(hours=8)
    db.session.commit()
    services.check_in(volunteer, live_shift, method="shift_code", now=live_shift.start_dt)
    services.check_out(volunteer, live_shift, method="shift_code",
                       now=live_shift.start_dt + timedelta(hours=7))
    db.session.commit()
    assert hours.credited_minutes_of(volunteer.id) == 420
    assert ledger.balance_of(volunteer.id) == hourly_rule.cap_tenths


def test_check_out_before_check_in_is_refused(live_shift, volunteer):
    assert services.check_out(volunteer, live_shift, method="shift_code").outcome == \
        "not_checked_in"


def test_credit_on_confirmation_waits_for_the_coordinator(live_shift, volunteer, coordinator):
    live_shift.activity.credit_on = "confirmation"
    db.session.commit()
    start = live_shift.start_dt
    services.check_in(volunteer, live_shift, method="shift_code", now=start)
    result = services.check_out(volunteer, live_shift, method="shift_code",
                                now=start + timedelta(hours=1))
    db.session.commit()
    assert ledger.balance_of(volunteer.id) == 0
    desk.confirm(coordinator, result.attendance)
    db.session.commit()
    assert ledger.balance_of(volunteer.id) == 10


def test_reverse_within_seven_days_then_recredit_after_a_correction(live_shift, volunteer,
                                                                    coordinator):
    start = live_shift.start_dt
    services.check_in(volunteer, live_shift, method="shift_code", now=start)
    result = services.check_out(volunteer, live_shift, method="shift_code",
                                now=start + timedelta(hours=2))
    db.session.commit()
    attendance = result.attendance
    assert code_of(desk.correct_times, coordinator, attendance, checkin_dt=start,
                   checkout_dt=start + timedelta(hours=1), reason="早退") == "already_credited"
    assert code_of(desk.reverse, coordinator, attendance, "") == "needs_reason"
    desk.reverse(coordinator, attendance, "实际只服务了一小时")
    desk.correct_times(coordinator, attendance, checkin_dt=start,
                       checkout_dt=start + timedelta(hours=1), reason="早退")
    desk.confirm(coordinator, attendance)
    db.session.commit()
    assert ledger.balance_of(volunteer.id) == 10
    assert hours.credited_minutes_of(volunteer.id) == 60
    kinds = [c.kind for c in attendance.corrections]
    assert kinds == ["reverse", "times", "confirm"]  # every correction stays visible
    assert ledger.verify_balances() == []


def test_reversal_is_refused_after_seven_days(live_shift, volunteer, coordinator):
    start = live_shift.start_dt
    services.check_in(volunteer, live_shift, method="shift_code", now=start)
    result = services.check_out(volunteer, live_shift, method="shift_code",
                                now=start + timedelta(hours=1))
    db.session.commit()
    assert code_of(desk.reverse, coordinator, result.attendance, "登记错误",
                   now=result.attendance.credited_dt + timedelta(days=8)) == "reversal_too_late"


def test_forgotten_check_out_is_closed_and_flagged_once(live_shift, volunteer):
    services.check_in(volunteer, live_shift, method="shift_code", now=live_shift.start_dt)
    db.session.commit()
    after = live_shift.end_dt + timedelta(minutes=1)
    assert credit.close_shifts(after) == 1
    db.session.commit()
    assert credit.close_shifts(after) == 0
    attendance = db.session.scalar(select(Attendance))
    assert attendance.checkout_dt == live_shift.end_dt and attendance.needs_review
    assert ledger.balance_of(volunteer.id) == 0  # flagged: a coordinator confirms first


def test_geofence_refuses_self_check_in_outside_and_the_coordinator_overrides(
        live_shift, volunteer, coordinator, tree):
    grid = tree.xinan_grid
    grid.geo_lat, grid.geo_lng, grid.geo_radius_m = 25.4380, 119.0060, 150
    db.session.commit()
    far = (25.4480, 119.0060)  # about 1.1 km north
    near = (25.4385, 119.0062)
    assert services.check_in(volunteer, live_shift, method="shift_code",
                             location=far).outcome == "outside_area"
    assert services.check_in(volunteer, live_shift, method="shift_code",
                             location=None).outcome == "outside_area"
    result = desk.manual(coordinator, live_shift, volunteer.phone, "定位不准，本人在现场")
    assert result.outcome == "ok"
    assert services.distance_m(*near, grid.geo_lat, grid.geo_lng) < 150
    db.session.commit()
    log = db.session.scalars(select(ScanLog).order_by(ScanLog.id)).all()
    assert [r.outcome for r in log] == ["outside_area", "outside_area", "ok"]
    assert log[-1].note == "定位不准，本人在现场" and log[-1].actor_id == coordinator.id


def test_manual_look_up_needs_a_reason(live_shift, volunteer, coordinator):
    assert code_of(desk.manual, coordinator, live_shift, volunteer.phone, "") == "needs_reason"


def test_coordinator_scans_a_member_code(live_shift, volunteer, coordinator, make_user):
    token = members.member_token(members.member_key(volunteer), services.utcnow())
    assert services.coordinator_scan(coordinator, live_shift, token).outcome == "ok"
    assert services.coordinator_scan(coordinator, live_shift, token).outcome == \
        "already_checked_in"
    assert services.coordinator_scan(coordinator, live_shift, "garbage").outcome == \
        "invalid_code"
    walker = make_user(name="郑晓东")
    walker_code = members.member_token(members.member_key(walker), services.utcnow())
    assert services.coordinator_scan(coordinator, live_shift, walker_code).outcome == \
        "not_signed_up"
    assert desk.walk_in(coordinator, live_shift, walker).outcome == "ok"
    db.session.commit()


def test_a_checked_in_volunteer_cannot_be_marked_no_show(live_shift, volunteer, coordinator):
    from portal.shifts import roster

    result = services.check_in(volunteer, live_shift, method="shift_code")
    db.session.commit()
    assert code_of(roster.set_no_show, coordinator, result.attendance.signup, True,
                   now=live_shift.start_dt + timedelta(hours=1)) == "checked_in"


def test_a_revoked_poster_is_refused(live_shift, volunteer, coordinator):
    from portal.checkin import posters

    first = posters.issue(coordinator, live_shift).token
    posters.issue(coordinator, live_shift)  # reissued: the first poster is dead
    code = codes.read_shift_code(first, services.utcnow())
    assert services.self_scan(volunteer, code, raw=first).outcome == "invalid_code"


def test_scanning_again_shows_the_record_and_check_out_is_explicit(live_shift, volunteer):
    code = codes.ShiftCode(live_shift.id, "shift_code")
    assert services.self_scan(volunteer, code).outcome == "ok"
    again = services.self_scan(volunteer, code, now=live_shift.start_dt + timedelta(hours=1))
    assert again.outcome == "already_checked_in" and again.attendance.checkout_dt is None
    result = services.self_scan(volunteer, code, action="out",
                                now=live_shift.start_dt + timedelta(hours=1))
    assert (result.outcome, result.action) == ("ok", "out")


def test_a_refusal_raised_by_a_step_is_logged_once_and_becomes_the_result(live_shift,
                                                                         volunteer):
    """pretix's shape: a step raises CheckInError with its outcome; `perform` alone logs it
    and words it. Anything that is not a scan outcome (a bug, NotAllowed) is not swallowed."""
    from portal.checkin.outcomes import CheckInError
    from portal.errors import DomainError, NotAllowed

    scan = services.Scan("manual", services.utcnow(), user=volunteer, shift=live_shift,
                         note="老人没有智能手机")

    def refuse(_scan):
        raise CheckInError("too_early")

    result = services.perform(scan, refuse)
    assert (result.outcome, result.ok, result.user, result.shift) == \
        ("too_early", False, volunteer, live_shift)

    def forbidden(_scan):
        raise NotAllowed()

    with pytest.raises(NotAllowed):
        services.perform(scan, forbidden)
    db.session.commit()
    (row,) = db.session.scalars(select(ScanLog)).all()
    assert (row.outcome, row.user_id, row.actor_id, row.shift_id, row.note) == \
        ("too_early", volunteer.id, volunteer.id, live_shift.id, "老人没有智能手机")
    # a refused code is a DomainError of the shared signing (portal/codes.py), which the
    # check-in's one place catches as a scan outcome beside CheckInError
    assert issubclass(CheckInError, DomainError) and issubclass(CodeError, DomainError)


def test_every_refusal_a_step_raises_has_words(app):
    """A refusal raised without a title would show its bare code to a volunteer."""
    import inspect
    import re

    from portal.checkin import outcomes

    source = (inspect.getsource(services) + inspect.getsource(codes)
              + inspect.getsource(shared_codes) + inspect.getsource(members))
    raised = set(re.findall(r'(?:CheckInError|CodeError)\("(\w+)"', source))
    assert {"not_signed_up", "too_early", "too_late", "shift_cancelled", "already_checked_in",
            "checked_out", "not_checked_in", "outside_area", "own_code", "invalid_code",
            "expired_code", "card_not_active"} == raised
    assert raised <= set(outcomes.TITLES)


def test_an_out_of_scope_coordinator_is_refused_before_anything_is_logged(live_shift,
                                                                          volunteer,
                                                                          make_user, tree):
    from portal.errors import NotAllowed

    stranger = make_user("coordinator", zone=tree.dongmei)
    token = members.member_token(members.member_key(volunteer), services.utcnow())
    with pytest.raises(NotAllowed):
        services.coordinator_scan(stranger, live_shift, token)
    assert outcomes() == []
