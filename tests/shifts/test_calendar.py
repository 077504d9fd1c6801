"""Calendar downloads: a shift's .ics, the private feed, revoking, and bad tokens."""

from datetime import UTC

from icalendar import Calendar
from sqlalchemy import select

from portal.extensions import db
from portal.shifts import activities, calendar, signups
from portal.shifts.models import CalendarFeed


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
    for token in ("x", "a" * 500, "..%2F..%2Fetc", "%00" * 30, "z" * 43):
        response = client.get(f"/cal/{token}.ics")
        assert response.status_code == 404, token


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
