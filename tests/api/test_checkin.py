"""Check-in by code through the API: the scan desk's own service, scope checkin."""

from portal.checkin.models import Attendance
from portal.extensions import db
from portal.members import codes
from portal.shifts import signups
from tests.api.conftest import new_key


def test_a_coordinator_token_checks_a_volunteer_in(call, bearer, coordinator, make_shift,
                                                   resident, make_user):
    shift = make_shift(hours_from_now=0.1)
    signups.sign_up(resident, shift)
    code = codes.member_code(resident)
    db.session.commit()
    headers = {**bearer(coordinator, "checkin"), "Idempotency-Key": new_key()}
    url = f"/api/v1/checkin/shifts/{shift.id}/scan"
    answer = call("POST", url, headers, json={"code": code})
    assert answer.status_code == 200 and answer.get_json()["ok"] is True
    assert answer.get_json()["outcome"] == "ok"
    assert call("POST", url, headers, json={"code": code}).get_json() == answer.get_json()
    assert db.session.query(Attendance).filter_by(user_id=resident.id).count() == 1
    # a refusal is a scan outcome, as on the desk page
    stranger = make_user()
    other = codes.member_code(stranger)
    db.session.commit()
    refused = call("POST", url, {**headers, "Idempotency-Key": new_key()}, json={"code": other})
    assert refused.status_code == 200 and refused.get_json()["outcome"] == "not_signed_up"
    # a resident's token, even with the scope, manages no shift
    denied = call("POST", url, {**bearer(resident, "checkin"), "Idempotency-Key": new_key()},
                  json={"code": code})
    assert denied.status_code == 403
    assert call("POST", url, {**bearer(coordinator, "read"), "Idempotency-Key": new_key()},
                json={"code": code}).get_json()["code"] == "scope_missing"
