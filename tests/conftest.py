"""Fixtures: one app per session on a migrated database (SQLite, or TEST_DATABASE_URL),
emptied after every test; factories for zones and users in every role; an auth helper."""

from __future__ import annotations

import itertools
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text
from werkzeug.security import generate_password_hash

from config import TestConfig
from portal import create_app
from portal.accounts.models import PartyMembership, RoleGrant, User
from portal.extensions import db, limiter
from portal.zones.models import Zone

PASSWORD = "password123"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")  # fast in tests
IS_PG = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def reset_database(app) -> None:
    """Drop everything, then build the schema the way production does: migrations."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    from portal.i18n import compile_catalogs

    compile_catalogs()


@pytest.fixture(scope="session")
def database_url():
    with tempfile.TemporaryDirectory(prefix="portal-test-") as tmp:
        yield _database_url(Path(tmp))


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (fresh `g`, its own DB session), as in production.

    Without this, a request would reuse the test's app context: Flask-Login's user would
    linger in `g` between requests and views would share the test's session.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction first, like a separate process: the request sees
        # everything committed, the test sees the request's writes afterwards, and on SQLite
        # the test never holds a stale snapshot it would later try to write from.
        db.session.rollback()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        UPLOAD_FOLDER = tempfile.mkdtemp(prefix="portal-test-uploads-")
        if database_url.startswith("postgresql"):
            # room for the concurrency tests' threads to hold a connection each
            SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 30,
                                         "max_overflow": 70}

    app = create_app(Config)
    app.test_client_class = IsolatedClient
    reset_database(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_tables() -> None:
    db.session.rollback()
    tables = [t.name for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        # The append-only triggers refuse DELETE; lift them for the wipe, then put them back.
        triggers = db.session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, _sql in triggers:
            db.session.execute(text(f"DROP TRIGGER {name}"))
        for name in reversed(tables):
            db.session.execute(text(f"DELETE FROM {name}"))
        for _name, sql in triggers:
            db.session.execute(text(sql))
    db.session.commit()


@pytest.fixture(autouse=True)
def app_ctx(app):
    with app.app_context():
        limiter.reset()
        yield
        db.session.rollback()
        empty_tables()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---------------------------------------------------------------- factories

_seq = itertools.count(1)


def make_zone(name, kind, parent=None, code=None, commit=True) -> Zone:
    zone = Zone(code=code or f"Z{next(_seq):04d}", name=name, kind=kind, parent=parent)
    db.session.add(zone)
    db.session.flush()
    zone.path = f"{parent.path if parent else '/'}{zone.id}/"
    if commit:
        db.session.commit()
    return zone


class Tree:
    """街道 with two communities; each has a grid and a building."""

    def __init__(self):
        self.street = make_zone("东川街道", "street", code="DC")
        self.xinan = make_zone("新安路社区", "community", self.street, code="DC-XA")
        self.xinan_grid = make_zone("新安小区网格", "grid", self.xinan, code="DC-XA-02")
        self.xinan_building = make_zone("新安小区1栋", "building", self.xinan_grid,
                                        code="DC-XA-02-01")
        self.dongmei = make_zone("东梅社区", "community", self.street, code="DC-DM")
        self.dongmei_grid = make_zone("东梅小区网格", "grid", self.dongmei, code="DC-DM-01")
        self.dongmei_building = make_zone("东梅小区8栋", "building", self.dongmei_grid,
                                          code="DC-DM-01-08")


@pytest.fixture
def tree() -> Tree:
    return Tree()


@pytest.fixture
def make_user(tree):
    """make_user(role=None, zone=tree.xinan, home=tree.xinan_building, party=None)."""

    def factory(role: str | None = None, zone: Zone | None = None, home: Zone | None = None,
                party: str | None = None, name: str | None = None) -> User:
        n = next(_seq)
        user = User(
            phone=f"139{n:08d}", name=name or f"测试居民{n}", password_hash=_PASSWORD_HASH,
            home_zone=home or tree.xinan_building,
        )
        db.session.add(user)
        if role == "superadmin":
            db.session.add(RoleGrant(user=user, role=role, zone=None))
        elif role:
            db.session.add(RoleGrant(user=user, role=role, zone=zone or tree.xinan))
        if party:
            db.session.add(PartyMembership(user=user, work_unit="东川区税务局",
                                           branch="第二党支部", status=party))
        db.session.commit()
        return user

    return factory


def once() -> dict[str, str]:
    """A fresh one-time key, as a once-only form carries it (portal.once)."""
    from portal.once import FIELD, new_key

    return {FIELD: new_key()}


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user: User, password: str = PASSWORD):
        return self.client.post("/login", data={"phone": user.phone, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""

    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []

        def _count(conn, cursor, statement, *args):
            counter.count += 1
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", _count)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", _count)

    return counting


@pytest.fixture
def texts(app, monkeypatch) -> list[tuple[str, str]]:
    """The (phone, text) pairs sent during the test, through a recording SMS backend."""
    from tests.inbox.fakes import RecordingSms

    RecordingSms.sent = []
    monkeypatch.setitem(app.config, "SMS_BACKEND", "tests.inbox.fakes:RecordingSms")
    return RecordingSms.sent


pg_only = pytest.mark.skipif(not IS_PG, reason="needs PostgreSQL (TEST_DATABASE_URL)")


def run_concurrently(app, count: int, work) -> list:
    """Run work(i) in `count` threads released together; each gets its own app context and
    session. Returns each call's result, or the DomainError code it raised, in thread order."""
    import threading

    from portal.errors import DomainError

    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(i):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = work(i)
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                results[i] = error.code
            except Exception as error:  # surfaced to the test, never swallowed
                db.session.rollback()
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# ---------------------------------------------------------------- shifts


@pytest.fixture
def coordinator(make_user, tree):
    return make_user("coordinator", zone=tree.xinan, name="陈志强")


@pytest.fixture
def activity(coordinator, tree):
    from portal.shifts import activities

    result = activities.create_activity(coordinator, title="桥头市场周六执勤",
                                        description="维护市场秩序", zone=tree.xinan)
    db.session.commit()
    return result


@pytest.fixture
def make_shift(coordinator, activity, tree):
    """make_shift(hours_from_now=48, length=4, capacity=10, posts=(), zone=None, team=None)."""
    from datetime import timedelta

    from portal.shifts import activities
    from portal.types import utcnow

    def factory(hours_from_now: float = 48, length: float = 4, capacity: int | None = 10,
                posts=(), zone=None, team=None, of=None):
        start = utcnow() + timedelta(hours=hours_from_now)
        shift = activities.add_shift(coordinator, of or activity, start_dt=start,
                                     end_dt=start + timedelta(hours=length), capacity=capacity,
                                     zone=zone or tree.xinan_grid, place="桥头市场东入口",
                                     posts=posts, team=team)
        db.session.commit()
        return shift

    return factory
