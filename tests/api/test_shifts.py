"""Volunteer shifts through the API: the list (keyset pages, flat query count), a shift's
detail, signing up and cancelling (scope volunteer) with the services' codes passed through,
and the volunteer's own check-in by a scanned code. Each answer is held to the spec."""

from datetime import timedelta

from portal.api.models import ApiToken, IdempotentAnswer
from portal.checkin import codes
from portal.checkin.models import Attendance
from portal.extensions import db
from portal.shifts import signups
from portal.shifts.models import SignUp
from portal.types import utcnow
from tests.api.conftest import new_key


def _post(call, url, headers, **kwargs):
    return call("POST", url, {**headers, "Idempotency-Key": new_key()}, **kwargs)


def test_the_list_pages_by_keyset_with_a_flat_query_count(call, bearer, resident, make_shift,
                                                           count_queries):
    headers = bearer(resident, "read")
    same_start = make_shift(hours_from_now=30)
    made = [make_shift(hours_from_now=h) for h in (10, 20, 40, 50)]
    twin = make_shift(hours_from_now=30)
    twin.start_dt = same_start.start_dt  # the keyset's tie-break is the id
    twin.end_dt = same_start.end_dt
    signups.sign_up(resident, made[0])
    db.session.commit()
    first = call("GET", "/api/v1/shifts?limit=2", headers).get_json()
    assert [s["id"] for s in first["items"]] == [made[0].id, made[1].id]
    assert first["items"][0]["mine"]["status"] == "confirmed"
    assert first["items"][0]["places_taken"] == 1 and first["items"][0]["places_left"] == 9
    seen = [s["id"] for s in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        with count_queries() as counter:
            page = call("GET", f"/api/v1/shifts?limit=2&cursor={cursor}", headers).get_json()
        assert counter.count <= 8, counter.statements  # token and holder, 3 reads, its mark
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [made[0].id, made[1].id, same_start.id, twin.id, made[2].id, made[3].id]
    with count_queries() as small:
        call("GET", "/api/v1/shifts?limit=1", headers)
    with count_queries() as big:
        call("GET", "/api/v1/shifts?limit=100", headers)
    assert big.count == small.count
    bad = call("GET", "/api/v1/shifts?cursor=nope", headers)
    assert bad.status_code == 400 and bad.get_json()["code"] == "bad_cursor"


def test_detail_with_posts_and_my_place_in_line(call, bearer, resident, make_user, make_shift):
    shift = make_shift(capacity=None, posts=[("消防巡查", 1), ("交通疏导", 1)])
    first_post, second_post = shift.posts
    signups.sign_up(make_user(), shift, post_id=first_post.id)
    db.session.commit()
    headers = bearer(resident, "read volunteer")
    url = f"/api/v1/shifts/{shift.id}"
    detail = call("GET", url, headers).get_json()
    assert detail["mine"] is None and detail["places_left"] == 1
    assert [(p["name"], p["places_left"]) for p in detail["posts"]] == [("消防巡查", 0),
                                                                       ("交通疏导", 1)]
    needs = _post(call, f"{url}/signup", headers, json={})
    assert needs.status_code == 400 and needs.get_json()["code"] == "needs_post"
    waiting = _post(call, f"{url}/signup", headers, json={"post_id": first_post.id})
    assert waiting.status_code == 200
    assert waiting.get_json()["status"] == "waitlisted"
    assert waiting.get_json()["waitlist_position"] == 1
    mine = call("GET", url, headers).get_json()["mine"]
    assert mine["status"] == "waitlisted" and mine["waitlist_position"] == 1
    assert call("GET", "/api/v1/shifts/999999", headers).status_code == 404


def test_sign_up_and_cancel_are_idempotent_and_audited(call, bearer, resident, make_shift):
    shift = make_shift()
    headers = {**bearer(resident, "volunteer read"), "Idempotency-Key": new_key()}
    url = f"/api/v1/shifts/{shift.id}/signup"
    done = call("POST", url, headers, json={})
    assert done.status_code == 200 and done.get_json()["status"] == "confirmed"
    again = call("POST", url, headers, json={})
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == done.get_json()
    assert db.session.query(SignUp).filter_by(user_id=resident.id).count() == 1
    cancel = f"/api/v1/shifts/{shift.id}/cancel"
    gone = _post(call, cancel, headers)
    assert gone.status_code == 200 and gone.get_json()["status"] == "cancelled"
    assert db.session.query(IdempotentAnswer).count() == 2


def test_the_services_codes_pass_through(call, bearer, resident, make_shift, make_user):
    headers = bearer(resident, "volunteer")
    far = make_shift(hours_from_now=24 * 30)
    answer = _post(call, f"/api/v1/shifts/{far.id}/signup", headers, json={})
    assert answer.status_code == 409 and answer.get_json()["code"] == "window_not_open"
    shift = make_shift(hours_from_now=48)
    clash = make_shift(hours_from_now=49)
    assert _post(call, f"/api/v1/shifts/{shift.id}/signup", headers, json={}).status_code == 200
    answer = _post(call, f"/api/v1/shifts/{clash.id}/signup", headers, json={})
    assert answer.status_code == 409 and answer.get_json()["code"] == "overlap"
    soon = make_shift(hours_from_now=1)
    assert _post(call, f"/api/v1/shifts/{soon.id}/signup", headers, json={}).status_code == 200
    answer = _post(call, f"/api/v1/shifts/{soon.id}/cancel", headers)
    assert answer.status_code == 409 and answer.get_json()["code"] == "cancel_closed"
    answer = _post(call, f"/api/v1/shifts/{far.id}/cancel", headers)
    assert answer.status_code == 404 and answer.get_json()["code"] == "not_your_signup"
    answer = _post(call, f"/api/v1/shifts/{shift.id}/signup", headers, json={"post_id": 999})
    assert answer.status_code == 200  # already on it: unchanged, as on the web
    answer = _post(call, f"/api/v1/shifts/{shift.id}/signup", bearer(resident, "read"), json={})
    assert answer.status_code == 403 and answer.get_json()["code"] == "scope_missing"
    answer = call("POST", f"/api/v1/shifts/{shift.id}/signup", headers, json={})
    assert answer.status_code == 400 and answer.get_json()["code"] == "idempotency_key_required"


def test_self_check_in_then_out_by_a_scanned_code(call, bearer, resident, make_shift, app):
    shift = make_shift(hours_from_now=0.1)
    signups.sign_up(resident, shift)
    db.session.commit()
    headers = bearer(resident, "volunteer")
    link = f"{app.config['BASE_URL']}/c/{codes.shift_token(shift.id, utcnow())}"
    first = _post(call, "/api/v1/checkin", headers, json={"code": link})
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["ok"] and first.get_json()["action"] == "in"
    assert first.get_json()["shift_id"] == shift.id
    out = _post(call, "/api/v1/checkin", headers,
                json={"code": codes.shift_token(shift.id, utcnow())})
    assert out.get_json()["outcome"] == "ok" and out.get_json()["action"] == "out"
    attendance = db.session.query(Attendance).filter_by(user_id=resident.id).one()
    assert attendance.checkout_dt is not None
    shown = _post(call, "/api/v1/checkin", headers,
                  json={"code": codes.shift_token(shift.id, utcnow())})
    assert shown.get_json()["outcome"] == "already_checked_in"


def test_check_in_refusals_are_outcomes(call, bearer, resident, make_shift, tree):
    shift = make_shift(hours_from_now=0.1)
    headers = bearer(resident, "volunteer")
    for code, outcome in [("s.nonsense", "invalid_code"),
                          (codes.shift_token(shift.id, utcnow() - timedelta(minutes=5)),
                           "expired_code"),
                          (codes.shift_token(shift.id, utcnow()), "not_signed_up")]:
        answer = _post(call, "/api/v1/checkin", headers, json={"code": code})
        assert answer.status_code == 200 and answer.get_json()["outcome"] == outcome
        assert answer.get_json()["ok"] is False
    signups.sign_up(resident, shift)
    grid = tree.xinan_grid
    grid.geo_lat, grid.geo_lng, grid.geo_radius_m = 25.4380, 119.0060, 150
    shift.poster_nonce = codes.new_nonce()
    db.session.commit()
    poster = codes.poster_token(shift.id, shift.poster_nonce)
    far = _post(call, "/api/v1/checkin", headers,
                json={"code": poster, "lat": 25.4480, "lng": 119.0060})
    assert far.get_json()["outcome"] == "outside_area"
    near = _post(call, "/api/v1/checkin", headers,
                 json={"code": poster, "lat": 25.4385, "lng": 119.0062})
    assert near.get_json()["outcome"] == "ok"
    bad = _post(call, "/api/v1/checkin", headers, json={"code": poster, "lat": 91, "lng": 0})
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid_request"
    denied = _post(call, "/api/v1/checkin", bearer(resident, "read checkin"),
                   json={"code": poster})
    assert denied.status_code == 403 and denied.get_json()["code"] == "scope_missing"


def test_the_token_page_offers_the_volunteer_scope(client, auth, resident, make_shift):
    auth.login(resident)
    assert b'value="volunteer"' in client.get("/me/api-tokens").data
    client.post("/me/api-tokens", data={"name": "志愿小程序", "scopes": ["read", "volunteer"]})
    token = db.session.query(ApiToken).filter_by(holder_id=resident.id).one()
    assert token.scopes == "read volunteer"
