"""Server-side logins: a copy of a session or remember-me cookie dies with its login row."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.sessions import LoginSession, hash_token
from portal.audit import AuditEvent
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import PASSWORD


def log_in(client, user, remember=False, password=PASSWORD):
    data = {"phone": user.phone, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data, headers={"User-Agent": "TestPhone/1.0"})
    assert response.status_code == 302
    return response


def cookie(client, name="session") -> str:
    found = client.get_cookie(name)
    assert found is not None, name
    return found.value


def opens_me(app, **cookies) -> bool:
    """Does a fresh browser holding only these cookies (a thief's copy) reach /me?"""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    response = other.get("/me")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def open_rows(user) -> int:
    return db.session.scalar(select(func.count(LoginSession.id)).where(
        LoginSession.user_id == user.id, LoginSession.ended_dt.is_(None)))


def test_a_copied_session_cookie_stops_working_at_logout(app, client, make_user):
    user = make_user()
    log_in(client, user)
    stolen = cookie(client)
    assert opens_me(app, session=stolen)
    client.post("/logout")
    assert client.get("/me").status_code == 302
    assert not opens_me(app, session=stolen)


def test_a_copied_remember_token_stops_working_at_logout(app, client, make_user):
    user = make_user()
    log_in(client, user, remember=True)
    stolen_session, stolen_token = cookie(client), cookie(client, "remember_token")
    assert opens_me(app, remember_token=stolen_token)
    client.post("/logout")
    assert client.get_cookie("remember_token") is None  # Flask-Login deletes this copy
    assert not opens_me(app, remember_token=stolen_token)
    assert not opens_me(app, session=stolen_session, remember_token=stolen_token)


def test_logout_ends_only_that_login(app, make_user):
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, user)
    log_in(laptop, user)
    assert open_rows(user) == 2
    phone.post("/logout")
    assert phone.get("/me").status_code == 302
    assert laptop.get("/me").status_code == 200
    assert open_rows(user) == 1


def test_every_login_is_its_own_row_and_token(app, make_user):
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, user)
    log_in(laptop, user)
    rows = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert len(rows) == 2 and rows[0].token_hash != rows[1].token_hash
    assert {row.user_agent for row in rows} == {"TestPhone/1.0"}
    with phone.session_transaction() as session:
        uid, version, token = session["_user_id"].split(".")
    assert (int(uid), int(version)) == (user.id, user.session_version)
    assert hash_token(token) in {row.token_hash for row in rows}  # the hash, never the token
    assert token not in {row.token_hash for row in rows}


def test_logout_everywhere_ends_every_device_this_one_too(app, client, make_user):
    user = make_user()
    log_in(client, user, remember=True)
    other = app.test_client()
    log_in(other, user, remember=True)
    here = {"session": cookie(client), "remember_token": cookie(client, "remember_token")}
    there_session, there_token = cookie(other), cookie(other, "remember_token")
    html = client.get("/me").get_data(as_text=True)
    assert 'data-testid="logout-everywhere"' in html and "/me/logout-all" in html

    response = client.post("/me/logout-all")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已在所有设备上退出登录" in page
    assert client.get("/me").status_code == 302
    assert other.get("/me").status_code == 302
    assert not opens_me(app, session=there_session)
    assert not opens_me(app, remember_token=there_token)
    assert not opens_me(app, **here)
    assert open_rows(user) == 0
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.subject_id == user.id, AuditEvent.action == "user.end_all_sessions"))
    log_in(client, user)  # and the resident can simply log in again
    assert client.get("/me").status_code == 200


def test_logout_everywhere_needs_a_login(client):
    response = client.post("/me/logout-all")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_changing_the_password_ends_other_devices_but_keeps_this_one(app, client, make_user):
    user = make_user()
    log_in(client, user, remember=True)
    other = app.test_client()
    log_in(other, user, remember=True)
    before = {"session": cookie(client), "remember_token": cookie(client, "remember_token")}
    there_token = cookie(other, "remember_token")
    response = client.post("/me/password", data={"current": PASSWORD, "new": "newsecret1",
                                                 "confirm": "newsecret1"})
    assert response.status_code == 302
    assert client.get("/me").status_code == 200
    assert opens_me(app, remember_token=cookie(client, "remember_token"))  # the new one
    assert other.get("/me").status_code == 302
    assert not opens_me(app, remember_token=there_token)
    assert not opens_me(app, **before)  # a copy of this device's old cookies is dead too


@pytest.mark.parametrize("action", ["reset", "deactivate"])
def test_staff_reset_or_deactivation_ends_the_residents_logins(app, client, auth, make_user,
                                                               tree, action):
    resident = make_user()
    phone = app.test_client()
    log_in(phone, resident, remember=True)
    stolen_token = cookie(phone, "remember_token")
    admin = make_user("admin", zone=tree.xinan)
    auth.login(admin)
    if action == "reset":
        client.post(f"/staff/users/{resident.id}/password", data={"password": "office-pass1"})
    else:
        client.post(f"/staff/users/{resident.id}/active", data={"active": "0"})
        client.post(f"/staff/users/{resident.id}/active", data={"active": "1"})
    assert phone.get("/me").status_code == 302
    assert not opens_me(app, remember_token=stolen_token)
    assert client.get("/staff/").status_code == 200  # the admin's own login is untouched


def test_a_cookie_from_before_the_upgrade_is_refused(client, make_user):
    """'<uid>.<version>' named a user, not a login: everyone logs in once after the upgrade."""
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}.{user.session_version}"
    assert client.get("/me").status_code == 302


def test_a_made_up_token_is_refused(client, make_user):
    user = make_user()
    log_in(client, user)
    with client.session_transaction() as session:
        uid, version, _token = session["_user_id"].split(".")
        session["_user_id"] = f"{uid}.{version}.{'A' * 43}"
    assert client.get("/me").status_code == 302


def test_a_login_ends_after_the_remember_duration(app, client, make_user):
    """Flask-Login never checks a remember-me cookie's age; the loader does."""
    user = make_user()
    log_in(client, user, remember=True)
    token = cookie(client, "remember_token")
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    row.created_dt = utcnow() - timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"] + 60)
    db.session.commit()
    assert client.get("/me").status_code == 302
    assert not opens_me(app, remember_token=token)


def test_a_login_prunes_that_users_ended_and_expired_rows(app, client, make_user):
    user, neighbour = make_user(), make_user()
    old = utcnow() - timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"] + 60)
    db.session.add_all([
        LoginSession(user_id=user.id, token_hash="a" * 64, created_dt=old),
        LoginSession(user_id=user.id, token_hash="b" * 64, ended_dt=utcnow()),
        LoginSession(user_id=user.id, token_hash="c" * 64),  # another device, still open
        LoginSession(user_id=neighbour.id, token_hash="d" * 64, ended_dt=utcnow()),
    ])
    db.session.commit()
    log_in(client, user)
    hashes = set(db.session.scalars(select(LoginSession.token_hash)))
    assert {"a" * 64, "b" * 64}.isdisjoint(hashes)
    assert {"c" * 64, "d" * 64} <= hashes  # a neighbour's rows wait for their own login
    assert len(hashes) == 3


def test_register_opens_a_login_row(client, tree):
    response = client.post("/register", data={
        "phone": "13912345678", "name": "王秀英", "home_zone": tree.xinan_building.id,
        "password": "secret123", "confirm": "secret123", "agree": "y"})
    assert response.status_code == 302
    assert client.get("/me").status_code == 200
    assert db.session.scalar(select(func.count(LoginSession.id))) == 1


def test_the_loader_is_still_one_query_per_request(client, make_user, count_queries):
    user = make_user("admin", party="verified")
    log_in(client, user)
    client.get("/privacy")
    with count_queries() as counter:
        assert client.get("/privacy").status_code == 200
    queries = [s for s in counter.statements if s != "BEGIN"]  # SQLite's explicit BEGIN
    assert len(queries) == 1
    assert "JOIN login_sessions" in queries[0]
