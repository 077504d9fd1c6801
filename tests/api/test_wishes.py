"""微心愿 through the API: the wall (keyset pages, most urgent first, masked names, a flat
query count), one wish as each viewer may see it, claiming and progress (scope volunteer) with
the services' codes passed through, and a retried claim answered once. Each answer is held to
the spec."""

from datetime import timedelta

import pytest

from portal.api.models import IdempotentAnswer
from portal.audit import AuditEvent
from portal.clock import local_today
from portal.extensions import db
from portal.types import utcnow
from portal.wishes import services
from portal.wishes.models import CLAIMED, Wish
from tests.api.conftest import new_key


@pytest.fixture
def poster(make_user):
    return make_user(name="赵桂兰")


@pytest.fixture
def member(make_user):
    return make_user(name="李建国", party="verified")


@pytest.fixture
def make_wish(coordinator, poster):
    def factory(published=True, days=30, **fields):
        values = {"title": "想要一辆轮椅", "description": "腿脚不便，想要一辆能折叠的轮椅。",
                  "kind": "item", "value_yuan": 280,
                  "deadline": local_today(utcnow()) + timedelta(days=days),
                  "consent_name": True, "consent_photo": False}
        values.update(fields)
        by = values.pop("by", poster)
        wish = services.post_wish(by, by, **values)
        if published:
            services.review(coordinator, wish, approve=True)
        db.session.commit()
        return wish

    return factory


def _post(call, url, headers, **kwargs):
    return call("POST", url, {**headers, "Idempotency-Key": new_key()}, **kwargs)


def test_the_wall_is_the_webs_most_urgent_first_in_keyset_pages(call, bearer, member, make_wish,
                                                                 count_queries):
    headers = bearer(member, "read")
    later, sooner, soonest = make_wish(days=20), make_wish(days=10), make_wish(days=5)
    twin = make_wish(days=10)
    make_wish(published=False, title="还没审核")
    first = call("GET", "/api/v1/wishes?limit=2", headers).get_json()
    seen = [w["id"] for w in first["items"]]
    assert seen == [soonest.id, sooner.id]
    assert first["items"][0]["poster"] == "赵**" and first["items"][0]["status"] == "published"
    cursor = first["next_cursor"]
    while cursor:
        page = call("GET", f"/api/v1/wishes?limit=2&cursor={cursor}", headers).get_json()
        seen += [w["id"] for w in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [soonest.id, sooner.id, twin.id, later.id]  # the pending one is not listed
    with count_queries() as small:
        call("GET", "/api/v1/wishes?limit=1", headers)
    with count_queries() as big:
        call("GET", "/api/v1/wishes?limit=100", headers)
    assert big.count == small.count, big.statements
    bad = call("GET", "/api/v1/wishes?cursor=nope", headers)
    assert bad.status_code == 400 and bad.get_json()["code"] == "bad_cursor"


def test_claim_progress_and_what_each_viewer_sees(call, bearer, member, make_user, make_wish,
                                                  poster):
    wish = make_wish()
    url = f"/api/v1/wishes/{wish.id}"
    headers = bearer(member, "read volunteer")
    seen = call("GET", url, headers).get_json()
    assert seen["role"] == "member" and seen["actions"] == ["claim"]
    assert seen["contact"] is None and seen["events"] == []
    claimed = _post(call, f"{url}/claim", headers)
    assert claimed.status_code == 200, claimed.get_json()
    body = claimed.get_json()
    assert body["status"] == "claimed" and body["role"] == "claimer"
    assert body["contact"] == {"name": "赵桂兰", "phone": poster.phone,
                               "address": poster.home_zone.name}
    assert body["release_due_at"] is not None and "progress" in body["actions"]
    short = _post(call, f"{url}/progress", headers, json={"note": "好"})
    assert short.status_code == 422  # the spec's bound, before the service's
    done = _post(call, f"{url}/progress", headers, json={"note": "已联系，周六送到家"})
    assert done.status_code == 200
    assert [e["kind"] for e in done.get_json()["events"]][-2:] == ["claimed", "progress"]
    mine = call("GET", "/api/v1/me/claims", headers).get_json()
    assert [w["id"] for w in mine["items"]] == [wish.id] and mine["next_cursor"] is None
    # someone else: the claimed wish is no longer theirs to see; claiming says why not
    other = bearer(make_user(name="周红", party="verified"), "read volunteer")
    assert call("GET", url, other).status_code == 404
    taken = _post(call, f"{url}/claim", other)
    assert taken.status_code == 409 and taken.get_json()["code"] == "already_claimed"
    assert _post(call, f"{url}/progress", other, json={"note": "我也来"}).status_code == 404
    # the poster sees the record but no contact of their own
    own = call("GET", url, bearer(poster, "read")).get_json()
    assert own["role"] == "poster" and own["contact"] is None and len(own["events"]) >= 2


@pytest.mark.parametrize(("who", "code", "status"), [
    ("plain", "not_party_member", 403), ("pending", "not_verified", 403),
    ("poster", "own_wish", 409)])
def test_claim_refusals_carry_the_services_codes(call, bearer, make_user, make_wish, who, code,
                                                 status):
    user = {"plain": lambda: make_user(name="孙强"),
            "pending": lambda: make_user(name="钱芳", party="pending"),
            "poster": lambda: make_user(name="吴敏", party="verified")}[who]()
    wish = make_wish(by=user) if who == "poster" else make_wish()
    refused = _post(call, f"/api/v1/wishes/{wish.id}/claim", bearer(user, "read volunteer"))
    assert refused.status_code == status and refused.get_json()["code"] == code
    assert db.session.get(Wish, wish.id).claimer_id is None


def test_claiming_needs_the_volunteer_scope_and_a_key(call, bearer, member, make_wish):
    wish = make_wish()
    url = f"/api/v1/wishes/{wish.id}/claim"
    read_only = _post(call, url, bearer(member, "read"))
    assert read_only.status_code == 403 and read_only.get_json()["code"] == "scope_missing"
    keyless = call("POST", url, bearer(member, "volunteer"))
    assert keyless.status_code == 400
    assert keyless.get_json()["code"] == "idempotency_key_required"
    assert call("GET", "/api/v1/wishes/999999", bearer(member, "read")).status_code == 404
    assert db.session.get(Wish, wish.id).status != CLAIMED


def test_a_retried_claim_answers_once(call, bearer, member, make_wish):
    wish = make_wish()
    headers = {**bearer(member, "volunteer"), "Idempotency-Key": new_key()}
    url = f"/api/v1/wishes/{wish.id}/claim"
    first = call("POST", url, headers)
    again = call("POST", url, headers)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert db.session.query(IdempotentAnswer).count() == 1
    claims = db.session.query(AuditEvent).filter_by(action="wish.claim").count()
    assert claims == 1 and services.open_claims(member.id) == 1


def test_a_wish_not_the_holders_to_see_is_a_404_even_to_claim(call, bearer, member, make_wish):
    pending = make_wish(published=False)
    answer = _post(call, f"/api/v1/wishes/{pending.id}/claim", bearer(member, "volunteer"))
    assert answer.status_code == 404
    assert db.session.get(Wish, pending.id).claimer_id is None


def test_a_withdrawn_wish_leaves_its_claimers_list(call, bearer, member, make_wish, poster):
    wish = make_wish()
    headers = bearer(member, "read volunteer")
    assert _post(call, f"/api/v1/wishes/{wish.id}/claim", headers).status_code == 200
    services.withdraw(poster, db.session.get(Wish, wish.id), "已经有人送了")
    db.session.commit()
    assert call("GET", "/api/v1/me/claims", headers).get_json()["items"] == []


def test_an_answer_outside_its_model_is_our_500_and_nothing_stands(app, client, bearer, member,
                                                                   make_wish, monkeypatch):
    from portal.api import wish_views

    wish = make_wish()
    monkeypatch.setattr(wish_views, "_detail", lambda found, role: {"id": found.id})
    answer = client.post(f"/api/v1/wishes/{wish.id}/claim",
                         headers={**bearer(member, "volunteer"), "Idempotency-Key": new_key()})
    assert answer.status_code == 500
    assert answer.get_json()["code"] == "internal_error"
    db.session.expire_all()
    assert db.session.get(Wish, wish.id).claimer_id is None
    assert db.session.query(IdempotentAnswer).count() == 0


def test_a_retry_refused_by_its_own_first_request_gets_the_first_answer(
        call, bearer, member, make_wish, monkeypatch):
    """On PostgreSQL a retry can look for its key before the first request commits, then wait
    on the member's lock and be refused by what the first one did (already_claimed): it
    answers with the first request's answer instead."""
    from portal.api import core

    wish = make_wish()
    headers = {**bearer(member, "volunteer"), "Idempotency-Key": new_key()}
    url = f"/api/v1/wishes/{wish.id}/claim"
    first = call("POST", url, headers)
    looked, real = [], core._answer

    def not_yet(token_id, key):  # the retry's first look: the first had not committed
        looked.append(key)
        return None if len(looked) == 1 else real(token_id, key)

    monkeypatch.setattr(core, "_answer", not_yet)
    again = call("POST", url, headers)
    assert len(looked) == 2
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
