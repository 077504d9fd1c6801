"""Sign-up rules, the waitlist and promotion, called on the services directly."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.errors import DomainError
from portal.extensions import db
from portal.shifts import roster, signups
from portal.shifts.models import SignUp
from portal.types import utcnow
from tests.helpers import code_of, messages, text


def test_sign_up_confirms_while_places_last_then_waitlists(make_user, make_shift):
    shift = make_shift(capacity=2)
    people = [make_user() for _ in range(4)]
    rows = [signups.sign_up(p, shift) for p in people]
    db.session.commit()
    assert [r.status for r in rows] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [signups.waitlist_position(r) for r in rows[2:]] == [1, 2]
    assert "报名成功" in messages(people[0])[0].title
    assert "候补第 2 位" in messages(people[3])[0].body


def test_signing_up_twice_returns_the_same_sign_up(make_user, make_shift):
    shift, resident = make_shift(), make_user()
    first = signups.sign_up(resident, shift)
    second = signups.sign_up(resident, shift)
    db.session.commit()
    assert first.id == second.id
    assert db.session.scalar(select(func.count(SignUp.id))) == 1


def test_cancelling_promotes_the_first_in_line_and_tells_them(make_user, make_shift):
    shift = make_shift(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    mine = signups.sign_up(first, shift)
    signups.sign_up(second, shift)
    signups.sign_up(third, shift)
    db.session.commit()
    signups.cancel_signup(first, mine.id)
    db.session.commit()
    statuses = dict(db.session.execute(select(SignUp.user_id, SignUp.status)).all())
    assert statuses == {first.id: "cancelled", second.id: "confirmed", third.id: "waitlisted"}
    promoted = messages(second, "signup.promoted")
    assert len(promoted) == 1 and "候补转正" in promoted[0].title
    assert messages(third, "signup.promoted") == []


def test_cancelling_twice_changes_nothing(make_user, make_shift):
    shift, resident = make_shift(), make_user()
    row = signups.sign_up(resident, shift)
    signups.cancel_signup(resident, row.id)
    again = signups.cancel_signup(resident, row.id)
    db.session.commit()
    assert again.status == "cancelled"
    assert len(messages(resident, "signup.cancelled")) == 1


def test_a_cancelled_resident_can_sign_up_again_at_the_back(make_user, make_shift):
    shift = make_shift(capacity=1)
    first, second = make_user(), make_user()
    row = signups.sign_up(first, shift)
    signups.cancel_signup(first, row.id)
    signups.sign_up(second, shift)
    again = signups.sign_up(first, shift)
    db.session.commit()
    assert again.id == row.id and again.status == "waitlisted"


def test_someone_elses_sign_up_cannot_be_cancelled(make_user, make_shift):
    shift, owner, other = make_shift(), make_user(), make_user()
    row = signups.sign_up(owner, shift)
    db.session.commit()
    assert code_of(signups.cancel_signup, other, row.id) == "not_your_signup"
    assert code_of(signups.cancel_signup, other, 999_999) == "not_your_signup"
    assert db.session.get(SignUp, row.id).status == "confirmed"


def test_cancelling_closes_hours_before_the_start(make_user, make_shift):
    shift = make_shift(hours_from_now=2)  # the default cut-off is 3 hours
    resident = make_user()
    row = signups.sign_up(resident, shift)
    db.session.commit()
    assert code_of(signups.cancel_signup, resident, row.id) == "cancel_closed"
    assert db.session.get(SignUp, row.id).status == "confirmed"


def test_waitlisted_residents_may_leave_the_line_late(make_user, make_shift):
    shift = make_shift(hours_from_now=2, capacity=1)
    signups.sign_up(make_user(), shift)
    waiting = make_user()
    row = signups.sign_up(waiting, shift)
    signups.cancel_signup(waiting, row.id)
    db.session.commit()
    assert db.session.get(SignUp, row.id).status == "cancelled"


def test_sign_up_window_opens_n_days_before(make_user, make_shift):
    shift = make_shift(hours_from_now=24 * 20)  # default window: 14 days
    resident = make_user()
    assert code_of(signups.sign_up, resident, shift) == "window_not_open"
    later = shift.start_dt - timedelta(days=13)
    assert signups.sign_up(resident, shift, now=later).status == "confirmed"


def test_a_started_or_past_shift_refuses_sign_ups(make_user, make_shift):
    shift = make_shift(hours_from_now=1)
    assert code_of(signups.sign_up, make_user(), shift,
                   now=shift.start_dt + timedelta(minutes=1)) == "shift_started"
    assert db.session.scalar(select(func.count(SignUp.id))) == 0


def test_overlapping_shifts_are_refused_naming_the_clash(make_user, make_shift):
    morning = make_shift(hours_from_now=48, length=4)
    overlapping = make_shift(hours_from_now=50, length=4)
    resident = make_user()
    signups.sign_up(resident, morning)
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        signups.sign_up(resident, overlapping)
    assert caught.value.code == "overlap"
    assert "桥头市场周六执勤" in text(caught.value.message)
    db.session.rollback()
    back_to_back = make_shift(hours_from_now=52, length=2)
    assert signups.sign_up(resident, back_to_back).status == "confirmed"


def test_team_only_shifts_refuse_non_members(make_user, make_shift, tree, coordinator):
    from portal.teams.models import Team, TeamMember

    team = Team(name="七色花志愿服务队", zone_id=tree.xinan.id)
    db.session.add(team)
    db.session.flush()
    member, outsider = make_user(), make_user()
    db.session.add(TeamMember(team_id=team.id, user_id=member.id, status="active"))
    db.session.commit()
    shift = make_shift(team=team)
    with pytest.raises(DomainError) as caught:
        signups.sign_up(outsider, shift)
    assert caught.value.code == "team_only" and "七色花志愿服务队" in text(caught.value.message)
    db.session.rollback()
    assert signups.sign_up(member, shift).status == "confirmed"


def test_no_shows_pause_sign_ups_until_the_oldest_leaves_the_window(app, make_user, make_shift,
                                                                     coordinator):
    resident = make_user()
    now = utcnow()
    for i in range(3):
        shift = make_shift(hours_from_now=24 * (i + 1), length=1)
        row = signups.sign_up(resident, shift)
        roster.set_no_show(coordinator, row, True, now=shift.start_dt + timedelta(hours=2))
    db.session.commit()
    next_shift = make_shift(hours_from_now=24 * 10)
    later = now + timedelta(days=5)
    with pytest.raises(DomainError) as caught:
        signups.sign_up(resident, next_shift, now=later)
    assert caught.value.code == "no_show_pause" and "暂停报名至" in text(caught.value.message)
    db.session.rollback()
    until = signups.no_show_pause_until(resident.id, later)
    assert until is not None
    assert signups.no_show_pause_until(resident.id, until + timedelta(seconds=1)) is None


def test_posts_have_their_own_places(make_user, make_shift):
    shift = make_shift(capacity=None, posts=[("消防巡查", 1), ("交通疏导", 2)])
    assert shift.capacity == 3
    fire, traffic = shift.posts
    a, b, c = make_user(), make_user(), make_user()
    assert code_of(signups.sign_up, a, shift) == "needs_post"
    assert signups.sign_up(a, shift, post_id=fire.id).status == "confirmed"
    assert signups.sign_up(b, shift, post_id=fire.id).status == "waitlisted"
    assert signups.sign_up(c, shift, post_id=traffic.id).status == "confirmed"
    db.session.commit()
    # A place on 交通疏导 frees nothing on 消防巡查: b keeps waiting for 消防巡查.
    row_c = db.session.scalar(select(SignUp).where(SignUp.user_id == c.id))
    signups.cancel_signup(c, row_c.id)
    db.session.commit()
    assert db.session.scalar(select(SignUp.status).where(SignUp.user_id == b.id)) == \
        "waitlisted"
    row_a = db.session.scalar(select(SignUp).where(SignUp.user_id == a.id))
    signups.cancel_signup(a, row_a.id)
    db.session.commit()
    assert db.session.scalar(select(SignUp.status).where(SignUp.user_id == b.id)) == "confirmed"


def test_a_post_of_another_shift_is_refused(make_user, make_shift):
    one = make_shift(capacity=None, posts=[("消防巡查", 1)])
    other = make_shift(hours_from_now=100, capacity=None, posts=[("停车秩序", 1)])
    assert code_of(signups.sign_up, make_user(), one, post_id=other.posts[0].id) == "bad_post"


def test_a_cancelled_shift_refuses_sign_ups(make_user, make_shift, coordinator):
    from portal.shifts import activities

    shift = make_shift()
    activities.cancel_shift(coordinator, shift, "暴雨预警")
    db.session.commit()
    assert code_of(signups.sign_up, make_user(), shift) == "shift_cancelled"
