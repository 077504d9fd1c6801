"""Calendar downloads: a shift's .ics, the private feed, revoking, bad tokens, the page."""

from datetime import UTC, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from portal.extensions import db
from portal.shifts import activities, calendar, roster, signups
from portal.shifts.models import CalendarFeed, Shift, SignUp
from portal.types import utcnow


def events(body: bytes):
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


def test_a_shift_downloads_as_ics(client, make_shift):
    shift = make_shift()
    response = client.get(f"/shifts/{shift.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    (event,) = events(response.data)
    assert str(event["summary"]) == "桥头市场周六执勤"
    assert event.decoded("dtstart") == shift.start_dt.astimezone(UTC).replace(microsecond=0)
    assert "桥头市场东入口" in str(event["location"])
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["uid"]) == f"shift-{shift.id}@portal.test"


def test_feed_has_own_confirmed_shifts_only(client, auth, make_user, make_shift, coordinator):
    mine, waiting, cancelled, others = (make_shift(hours_from_now=h, capacity=1)
                                        for h in (30, 60, 90, 120))
    resident, neighbour = make_user(), make_user()
    signups.sign_up(resident, mine)
    signups.sign_up(neighbour, waiting)
    signups.sign_up(resident, waiting)  # waitlisted
    signups.sign_up(resident, cancelled)
    signups.sign_up(neighbour, others)
    activities.cancel_shift(coordinator, cancelled, "暴雨")
    db.session.commit()
    auth.login(resident)
    assert client.get("/me/calendar").status_code == 200
    token = db.session.scalar(select(CalendarFeed.token))
    auth.logout()
    response = client.get(f"/cal/{token}.ics")  # calendar apps cannot log in
    assert response.status_code == 200
    found = {str(e["uid"]): str(e["status"]) for e in events(response.data)}
    assert found == {f"shift-{mine.id}@portal.test": "CONFIRMED",
                     f"shift-{cancelled.id}@portal.test": "CANCELLED"}


def test_revoking_kills_the_old_link(client, auth, make_user):
    resident = make_user()
    auth.login(resident)
    client.get("/me/calendar")
    old = db.session.scalar(select(CalendarFeed.token))
    client.post("/me/calendar/revoke")
    db.session.expire_all()
    new = db.session.scalar(select(CalendarFeed.token))
    assert new != old
    assert client.get(f"/cal/{old}.ics").status_code == 404
    assert client.get(f"/cal/{new}.ics").status_code == 200


def test_bad_tokens_are_404_never_500(client):
    for token in ("x", "a" * 500, "..%2F..%2Fetc", "z" * 43):
        response = client.get(f"/cal/{token}.ics")
        assert response.status_code == 404, token
    # a NUL anywhere in a request is refused up front (web/headers.py), before any look-up
    assert client.get(f"/cal/{'%00' * 30}.ics").status_code == 400


def test_feed_query_count_does_not_grow(client, make_user, make_shift, count_queries):
    resident = make_user()
    signups.sign_up(resident, make_shift(hours_from_now=30))
    token = calendar.feed_for(resident).token
    db.session.commit()
    with count_queries() as few:
        client.get(f"/cal/{token}.ics")
    for i in range(8):
        signups.sign_up(resident, make_shift(hours_from_now=40 + 6 * i, length=2))
    db.session.commit()
    with count_queries() as many:
        body = client.get(f"/cal/{token}.ics").data
    assert len(events(body)) == 9
    assert many.count == few.count


def test_times_are_utc_and_the_event_links_back(client, make_shift, tree):
    shift = make_shift()
    response = client.get(f"/shifts/{shift.id}.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="shift-{shift.id}.ics"'
    body = response.data.decode()
    start, end = (dt.astimezone(UTC) for dt in (shift.start_dt, shift.end_dt))
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in body
    assert f"DTEND:{end:%Y%m%dT%H%M%SZ}" in body
    assert "PRODID:-//portal//社区微平台//ZH" in body and "METHOD:PUBLISH" in body
    (event,) = events(response.data)
    assert event.decoded("dtstart").tzinfo is not None
    assert str(event["location"]) == f"{tree.xinan_grid.name} 桥头市场东入口"
    assert str(event["url"]) == f"http://portal.test/shifts/{shift.id}"
    assert "维护市场秩序" in str(event["description"])
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=12)


def test_a_missing_shift_is_404(client):
    assert client.get("/shifts/999999.ics").status_code == 404


def test_a_cancelled_shift_downloads_as_cancelled(client, make_shift, coordinator):
    shift = make_shift()
    activities.cancel_shift(coordinator, shift, "暴雨")
    db.session.commit()
    (event,) = events(client.get(f"/shifts/{shift.id}.ics").data)
    assert str(event["status"]) == "CANCELLED"
    assert "暴雨" in str(event["description"])
    assert not event.walk("VALARM")  # no reminder for a shift that will not happen


def test_signed_up_viewer_gets_post_and_duty_area(client, auth, make_user, make_shift,
                                                  coordinator):
    shift = make_shift(capacity=None, posts=[("消防巡查", 2)])
    resident = make_user()
    signup = signups.sign_up(resident, shift, post_id=shift.posts[0].id)
    roster.assign(coordinator, signup, post_id=shift.posts[0].id, duty_area="桥头东段1–20号摊位")
    db.session.commit()
    (anonymous,) = events(client.get(f"/shifts/{shift.id}.ics").data)
    assert str(anonymous["summary"]) == "桥头市场周六执勤"
    assert "责任区" not in str(anonymous["description"])

    auth.login(resident)
    (own,) = events(client.get(f"/shifts/{shift.id}.ics").data)
    assert str(own["summary"]) == "桥头市场周六执勤 · 消防巡查"
    assert "责任区：桥头东段1–20号摊位" in str(own["description"])

    signups.cancel_signup(resident, signup.id)
    db.session.commit()
    (left,) = events(client.get(f"/shifts/{shift.id}.ics").data)
    assert str(left["summary"]) == "桥头市场周六执勤"  # no longer their post


def test_feed_headers_and_name(client, make_user, make_shift):
    resident = make_user()
    signups.sign_up(resident, make_shift())
    token = calendar.feed_for(resident).token
    db.session.commit()
    response = client.get(f"/cal/{token}.ics")
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    feed = Calendar.from_ical(response.data)
    assert str(feed["x-wr-calname"]) == "社区志愿排班"
    assert str(feed["version"]) == "2.0"


def test_feed_keeps_a_month_of_history(client, make_user, activity, tree):
    resident = make_user()
    now = utcnow()
    for days_ago in (40, 10):
        start = now - timedelta(days=days_ago)
        shift = Shift(activity_id=activity.id, zone_id=tree.xinan.id, start_dt=start,
                      end_dt=start + timedelta(hours=3), capacity=5, status="open")
        db.session.add_all([shift, SignUp(shift=shift, user_id=resident.id, status="confirmed",
                                          queue_seq=1)])
    token = calendar.feed_for(resident).token
    db.session.commit()
    (event,) = events(client.get(f"/cal/{token}.ics").data)
    assert event.decoded("dtstart") > now - timedelta(days=11)


def test_unknown_or_malformed_tokens_are_404(client, make_user):
    token = calendar.feed_for(make_user()).token
    db.session.commit()
    for path in ("/cal/.ics", "/cal/../../etc.ics", f"/cal/{token}%0A.ics",
                 f"/cal/{token[:-1]}!.ics", "/cal/" + "a" * 43 + ".ics"):
        response = client.get(path)
        assert response.status_code == 404, path
    assert "日历链接无效" in client.get("/cal/" + "a" * 43 + ".ics").get_data(as_text=True)


def test_malformed_tokens_never_reach_the_database(app, count_queries):
    with app.test_request_context(), count_queries() as counter:
        for token in ("", "../../etc", "a" * 500, "a" * 19, "a" * 65, "ab cd" * 5, "a" * 30 + "\n"):
            assert calendar.user_id_for_token(token) is None
    assert counter.count == 0


def test_a_deactivated_account_loses_its_feed(client, make_user):
    resident = make_user()
    token = calendar.feed_for(resident).token
    db.session.commit()
    assert client.get(f"/cal/{token}.ics").status_code == 200
    resident.is_active_account = False
    db.session.commit()
    assert client.get(f"/cal/{token}.ics").status_code == 404


def test_feed_for_makes_one_feed(make_user):
    resident = make_user()
    assert calendar.feed_for(resident, create=False) is None
    first = calendar.feed_for(resident).token
    assert calendar.feed_for(resident).token == first
    assert calendar.TOKEN_RE.fullmatch(first)
    assert calendar.revoke_feed(resident).token != first
    assert db.session.scalar(select(func.count()).select_from(CalendarFeed)) == 1


def test_calendar_page_needs_login_and_shows_the_link(client, auth, make_user):
    response = client.get("/me/calendar")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/me/calendar/revoke").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CalendarFeed)) == 0
    auth.login(make_user())
    page = client.get("/me/calendar").get_data(as_text=True)
    token = db.session.scalar(select(CalendarFeed.token))
    assert f'value="http://portal.test/cal/{token}.ics"' in page
    assert f'href="webcal://portal.test/cal/{token}.ics"' in page
    assert "添加已订阅的日历" in page and "重新生成链接（旧链接失效）" in page
    client.get("/me/calendar")
    assert db.session.scalar(select(CalendarFeed.token)) == token  # stable until revoked
