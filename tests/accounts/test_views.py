"""Account pages: registration, login and its rate limit, logout, password, CSRF, redirects."""

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from tests.conftest import once


def users():
    return db.session.scalar(select(func.count(User.id)))


def register_data(tree, **overrides):
    data = {"phone": "13912345678", "name": "王秀英", "home_zone": tree.xinan_building.id,
            "password": "secret123", "confirm": "secret123", "agree": "y"}
    data.update(overrides)
    return data


def test_register_logs_the_resident_in(client, tree):
    response = client.post("/register", data=register_data(tree))
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "王秀英，您好" in home
    assert db.session.scalar(select(User.phone)) == "13912345678"


@pytest.mark.parametrize("overrides, message", [
    ({"phone": "12345"}, "请输入 11 位大陆手机号码"),
    ({"confirm": "different1"}, "两次输入的密码不一致"),
    ({"password": "short", "confirm": "short"}, "密码至少 8 位"),
    ({"agree": ""}, "请先阅读并同意"),
    ({"home_zone": "0"}, "请选择您居住的网格或楼栋"),
    ({"home_zone": "abc"}, "请选择您居住的网格或楼栋"),
    ({"name": ""}, "这一项必须填写"),
])
def test_bad_registration_shows_chinese_message_and_creates_nothing(client, tree, overrides,
                                                                    message):
    response = client.post("/register", data=register_data(tree, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert users() == 0


def test_registering_a_city_zone_as_home_is_refused(client, tree):
    response = client.post("/register", data=register_data(tree, home_zone=tree.xinan.id))
    assert "请选择您居住的网格或楼栋" in response.get_data(as_text=True)
    assert users() == 0


def test_login_wrong_password_says_so_in_chinese(client, make_user):
    user = make_user()
    response = client.post("/login", data={"phone": user.phone, "password": "wrong-one"})
    assert "手机号或密码不正确" in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302


def test_login_returns_to_next_but_never_off_site(client, make_user):
    user = make_user()
    response = client.post("/login?next=/me/party", data={"phone": user.phone,
                                                          "password": "password123"})
    assert response.headers["Location"] == "/me/party"
    client.post("/logout")
    for evil in ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]:
        response = client.post(f"/login?next={evil}", data={"phone": user.phone,
                                                             "password": "password123"})
        assert response.headers["Location"] == "/", evil
        client.post("/logout")


def test_anonymous_is_sent_to_login_and_back(client, make_user):
    response = client.get("/me/party")
    assert response.status_code == 302
    assert "/login?next=%2Fme%2Fparty" in response.headers["Location"]


def test_logout_ends_the_session(client, auth, make_user):
    auth.login(make_user())
    assert client.get("/me").status_code == 200
    auth.logout()
    assert client.get("/me").status_code == 302


def test_logout_needs_post(client, auth, make_user):
    auth.login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/me").status_code == 200


def test_login_is_rate_limited_with_a_chinese_page(client, make_user):
    user = make_user()
    statuses = [client.post("/login", data={"phone": user.phone, "password": "bad-guess"})
                .status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    response = client.post("/login", data={"phone": user.phone, "password": "password123"})
    assert response.status_code == 429
    assert "操作太频繁" in response.get_data(as_text=True)


def test_password_change_logs_out_other_devices(app, make_user, auth):
    user = make_user()
    other_device = app.test_client()
    other_device.post("/login", data={"phone": user.phone, "password": "password123"})
    assert other_device.get("/me").status_code == 200
    auth.login(user)
    response = auth.client.post("/me/password", data={
        "current": "password123", "new": "newsecret9", "confirm": "newsecret9"})
    assert response.status_code == 302
    assert auth.client.get("/me").status_code == 200  # this device stays in
    assert other_device.get("/me").status_code == 302  # the other one is out


def test_wrong_current_password_changes_nothing(client, auth, make_user):
    user = make_user()
    auth.login(user)
    old_hash = user.password_hash
    response = client.post("/me/password", data={"current": "nope", "new": "newsecret9",
                                                  "confirm": "newsecret9"})
    assert "当前密码不正确" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


def test_profile_update(client, auth, make_user, tree):
    user = make_user()
    auth.login(user)
    client.post("/me", data={"name": "王秀英", "home_zone": tree.xinan_grid.id})
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.name, user.home_zone_id) == ("王秀英", tree.xinan_grid.id)


def test_party_declaration_page(client, auth, make_user):
    user = make_user()
    auth.login(user)
    response = client.post("/me/party", data={**once(), "work_unit": "东川区税务局",
                                              "branch": "第二党支部",
                                              "service_posts": ["政策宣传", "助老助残"]})
    assert response.status_code == 302
    page = client.get("/me/party").get_data(as_text=True)
    assert "等待社区核验" in page
    db.session.expire_all()
    assert db.session.get(User, user.id).party.service_posts == ["政策宣传", "助老助残"]


def test_csrf_is_enforced(app, client, make_user):
    user = make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"phone": user.phone, "password": "password123"})
        assert response.status_code == 400
        assert "页面已过期" in response.get_data(as_text=True)
        response = client.post("/prefs/text-size", data={"size": "large"})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_staff_creates_account_and_resident_can_log_in(client, auth, make_user, tree):
    clerk = make_user("clerk", zone=tree.xinan)
    auth.login(clerk)
    response = client.post("/staff/users/new", data={
        "phone": "13800138000", "name": "赵桂兰", "home_zone": tree.xinan_building.id,
        "password": "first-pass1"})
    assert response.status_code == 302
    resident = db.session.scalar(select(User).where(User.phone == "13800138000"))
    assert resident.created_by_id == clerk.id
    auth.logout()
    assert auth.login(resident, "first-pass1").status_code == 302


def test_staff_cannot_create_account_in_another_community(client, auth, make_user, tree):
    clerk = make_user("clerk", zone=tree.xinan)
    auth.login(clerk)
    response = client.post("/staff/users/new", data={
        "phone": "13800138000", "name": "周敏", "home_zone": tree.dongmei_building.id,
        "password": "first-pass1"})
    assert response.status_code == 403
    assert users() == 1


def test_logout_also_forgets_the_remembered_device(client, make_user):
    user = make_user()
    client.post("/login", data={"phone": user.phone, "password": "password123", "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    client.post("/logout")
    assert client.get_cookie("remember_token") is None
    assert client.get("/me").status_code == 302


@pytest.mark.parametrize("stored", ["99999999999999999999.1", "-4.1", "0.1", "x.y", "5"])
def test_a_session_naming_no_possible_user_is_logged_out(client, stored):
    """The session cookie is signed, but the loader still never sends an id the database
    cannot hold (PostgreSQL would refuse it with an error)."""
    with client.session_transaction() as session:
        session["_user_id"] = stored
    response = client.get("/points/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
