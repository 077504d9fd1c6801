"""Shift pages: the list and its filters, sign-up and cancel by form, my shifts, the roster."""

from datetime import timedelta

from sqlalchemy import select

from portal.clock import local
from portal.extensions import db
from portal.shifts import signups
from portal.shifts.models import SignUp
from portal.types import utcnow
from tests.conftest import once


def test_shift_list_shows_free_places_to_anyone(client, make_user, make_shift):
    shift = make_shift(capacity=3)
    signups.sign_up(make_user(), shift)
    db.session.commit()
    html = client.get("/shifts/").get_data(as_text=True)
    assert "桥头市场周六执勤" in html and "剩 2 个名额" in html
    assert f'href="/shifts/{shift.id}"' in html


def test_shift_list_query_count_does_not_grow_with_shifts(client, auth, make_user, make_shift,
                                                          count_queries):
    resident = make_user()
    first = make_shift(hours_from_now=30, capacity=None, posts=[("消防巡查", 2)])
    signups.sign_up(resident, first, post_id=first.posts[0].id)
    db.session.commit()
    auth.login(resident)
    with count_queries() as few:
        client.get("/shifts/?zone=0")
    for i in range(12):
        shift = make_shift(hours_from_now=40 + 5 * i, length=2, capacity=None,
                           posts=[("消防巡查", 2), ("交通疏导", 3)])
        if i % 2:
            signups.sign_up(resident, shift, post_id=shift.posts[1].id)
            signups.sign_up(make_user(), shift, post_id=shift.posts[0].id)
    db.session.commit()
    with count_queries() as many:
        html = client.get("/shifts/?zone=0").get_data(as_text=True)
    assert html.count('data-testid="shift-card"') == 13
    assert many.count == few.count, many.statements


def test_filters_by_zone_free_places_and_date(client, make_user, make_shift, coordinator,
                                              activity, tree):
    from portal.shifts import activities

    full = make_shift(hours_from_now=30, capacity=1)
    signups.sign_up(make_user(), full)
    later = make_shift(hours_from_now=24 * 6)
    elsewhere = activities.add_shift(
        coordinator, activity, start_dt=full.start_dt + timedelta(hours=8),
        end_dt=full.start_dt + timedelta(hours=10), capacity=2, zone=tree.xinan_building)
    db.session.commit()

    def ids(query):
        html = client.get(f"/shifts/{query}").get_data(as_text=True)
        return {s.id for s in (full, later, elsewhere) if f'href="/shifts/{s.id}"' in html}

    assert ids("?zone=0") == {full.id, later.id, elsewhere.id}
    assert ids("?zone=0&free=y") == {later.id, elsewhere.id}
    assert ids(f"?zone={tree.xinan_building.id}") == {elsewhere.id}
    assert ids(f"?zone={tree.xinan.id}") == {full.id, later.id, elsewhere.id}
    assert ids(f"?zone={tree.xinan.id}&free=y") == {later.id, elsewhere.id}  # both joins
    assert ids(f"?zone={tree.xinan_building.id}&free=y") == {elsewhere.id}
    day = local(later.start_dt).date().isoformat()
    assert ids(f"?zone=0&day={day}") == {later.id}


def test_a_malformed_date_gets_a_message_not_an_error(client, make_shift):
    make_shift()
    response = client.get("/shifts/?day=2026-13-45&zone=abc&team=%27%3B--&page=x")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "日期格式不对" in html and "桥头市场周六执勤" in html


def test_sign_up_and_cancel_through_the_pages(client, auth, make_user, make_shift):
    shift, resident = make_shift(capacity=1), make_user()
    auth.login(resident)
    response = client.post(f"/shifts/{shift.id}/signup", follow_redirects=True)
    assert "报名成功" in response.get_data(as_text=True)
    row = db.session.scalar(select(SignUp).where(SignUp.user_id == resident.id))
    assert row.status == "confirmed"
    html = client.get("/shifts/mine").get_data(as_text=True)
    assert "桥头市场周六执勤" in html
    response = client.post(f"/shifts/signups/{row.id}/cancel", follow_redirects=True)
    assert "已取消报名" in response.get_data(as_text=True)
    db.session.refresh(row)
    assert row.status == "cancelled"


def test_a_full_shift_puts_the_resident_on_the_waitlist(client, auth, make_user, make_shift):
    shift = make_shift(capacity=1)
    signups.sign_up(make_user(), shift)
    db.session.commit()
    auth.login(make_user())
    html = client.post(f"/shifts/{shift.id}/signup", follow_redirects=True).get_data(
        as_text=True)
    assert "候补" in html and "第 1 位" in html


def test_someone_elses_sign_up_id_changes_nothing(client, auth, make_user, make_shift):
    shift, owner, other = make_shift(), make_user(), make_user()
    row = signups.sign_up(owner, shift)
    db.session.commit()
    auth.login(other)
    response = client.post(f"/shifts/signups/{row.id}/cancel", follow_redirects=True)
    assert response.status_code == 200
    assert "找不到您的这条报名记录" in response.get_data(as_text=True)
    db.session.refresh(row)
    assert row.status == "confirmed"


def test_past_shift_sign_up_is_refused_in_chinese(client, auth, make_user, make_shift):
    shift = make_shift(hours_from_now=1)
    db.session.commit()
    auth.login(make_user())
    from unittest import mock

    with mock.patch("portal.shifts.signups.utcnow",
                    return_value=shift.start_dt + timedelta(minutes=5)):
        html = client.post(f"/shifts/{shift.id}/signup", follow_redirects=True).get_data(
            as_text=True)
    assert "已经开始或结束" in html
    assert db.session.scalar(select(SignUp.id)) is None


def test_sign_up_on_a_missing_shift_is_404(client, auth, make_user):
    auth.login(make_user())
    assert client.post("/shifts/999999/signup").status_code == 404
    assert client.get("/shifts/999999").status_code == 404


def test_anonymous_sign_up_goes_to_login_and_comes_back(client, make_shift, make_user):
    shift = make_shift()
    response = client.post(f"/shifts/{shift.id}/signup")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    html = client.get(f"/shifts/{shift.id}").get_data(as_text=True)
    assert "登录后报名" in html


def test_roster_shows_phones_to_the_coordinator_only(client, auth, make_user, make_shift,
                                                     coordinator):
    shift = make_shift()
    volunteer = make_user(name="王秀英")
    signups.sign_up(volunteer, shift)
    db.session.commit()
    auth.login(coordinator)
    html = client.get(f"/staff/shifts/{shift.id}/roster").get_data(as_text=True)
    assert "王秀英" in html and volunteer.phone in html
    auth.logout()
    auth.login(make_user())
    assert client.get(f"/staff/shifts/{shift.id}/roster").status_code == 403
    assert volunteer.phone not in client.get(f"/shifts/{shift.id}").get_data(as_text=True)


def test_coordinator_of_another_community_cannot_open_the_roster(client, auth, make_user,
                                                                 make_shift, tree):
    shift = make_shift()
    auth.login(make_user("coordinator", zone=tree.dongmei))
    assert client.get(f"/staff/shifts/{shift.id}/roster").status_code == 403


def test_coordinator_creates_an_activity_and_a_shift_by_form(client, auth, coordinator, tree):
    auth.login(coordinator)
    response = client.post("/staff/shifts/activities/new", data={**once(),
        "title": "锦绣花园垃圾分类督导", "description": "桶边督导", "zone": tree.xinan.id,
        "team": 0, "points_rule": 0, "signup_window_days": 14, "cancel_cutoff_hours": 3,
        "credit_on": "confirmation"})
    assert response.status_code == 302
    activity_url = response.headers["Location"]
    activity_id = int(activity_url.rstrip("/").split("/")[-1])
    day = (local(utcnow()) + timedelta(days=3)).date().isoformat()
    response = client.post(f"/staff/shifts/activities/{activity_id}/shifts/new", data={**once(),
        "day": day, "start": "07:00", "end": "09:00", "capacity": "", "zone": tree.xinan_grid.id,
        "place": "5栋垃圾房", "team": 0, "points_rule": 0,
        "posts-0-name": "桶边督导", "posts-0-capacity": "2",
        "posts-1-name": "宣传讲解", "posts-1-capacity": "1"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "班次已发布" in html
    from portal.shifts.models import Shift

    shift = db.session.scalar(select(Shift))
    assert shift.activity.credit_on == "confirmation"
    assert shift.capacity == 3 and [p.name for p in shift.posts] == ["桶边督导", "宣传讲解"]
    assert local(shift.start_dt).hour == 7


def test_shift_form_with_bad_times_shows_a_message(client, auth, coordinator, activity, tree):
    auth.login(coordinator)
    response = client.post(f"/staff/shifts/activities/{activity.id}/shifts/new", data={**once(),
        "day": "2099-01-01", "start": "11:00", "end": "07:00", "capacity": "5",
        "zone": tree.xinan_grid.id})
    assert response.status_code == 200
    assert "结束时间要晚于开始时间" in response.get_data(as_text=True)


def test_a_post_rows_bad_number_is_refused_in_chinese(client, auth, coordinator, activity,
                                                      tree):
    auth.login(coordinator)
    response = client.post(f"/staff/shifts/activities/{activity.id}/shifts/new", data={**once(),
        "day": "2099-01-01", "start": "07:00", "end": "09:00", "capacity": "",
        "zone": tree.xinan_grid.id, "posts-0-name": "桶边督导", "posts-0-capacity": "1.5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Not a valid" not in html
    assert "整数" in html


def test_a_day_that_does_not_exist_is_called_invalid_not_missing(client, auth, coordinator,
                                                                  activity, tree):
    auth.login(coordinator)
    url = f"/staff/shifts/activities/{activity.id}/shifts/new"
    fields = {"start": "07:00", "end": "09:00", "capacity": "5", "zone": tree.xinan_grid.id}
    html = client.post(url, data={**once(), **fields, "day": "2026-02-30"}).get_data(as_text=True)
    assert "请填写一个有效的日期。" in html and "这一项必须填写" not in html
    html = client.post(url, data={**once(), **fields, "day": ""}).get_data(as_text=True)
    assert "这一项必须填写" in html and "请填写一个有效的日期" not in html


def test_edit_forms_show_the_current_place(client, auth, coordinator, activity, make_shift,
                                           tree):
    from datetime import time

    from portal.shifts import recurring

    shift = make_shift(zone=tree.xinan_building)
    template, _shifts = recurring.create_template(
        coordinator, activity, weekday=5, start_time=time(7), end_time=time(11), capacity=3,
        zone=tree.xinan_grid, weeks_ahead=1)
    db.session.commit()
    auth.login(coordinator)
    html = client.get(f"/staff/shifts/{shift.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{tree.xinan_building.id}">' in html
    html = client.get(f"/staff/shifts/templates/{template.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{tree.xinan_grid.id}">' in html


def test_editing_a_shift_with_many_posts_keeps_them_all(client, auth, coordinator, make_shift):
    posts = [("消防巡查", 2), ("交通疏导", 3), ("停车秩序", 2), ("摊位引导", 1), ("垃圾清运", 1)]
    shift = make_shift(capacity=None, posts=posts)
    auth.login(coordinator)
    html = client.get(f"/staff/shifts/{shift.id}/edit").get_data(as_text=True)
    assert 'name="posts-4-name"' in html and 'value="垃圾清运"' in html
    assert 'name="posts-6-name"' in html  # two blank rows to add more
