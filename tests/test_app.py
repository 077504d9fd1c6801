"""App-wide behaviour: health, headers, error pages, text size, language, config, SQLite."""

import pytest
from sqlalchemy import text

from config import Config, DevConfig, ProductionConfig
from portal import create_app
from portal.extensions import db


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    class Broken(Config):
        SECRET_KEY = "x"
        TESTING = True
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/missing-dir/nope.sqlite3"

    app = create_app(Broken)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    with app.app_context():
        db.engine.dispose()


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "no-store" in response.headers["Cache-Control"]


def test_no_inline_script_in_pages(client, auth, make_user):
    auth.login(make_user("admin"))
    for url in ["/", "/me", "/staff/", "/staff/zones/", "/login"]:
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html, url


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/login", data={"phone": user.phone, "password": "password123"})
    cookies = "\n".join(response.headers.getlist("Set-Cookie"))
    assert "HttpOnly" in cookies and "SameSite=Lax" in cookies


def test_production_cookies_are_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True


@pytest.mark.parametrize("url, status, words", [
    ("/no-such-page", 404, "页面不存在"),
    ("/staff/users/999999", 302, None),
])
def test_error_pages_are_chinese(client, url, status, words):
    response = client.get(url)
    assert response.status_code == status
    if words:
        assert words in response.get_data(as_text=True)


def test_403_page_is_chinese(client, auth, make_user):
    auth.login(make_user())
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "没有权限" in response.get_data(as_text=True)


def test_500_is_a_chinese_page_without_a_stack_trace(app, client, monkeypatch):
    def boom():
        raise RuntimeError("secret internals")

    monkeypatch.setitem(app.view_functions, "main.privacy", boom)
    response = client.get("/privacy")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "系统出错了" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_large_text_is_remembered_across_pages(client):
    assert 'class="normal-text"' in client.get("/").get_data(as_text=True)
    response = client.post("/prefs/text-size", data={"size": "large", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert 'class="large-text"' in client.get("/privacy").get_data(as_text=True)
    client.post("/prefs/text-size", data={"size": "normal", "next": "/"})
    assert 'class="normal-text"' in client.get("/").get_data(as_text=True)


def test_preference_redirect_stays_on_site(client):
    response = client.post("/prefs/text-size", data={"size": "large",
                                                     "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_english_is_available(client):
    client.post("/prefs/lang", data={"lang": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert "Log in" in html and 'lang="en"' in html
    client.post("/prefs/lang", data={"lang": "xx"})
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    class Prod(ProductionConfig):
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Prod)


def test_development_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    import config

    monkeypatch.setattr(config, "INSTANCE_PATH", tmp_path)

    class Dev(DevConfig):
        SECRET_KEY = None

    first, second = {}, {}
    Dev.ensure_secret_key(first)
    Dev.ensure_secret_key(second)
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_static_urls_carry_a_content_hash(client):
    html = client.get("/").get_data(as_text=True)
    assert "/static/css/app.css?v=" in html
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    response.close()


def test_no_external_assets(client):
    html = client.get("/").get_data(as_text=True)
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_a_nul_byte_in_any_form_is_a_clear_400(client, auth, make_user):
    resident = make_user()
    auth.login(resident)
    response = client.post("/me", data={"name": "王\x00秀英", "home_zone": "1"})
    assert response.status_code == 400
    assert "提交的内容无法处理" in response.get_data(as_text=True)
    assert client.get("/shifts/?day=%00").status_code == 400
    # in the path too: PostgreSQL refuses NUL in a text comparison (the public 晒账 by code)
    assert client.get("/cases/public/%00").status_code == 400


@pytest.mark.parametrize("path", ["/points/", "/inbox/", "/shifts/", "/staff/users",
                                  "/staff/audit"])
def test_a_huge_or_junk_page_number_is_not_an_error(client, auth, make_user, path):
    auth.login(make_user("admin"))
    for page in ("99999999999999999999", "-5", "abc"):
        assert client.get(f"{path}?page={page}").status_code == 200, (path, page)


HUGE = "99999999999999999999"


def test_a_huge_id_in_any_url_is_not_found(app, client, auth, make_user):
    """Every <int:...> in every route is capped: a number past the database's integers matches
    no route (404, or 405 where a route of the other method shares the path), never an
    overflow (a 500 on SQLite)."""
    auth.login(make_user("superadmin"))
    import re

    tried = 0
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        url = re.sub(r"<int:\w+>", HUGE, rule.rule)
        url = re.sub(r"<any\(([\w]+)[^>]*\):\w+>", r"\1", url)
        url = re.sub(r"<(?:path:)?\w+>", "x", url)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        assert response.status_code in (404, 405), (url, response.status_code)
        tried += 1
    assert tried > 40


@pytest.mark.parametrize("url", ["/staff/points/awards/new?user=" + HUGE,
                                 "/staff/zones/new?parent=" + HUGE,
                                 "/wishes/?zone=" + HUGE])
def test_a_huge_number_in_the_query_is_ignored(client, auth, make_user, url):
    auth.login(make_user("superadmin"))
    assert client.get(url).status_code == 200, url


def test_the_bottom_bar_lights_the_tab_of_every_page(app):
    """Every blueprint's pages light a tab (the shop under 积分, wishes under 首页, the
    counter and every staff page under 管理)."""
    from portal.web.navigation import NAV_TABS, nav_tab

    assert set(NAV_TABS) | {"main"} == set(app.blueprints)
    assert nav_tab("shop_counter.counter_page") == "staff" and nav_tab("shop.catalogue") == \
        "points" and nav_tab("wishes.wall") == "home" and nav_tab("main.index") == "home"
    assert nav_tab("main.privacy") == "" and nav_tab(None) == ""
    assert nav_tab("cases_reception.index") == "home"  # a resident booking a reception
    assert nav_tab("cases_reception.slot") == "staff"  # staff logging it
    assert nav_tab("council_meetings.desk") == "staff"  # the meeting desk
    assert nav_tab("council_meetings.meeting") == "home"  # a member's vote page
    # every staff URL of a shared blueprint lights 管理
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff/") and "GET" in rule.methods:
            assert nav_tab(rule.endpoint) == "staff", rule.rule


def test_the_shop_page_marks_its_tab(client, auth, make_user):
    auth.login(make_user())
    html = client.get("/shop/").get_data(as_text=True)
    current = html.split('aria-current="page"')[1][:300]
    assert "积分" in current.split("</a>")[0]


def test_gunicorn_settings_load_with_gunicorn_itself(monkeypatch):
    """gunicorn.conf.py is what production and the benchmark run: gunicorn must accept it."""
    from pathlib import Path

    from gunicorn.config import Config as GunicornConfig

    monkeypatch.setenv("WEB_WORKERS", "3")
    path = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
    settings = {}
    exec(compile(path.read_text(), str(path), "exec"), settings)
    config = GunicornConfig()
    for name in ("bind", "worker_class", "workers", "threads", "keepalive", "timeout"):
        config.set(name, settings[name])
    assert config.worker_class_str == "gthread" and config.workers == 3
    assert config.keepalive >= 5 and config.threads >= 2
