"""200 volunteers check in to one shift within seconds, through a real HTTP server on
PostgreSQL: every one recorded once, no errors."""

import http.client
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from config import TestConfig
from portal import create_app
from portal.checkin import codes
from portal.checkin.models import Attendance, ScanLog
from portal.extensions import db
from portal.shifts import signups
from portal.types import utcnow
from tests.conftest import PASSWORD, pg_only

VOLUNTEERS = 200


@pytest.fixture
def server(app, database_url):
    class ServerConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 40, "max_overflow": 20}
        RATELIMIT_ENABLED = False

    served = create_app(ServerConfig)
    httpd = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    thread.join(timeout=10)
    with served.app_context():
        db.engine.dispose()


def _cookie(response, jar: dict) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _sep, rest = header.partition("=")
        jar[name] = rest.split(";", 1)[0]


def _request(port, method, path, jar, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read().decode()
    _cookie(response, jar)
    conn.close()
    return response.status, response.getheader("Location"), data


@pg_only
def test_200_volunteers_check_in_within_seconds(server, make_user, make_shift):
    shift = make_shift(hours_from_now=10 / 60, capacity=VOLUNTEERS)
    people = [make_user() for _ in range(VOLUNTEERS)]
    for person in people:
        signups.sign_up(person, shift)
    db.session.commit()
    phones = [p.phone for p in people]
    jars = [{} for _ in phones]
    for phone, jar in zip(phones, jars, strict=True):  # everyone is already logged in
        status, _loc, _d = _request(server, "POST", "/login", jar,
                                    urlencode({"phone": phone, "password": PASSWORD}))
        assert status == 302
    path = f"/c/{codes.shift_token(shift.id, utcnow())}"

    def check_in(jar):
        status, location, _d = _request(server, "GET", path, jar)
        assert status == 302 and "/checkin/" in location, (status, location)
        target = re.sub(r"^https?://[^/]+", "", location)
        status, _loc, html = _request(server, "POST", target, jar)
        return status, "签到成功" in html

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(check_in, jars))
    elapsed = time.perf_counter() - started

    assert results == [(200, True)] * VOLUNTEERS
    db.session.rollback()
    assert db.session.scalar(select(func.count(Attendance.id))) == VOLUNTEERS
    assert db.session.scalar(select(func.count(func.distinct(Attendance.user_id)))) == VOLUNTEERS
    assert db.session.scalar(select(func.count(ScanLog.id)).where(
        ScanLog.outcome == "ok")) == VOLUNTEERS
    assert elapsed < 30, f"{VOLUNTEERS} check-ins took {elapsed:.1f} s"
