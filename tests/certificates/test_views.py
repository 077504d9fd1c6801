"""The resident's request, the A4 page and PDF, the public verification page and its limit,
the staff pages, and the art. 11 flag."""

import sys
from datetime import timedelta

from sqlalchemy import select

from portal.audit import AuditEvent
from portal.certificates import unrecorded
from portal.certificates.models import Certificate
from portal.extensions import db, limiter
from portal.inbox.models import Message
from portal.types import utcnow
from tests.conftest import once

VALID_ID = "11010519491231002X"


def _request(client, **data):
    return client.post("/certificates/new", data={"period": "all", **data, **once()})


def test_resident_requests_sees_pdf_and_public_page(client, auth, volunteer, serve):
    serve(volunteer, days_ago=12, hours=2)
    auth.login(volunteer)
    assert "开具证明" in client.get("/points/hours").get_data(as_text=True)
    response = _request(client, id_number=VALID_ID)
    assert response.status_code == 302
    certificate = db.session.scalar(select(Certificate))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert certificate.number in page and "1101**********002X" in page
    assert VALID_ID not in page and "<svg" in page
    pdf = client.get(f"/certificates/{certificate.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    auth.logout()
    public = client.get(f"/v/{certificate.number}")
    body = public.get_data(as_text=True)
    assert public.status_code == 200 and 'data-status="valid"' in body
    assert "王**" in body and "王秀英" not in body and "002X" not in body
    assert "桥头市场东入口" not in body  # nothing of the record beyond the summary


def test_others_cannot_open_a_certificate(client, auth, volunteer, serve, make_user, tree):
    serve(volunteer)
    auth.login(volunteer)
    _request(client)
    certificate = db.session.scalar(select(Certificate))
    auth.logout()
    auth.login(make_user())
    assert client.get(f"/certificates/{certificate.id}").status_code == 403
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 403
    auth.logout()
    auth.login(make_user("clerk", zone=tree.dongmei))
    assert client.get(f"/certificates/{certificate.id}").status_code == 403


def test_bad_period_input_is_a_message_not_a_500(client, auth, volunteer, serve):
    serve(volunteer)
    auth.login(volunteer)
    for data in ({"period": "year", "year": "99999999999"}, {"period": "range"},
                 {"period": "x"}, {"period": "year", "year": "abc"},
                 {"period": "all", "id_number": "123"}):
        response = client.post("/certificates/new", data={**data, **once()})
        assert response.status_code == 200
    assert db.session.scalar(select(Certificate)) is None


def test_forged_numbers_say_not_genuine_and_are_rate_limited(app, client):
    limiter.enabled = True
    limiter.reset()
    try:
        app.config["VERIFY_RATE_LIMIT"] = "3 per minute"
        statuses = [client.get("/v/ABCD-EFGH-JKMN-PQRS").status_code for _ in range(4)]
        assert statuses == [404, 404, 404, 429]
    finally:
        app.config["VERIFY_RATE_LIMIT"] = "20 per minute"
        limiter.reset()
    assert "不是真实的证明" in client.get("/v/%3Cscript%3E").get_data(as_text=True)


def test_staff_issue_and_revoke(client, auth, volunteer, serve, make_user, tree):
    serve(volunteer)
    clerk = make_user("clerk", zone=tree.xinan)
    auth.login(clerk)
    response = client.post("/staff/certificates/new",
                           data={"phone": volunteer.phone, "period": "all", **once()})
    assert response.status_code == 302
    certificate = db.session.scalar(select(Certificate))
    assert certificate.issuer_id == clerk.id
    assert certificate.number in client.get("/staff/certificates/").get_data(as_text=True)
    assert client.get(f"/certificates/{certificate.id}.pdf").data.startswith(b"%PDF")
    assert db.session.scalar(select(AuditEvent.summary).where(
        AuditEvent.action == "certificate.pdf")).startswith("下载志愿服务记录证明")
    assert client.post(f"/staff/certificates/{certificate.id}/revoke",
                       data={"reason": "x", **once()}).status_code == 403
    auth.logout()
    auth.login(make_user("admin", zone=tree.xinan))
    client.post(f"/staff/certificates/{certificate.id}/revoke",
                data={"reason": "重复开具", **once()})
    assert 'data-status="revoked"' in client.get(f"/v/{certificate.number}").get_data(
        as_text=True)


def test_unrecorded_services_are_flagged_once(client, auth, volunteer, serve, coordinator,
                                              make_user):
    serve(volunteer, days_ago=40, credit=False)  # checked out, never credited
    serve(make_user(), days_ago=3, credit=False)  # still within 10 working days
    serve(make_user(), days_ago=40)  # recorded
    [row] = unrecorded.find()
    assert row.uncredited == 1 and row.workdays > 10
    assert unrecorded.flag_unrecorded() == 1
    db.session.commit()
    assert unrecorded.flag_unrecorded() == 0
    assert db.session.scalar(select(Message).where(
        Message.user_id == coordinator.id, Message.kind == "certificates.unrecorded"))
    auth.login(coordinator)
    page = client.get("/staff/certificates/unrecorded").get_data(as_text=True)
    assert "1 条签到未入账" in page


def test_confirmed_signup_without_attendance_is_unrecorded(volunteer, serve):
    attendance = serve(volunteer, days_ago=40, credit=False)
    db.session.delete(attendance)
    db.session.commit()
    [row] = unrecorded.find(now=utcnow() + timedelta(days=1))
    assert (row.uncredited, row.unmarked) == (0, 1)


def test_flag_unrecorded_command(runner, volunteer, serve):
    serve(volunteer, days_ago=40, credit=False)
    assert "coordinators told: 1" in runner.invoke(args=["flag-unrecorded"]).output
    assert "coordinators told: 0" in runner.invoke(args=["flag-unrecorded"]).output


def test_without_weasyprint_the_pdf_link_says_so_and_the_page_works(client, auth, volunteer,
                                                                   serve, monkeypatch):
    serve(volunteer)
    auth.login(volunteer)
    _request(client)
    certificate = db.session.scalar(select(Certificate))
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails
    response = client.get(f"/certificates/{certificate.id}.pdf", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "暂时无法生成 PDF" in body
    assert certificate.number in body  # the HTML print page still works
