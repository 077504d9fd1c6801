"""Login and registration limits hold across gunicorn's workers, in SQLite and in Redis."""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from limits import parse
from limits.errors import ConfigurationError
from limits.storage import storage_from_string

import config
from portal import ratelimit
from portal.ratelimit import SQLiteStorage

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # gunicorn and flask live beside this interpreter
REDIS_URL = "redis://127.0.0.1:6379/9"
WORKERS = 4
TRIES = 6
#: small, so the test is quick; counted per worker, four workers would let all TRIES through
LIMITS = {
    "LOGIN_PHONE_RATE_LIMIT": "3 per minute",
    "LOGIN_RATE_LIMIT": "4 per minute",
    "REGISTER_PHONE_RATE_LIMIT": "2 per hour",
    "REGISTER_RATE_LIMIT": "3 per hour",
}


def allowed(name: str) -> int:
    return parse(LIMITS[name]).amount


# ---------------------------------------------------------------- the storage itself


@pytest.fixture
def storage(tmp_path):
    store = SQLiteStorage(f"sqlite:///{tmp_path}/rl/ratelimits.sqlite3")
    yield store
    store.close()


def test_the_sqlite_scheme_is_registered_with_limits(tmp_path):
    store = storage_from_string(f"sqlite:///{tmp_path}/ratelimits.sqlite3")
    assert isinstance(store, SQLiteStorage)
    assert store.check()
    store.close()
    for uri in ("sqlite:///", "sqlite://relative.sqlite3"):
        with pytest.raises(ConfigurationError):
            SQLiteStorage(uri)


def test_counts_expire_and_are_cleared(storage, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(ratelimit, "_now", lambda: clock[0])
    assert [storage.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("a", 60, amount=2) == 5
    assert storage.get("a") == 5 and storage.get("unknown") == 0
    assert storage.get_expiry("a") == 1060.0
    assert storage.get_expiry("unknown") == 1000.0

    clock[0] = 1060.0  # the window is over: the count restarts with a new window
    assert storage.get("a") == 0
    assert storage.incr("a", 60) == 1
    assert storage.get_expiry("a") == 1120.0

    storage.clear("a")
    assert storage.get("a") == 0
    storage.incr("b", 60)
    storage.incr("c", 60)
    assert storage.reset() == 2
    assert storage.get("b") == 0


def test_two_connections_share_one_count(storage):
    other = SQLiteStorage(f"sqlite:///{storage.path}")
    try:
        assert storage.incr("k", 60) == 1
        assert other.incr("k", 60) == 2
        assert storage.get("k") == other.get("k") == 2
    finally:
        other.close()


WORKER_SCRIPT = """
import sys
from portal.ratelimit import SQLiteStorage
store = SQLiteStorage(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
print(" ".join(str(store.incr("k", 60)) for _ in range(int(sys.argv[2]))))
store.close()
"""


def test_processes_incrementing_at_once_never_get_the_same_count(storage):
    """Four processes, released together: every increment gets its own number."""
    each = 200
    procs = [subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, f"sqlite:///{storage.path}",
                               str(each)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for _ in range(4)]
    counts: list[int] = []
    try:
        for proc in procs:
            assert proc.stdout.readline() == "ready\n"
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.close()
        for proc in procs:
            counts += [int(n) for n in proc.stdout.read().split()]
            assert proc.wait(timeout=30) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
            proc.stdout.close()
            if not proc.stdin.closed:
                proc.stdin.close()
    assert sorted(counts) == list(range(1, 4 * each + 1))
    assert storage.get("k") == 4 * each


def test_a_broken_file_says_so_instead_of_counting(tmp_path):
    (tmp_path / "not-a-folder").write_text("")
    store = SQLiteStorage(f"sqlite:///{tmp_path}/not-a-folder/ratelimits.sqlite3")
    assert store.check() is False
    with pytest.raises(store.base_exceptions):
        store.incr("k", 60)
    store.close()


def test_the_storage_is_shared_unless_told_otherwise(tmp_path):
    uri, options = config.ratelimit_storage_uri, config.ratelimit_storage_options
    assert uri({}, tmp_path) == f"sqlite:///{tmp_path}/ratelimits.sqlite3"
    assert uri({"REDIS_URL": "redis://127.0.0.1:6379/0"}, tmp_path) == "redis://127.0.0.1:6379/0"
    assert uri({"REDIS_URL": "redis://r/0", "RATELIMIT_STORAGE_URI": "memory://"},
               tmp_path) == "memory://"
    assert options("redis://127.0.0.1:6379/0")["socket_timeout"] == 1
    assert options(f"sqlite:///{tmp_path}/x") == {}
    assert config.TestConfig.RATELIMIT_STORAGE_URI == "memory://"
    for name, served in config.CONFIGS.items():  # every environment that serves shares
        if name != "testing":
            assert served.RATELIMIT_STORAGE_URI == config.SHARED_RATELIMIT_STORAGE_URI, name


def test_registration_is_limited_per_phone_with_a_chinese_page(client, app):
    data = {"phone": "13912345678", "name": "王秀英", "home_zone": 0,
            "password": "secret123", "confirm": "secret123", "agree": "y"}
    limit = parse(app.config["REGISTER_PHONE_RATE_LIMIT"]).amount
    statuses = [client.post("/register", data=data).status_code for _ in range(limit + 1)]
    assert 429 not in statuses[:limit] and statuses[limit] == 429
    response = client.post("/register", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and "操作太频繁" in html and "60 分钟" in html
    assert int(response.headers["Retry-After"]) > 60


# ---------------------------------------------------------------- real gunicorn


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(port, method, path, *, address, body=None, cookie=""):
    """One request on a new connection (no keep-alive): as a fresh client would."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Connection": "close", "X-Forwarded-For": address}
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
        return response.status, "; ".join(c.split(";", 1)[0] for c in cookies), html
    finally:
        conn.close()


HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
ATTR = re.compile(r'(name|value)="([^"]*)"')


def _submit(port, path, fields, address) -> tuple[int, str]:
    """GET the form for its session cookie and hidden fields (the CSRF token), then POST it,
    each on its own connection. Returns the POST's status and page."""
    status, cookie, html = _request(port, "GET", path, address=address)
    assert status == 200, html[:300]
    hidden = {}
    for tag in HIDDEN.findall(html):
        attrs = dict(ATTR.findall(tag))
        hidden[attrs["name"]] = attrs.get("value", "")
    assert "csrf_token" in hidden
    status, _cookie, html = _request(port, "POST", path, address=address, cookie=cookie,
                                     body=urlencode({**hidden, **fields}))
    return status, html


@dataclass
class Server:
    port: int
    access_log: Path
    log: Path

    def worker_pids(self, path_prefix: str = "") -> set[str]:
        lines = self.access_log.read_text().splitlines()
        return {line.split()[0] for line in lines if line.split()[2].startswith(path_prefix)}


class Run:
    """Numbers unique to this test run: concurrent runs sharing Redis never meet."""

    def __init__(self):
        self.tag = f"{random.randrange(10**5):05d}"
        self.net = f"10.{random.randrange(256)}.{random.randrange(256)}"
        self._n = 0

    def phone(self) -> str:
        self._n += 1
        return f"13{self.tag}{self._n:04d}"

    def address(self) -> str:
        self._n += 1
        return f"{self.net}.{self._n % 250 + 1}"


@pytest.fixture(scope="module")
def run():
    return Run()


def _server_env(tmp: Path, database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"REDIS_URL", "RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED"}}
    env.update(PORTAL_ENV="production", SECRET_KEY="rate-limit-test-key", DATABASE_URL=database_url,
               INSTANCE_PATH=str(tmp / "instance"), PROXY_COUNT="1", **LIMITS, **extra)
    return env


def _flask(env, *args):
    done = subprocess.run([str(BIN / "flask"), "--app", "portal", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def database(tmp_path_factory, run):
    """A migrated SQLite database with one registered resident; returns (url, that phone)."""
    if not (BIN / "gunicorn").exists():
        pytest.skip("gunicorn is not installed in this environment")
    tmp = tmp_path_factory.mktemp("ratelimit-db")
    url = f"sqlite:///{tmp / 'portal.sqlite3'}"
    env = _server_env(tmp, url)
    _flask(env, "db", "upgrade")
    phone = run.phone()
    _flask(env, "create-admin", "--phone", phone, "--name", "限流测试", "--password", "secret123")
    return url, phone


@contextmanager
def gunicorn(tmp: Path, database_url: str, workers: int = WORKERS, **extra):
    """gunicorn as production starts it, with `workers` processes all answering."""
    port = _free_port()
    server = Server(port, tmp / "access.log", tmp / "gunicorn.log")
    env = _server_env(tmp, database_url, WEB_WORKERS=str(workers), BIND=f"127.0.0.1:{port}",
                      **extra)
    with server.log.open("w") as log:
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket",
             "--access-logfile", str(server.access_log),
             "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "portal:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # a worker needs a few seconds of CPU to load the app; with 2 cores shared with other
        # work (CI ran out of 40 s while other suites ran beside it), allow plenty
        deadline = time.monotonic() + 120
        # /healthz over new connections until every worker has answered one: only then can
        # each attempt land on any of them
        while True:
            assert proc.poll() is None, server.log.read_text()[-2000:]
            assert time.monotonic() < deadline, "gunicorn's workers did not all come up"
            try:
                _request(port, "GET", "/healthz", address="127.0.0.1")
                if len(server.worker_pids("/healthz")) >= workers:
                    break
            except OSError:
                pass
            time.sleep(0.1)  # leave the cores to the workers still starting
        yield server
    finally:
        proc.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is in flight
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # no worker outlives the test
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _statuses(attempts) -> list[int]:
    return [status for status, _html in attempts]


def _assert_limited(attempts, limit_name: str, normal: int = 200) -> str:
    """Exactly the configured number answered normally, in order; the rest refused."""
    n = allowed(limit_name)
    assert _statuses(attempts) == [normal] * n + [429] * (TRIES - n), limit_name
    html = attempts[-1][1]
    assert "操作太频繁" in html, html[:300]
    return html


def _check_all_limits(server: Server, run: Run, registered_phone: str) -> None:
    bad = {"password": "wrong-guess"}
    one_phone = run.phone()
    _assert_limited([_submit(server.port, "/login", {"phone": one_phone, **bad}, run.address())
                     for _ in range(TRIES)], "LOGIN_PHONE_RATE_LIMIT")
    one_address = run.address()
    _assert_limited([_submit(server.port, "/login", {"phone": run.phone(), **bad}, one_address)
                     for _ in range(TRIES)], "LOGIN_RATE_LIMIT")

    # The phone is taken: each answer that is not refused says so.
    form = {"name": "限流测试", "password": "secret123", "confirm": "secret123", "agree": "y",
            "home_zone": "0"}
    html = _assert_limited([_submit(server.port, "/register", {"phone": registered_phone, **form},
                                    run.address()) for _ in range(TRIES)],
                           "REGISTER_PHONE_RATE_LIMIT")
    assert "60 分钟" in html
    one_address = run.address()
    _assert_limited([_submit(server.port, "/register", {"phone": run.phone(), **form},
                             one_address) for _ in range(TRIES)], "REGISTER_RATE_LIMIT")

    answered_by = server.worker_pids("/login") | server.worker_pids("/register")
    assert len(answered_by) > 1, "every attempt landed on one worker: nothing was shared"


@pytest.fixture
def redis_client(run):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        reason = f"Redis is not reachable at {REDIS_URL}: {error}"
        if os.environ.get("REQUIRE_REDIS"):  # .ci/run starts Redis: there it must be up
            pytest.fail(reason)
        pytest.skip(reason + "; set REQUIRE_REDIS=1 to make this an error")
    try:
        yield client
    finally:
        # only this run's keys: its phone numbers and its addresses are in every one of them
        for pattern in (f"*13{run.tag}*", f"*{run.net}.*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)
        client.close()


def test_limits_hold_across_workers_with_the_embedded_sqlite_storage(tmp_path, database, run):
    url, registered = database
    with gunicorn(tmp_path, url) as server:
        _check_all_limits(server, run, registered)
    assert (tmp_path / "instance" / "ratelimits.sqlite3").exists()


def test_limits_hold_across_workers_with_redis(tmp_path, database, run, redis_client):
    url, registered = database
    with gunicorn(tmp_path, url, REDIS_URL=REDIS_URL) as server:
        _check_all_limits(server, run, registered)
    assert any(redis_client.scan_iter(match=f"*phone:13{run.tag}*", count=1000))
    assert not (tmp_path / "instance" / "ratelimits.sqlite3").exists()


def test_a_broken_storage_falls_back_to_counting_in_the_worker(tmp_path, database, run):
    """Fail-open to per-worker counting, never a 500: one worker, so its count is exact."""
    url, _registered = database
    (tmp_path / "not-a-folder").write_text("")
    broken = f"sqlite:///{tmp_path}/not-a-folder/ratelimits.sqlite3"
    with gunicorn(tmp_path, url, workers=1, RATELIMIT_STORAGE_URI=broken) as server:
        phone = run.phone()
        attempts = [_submit(server.port, "/login", {"phone": phone, "password": "wrong-guess"},
                            run.address()) for _ in range(TRIES)]
        _assert_limited(attempts, "LOGIN_PHONE_RATE_LIMIT")
    assert "falling back to in-memory storage" in server.log.read_text()
