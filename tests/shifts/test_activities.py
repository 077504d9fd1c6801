"""Activities, shifts, posts, cancellation, weekly templates and reminders."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from portal.errors import NotAllowed
from portal.extensions import db
from portal.inbox.models import Message
from portal.shifts import activities, recurring, reminders, roster, signups
from portal.shifts.models import Shift, SignUp
from portal.types import utcnow
from tests.helpers import code_of, messages


def test_coordinator_outside_the_zone_cannot_create(make_user, tree):
    outsider = make_user("coordinator", zone=tree.dongmei)
    with pytest.raises(NotAllowed):
        activities.create_activity(outsider, title="桥头市场周六执勤", zone=tree.xinan)


def test_a_resident_cannot_create_activities(make_user, tree):
    with pytest.raises(NotAllowed):
        activities.create_activity(make_user(), title="桥头市场周六执勤", zone=tree.xinan)


@pytest.mark.parametrize(("change", "code"), [
    (dict(capacity=0), "bad_capacity"),
    (dict(capacity=501), "bad_capacity"),
    (dict(hours_from_now=-1), "in_past"),
    (dict(length=-1), "bad_times"),
    (dict(length=25), "too_long"),
    (dict(posts=[("消防巡查", 1), ("消防巡查", 2)]), "duplicate_post"),
    (dict(posts=[("消防巡查", 0)]), "bad_post_capacity"),
])
def test_bad_shifts_are_refused_with_a_code(make_shift, change, code):
    assert code_of(make_shift, **change) == code
    assert db.session.scalar(select(func.count(Shift.id))) == 0


def test_a_shift_outside_the_activity_zone_is_refused(make_shift, tree):
    assert code_of(make_shift, zone=tree.dongmei_grid) == "zone_outside"


def test_cancelling_a_shift_tells_everyone_on_it(make_user, make_shift, coordinator):
    shift = make_shift(capacity=1)
    confirmed, waiting, bystander = make_user(), make_user(), make_user()
    signups.sign_up(confirmed, shift)
    signups.sign_up(waiting, shift)
    db.session.commit()
    activities.cancel_shift(coordinator, shift, "暴雨红色预警，市场休市")
    db.session.commit()
    for person in (confirmed, waiting):
        told = messages(person, "shift.cancelled")
        assert len(told) == 1 and "暴雨红色预警" in told[0].body
    assert messages(bystander) == []
    assert code_of(activities.cancel_shift, coordinator, shift, "") == "needs_reason"


def test_moving_a_shift_tells_people_and_more_places_promote(make_user, make_shift,
                                                            coordinator, tree):
    shift = make_shift(capacity=1)
    first, second = make_user(), make_user()
    signups.sign_up(first, shift)
    signups.sign_up(second, shift)
    db.session.commit()
    activities.update_shift(coordinator, shift, start_dt=shift.start_dt + timedelta(hours=1),
                            end_dt=shift.end_dt + timedelta(hours=1), capacity=2,
                            zone=tree.xinan_grid, place="桥头市场西入口", team=None,
                            points_rule=None)
    db.session.commit()
    assert "桥头市场西入口" in messages(first, "shift.changed")[0].body
    assert db.session.scalar(select(SignUp.status).where(SignUp.user_id == second.id)) == \
        "confirmed"


def test_capacity_cannot_drop_below_confirmed(make_user, make_shift, coordinator, tree):
    shift = make_shift(capacity=3)
    for _ in range(2):
        signups.sign_up(make_user(), shift)
    db.session.commit()
    assert code_of(activities.update_shift, coordinator, shift, start_dt=shift.start_dt,
                   end_dt=shift.end_dt, capacity=1, zone=tree.xinan_grid, place="",
                   team=None, points_rule=None) == "capacity_below_confirmed"


def test_roster_add_remove_and_assign(make_user, make_shift, coordinator):
    shift = make_shift(capacity=None, posts=[("消防巡查", 1), ("交通疏导", 1)])
    fire, traffic = shift.posts
    a, b, c = make_user(name="王秀英"), make_user(), make_user()
    row_a = roster.add_volunteer(coordinator, shift, a, post_id=fire.id, reason="电话报名")
    db.session.commit()
    assert row_a.status == "confirmed" and "电话报名" in messages(a, "signup.added")[0].body
    assert code_of(roster.add_volunteer, coordinator, shift, b, post_id=fire.id,
                   reason="x") == "shift_full"
    assert code_of(roster.add_volunteer, coordinator, shift, b, post_id=fire.id,
                   reason="") == "needs_reason"
    signups.sign_up(c, shift, post_id=traffic.id)
    db.session.commit()
    assert code_of(roster.assign, coordinator, row_a, post_id=traffic.id,
                   duty_area="") == "post_full"
    roster.assign(coordinator, row_a, post_id=fire.id, duty_area="桥头东段 1–20 号摊位")
    db.session.commit()
    assert "桥头东段" in messages(a, "signup.assigned")[0].body
    roster.remove_volunteer(coordinator, row_a, reason="临时有事")
    db.session.commit()
    assert "临时有事" in messages(a, "signup.removed")[0].body


def test_no_show_only_after_the_start(make_user, make_shift, coordinator):
    shift = make_shift()
    row = signups.sign_up(make_user(), shift)
    db.session.commit()
    assert code_of(roster.set_no_show, coordinator, row, True) == "not_started"
    roster.set_no_show(coordinator, row, True, now=shift.start_dt + timedelta(hours=1))
    assert row.no_show_dt is not None


def _saturday_template(coordinator, activity, tree, now, **kwargs):
    fields = dict(weekday=5, start_time=time(7), end_time=time(11), capacity=6,
                  zone=tree.xinan_grid, place="桥头市场", weeks_ahead=4, now=now)
    fields.update(kwargs)
    template, created = recurring.create_template(coordinator, activity, **fields)
    db.session.commit()
    return template, created


def test_a_weekly_template_makes_one_shift_a_week(coordinator, activity, tree):
    now = utcnow()
    template, created = _saturday_template(coordinator, activity, tree, now)
    assert len(created) == 4
    from portal.clock import local

    starts = [local(s.start_dt) for s in created]
    assert {s.weekday() for s in starts} == {5} and {s.hour for s in starts} == {7}
    assert recurring.generate(template, now) == []  # idempotent
    assert recurring.generate_all(now + timedelta(days=7)) == 1  # one more week comes in


def test_editing_a_template_needs_a_choice_for_signed_up_shifts(coordinator, activity, tree,
                                                                make_user):
    now = utcnow()
    template, created = _saturday_template(coordinator, activity, tree, now)
    taken = created[1]
    resident = make_user()
    signups.sign_up(resident, taken, now=taken.start_dt - timedelta(days=3))
    db.session.commit()
    edit = dict(start_time=time(8), end_time=time(12), capacity=6, zone=tree.xinan_grid,
                place="桥头市场", posts=(), team=None, points_rule=None, weeks_ahead=4,
                is_active=True, now=now)
    assert code_of(recurring.update_template, coordinator, template, signed_up=None,
                   **edit) == "needs_choice"
    result = recurring.update_template(coordinator, template, signed_up="keep", **edit)
    db.session.commit()
    assert result.updated_free == 3 and [s.id for s in result.kept] == [taken.id]
    from portal.clock import local

    assert local(db.session.get(Shift, taken.id).start_dt).hour == 7
    assert {local(s.start_dt).hour for s in created if s.id != taken.id} == {8}
    result = recurring.update_template(coordinator, template, signed_up="apply",
                                       **dict(edit, start_time=time(9), end_time=time(12)))
    db.session.commit()
    assert result.updated_signed_up == 1
    assert local(db.session.get(Shift, taken.id).start_dt).hour == 9
    assert len(messages(resident, "shift.changed")) == 1


def test_reminders_go_out_once(make_user, make_shift):
    soon, later = make_shift(hours_from_now=20), make_shift(hours_from_now=60)
    resident = make_user()
    signups.sign_up(resident, soon)
    signups.sign_up(resident, later)
    db.session.commit()
    assert reminders.send_reminders() == 1
    db.session.commit()
    assert reminders.send_reminders() == 0
    db.session.commit()
    sent = messages(resident, "reminder")
    assert len(sent) == 1 and "明日提醒" in sent[0].title


def test_send_reminders_command_is_idempotent(runner, make_user, make_shift):
    shift = make_shift(hours_from_now=10)
    signups.sign_up(make_user(), shift)
    db.session.commit()
    first = runner.invoke(args=["send-reminders"])
    second = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0 and "1" in first.output, first.output
    assert second.exit_code == 0 and "0" in second.output
    db.session.rollback()
    assert db.session.scalar(select(func.count(Message.id)).where(
        Message.kind == "reminder")) == 1


def test_activity_fields_are_checked(coordinator, tree):
    assert code_of(activities.create_activity, coordinator, title="x",
                   zone=tree.xinan) == "bad_title"
    assert code_of(activities.create_activity, coordinator, title="桥头市场周六执勤",
                   zone=tree.xinan, signup_window_days=400) == "bad_window"
    assert code_of(activities.create_activity, coordinator, title="桥头市场周六执勤",
                   zone=tree.street) == "bad_zone"
