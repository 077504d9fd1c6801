"""Load benchmark of the hot paths next to a bare endpoint of the same app, in one run.

    .venv/bin/python bench/run.py [--db URL] [--clients 50] [--seconds 10] [--workers 4]

Builds a fresh database (migrations + seed-demo), starts gunicorn on 127.0.0.1, logs a demo
resident in, then drives each endpoint with N concurrent keep-alive clients for a fixed time.
Prints a Markdown table: requests/s, p50/p95/p99 latency, and the CPU milliseconds that
gunicorn and PostgreSQL spent per request (from /proc), per endpoint. Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

#: (label, path, needs login). Check-in and the counter join as they land.
ENDPOINTS = [
    ("bare endpoint (/ping)", "/ping", False),
    ("health check, one DB round trip (/healthz)", "/healthz", False),
    ("passbook page (/points/)", "/points/", True),
    ("shift list (/shifts/?zone=0), 20 shifts a page", "/shifts/?zone=0", True),
    ("public 台账 page, no login (/cases/public/DC-XA): 30 of this month's matters a page "
     "and the month's figures over all of them (seed_load files 240)", "/cases/public/DC-XA",
     False),
]

#: filing a matter (提单): the resident's own form (its second step, category and place chosen:
#: bench/seed_load.py names it), each post a new matter
FILING_ACTION = "/cases/new"
FILING_LABEL = ("filing a matter (POST /cases/new), a new matter each time, a fresh one-time key "
                "each (Python driver)")
#: what a resident types into the filing form's text fields, by field name
FILING_TEXT = {"title": "楼道灯不亮了", "details": "3单元二楼到四楼的楼道灯晚上都不亮。",
               "place": "3单元楼道"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> dict:
    flask = [str(BIN / "flask"), "--app", "portal"]
    for args in (["compile-translations"], ["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + args, env=env, cwd=ROOT, check=True, capture_output=True)
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "seed_load.py")], env=env,
                          cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def fetch(port: int, path: str, cookie: str) -> tuple[str, str | None, str]:
    """GET with the cookie; returns the cookie as updated by the response (the session
    carries the CSRF token), the redirect target, and the body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return cookies_after(cookie, response), response.getheader("Location"), body


def cookies_after(cookie: str, response: http.client.HTTPResponse) -> str:
    """The Cookie header as the response's Set-Cookie headers leave it."""
    jar = dict(part.split("=", 1) for part in cookie.split("; ") if "=" in part)
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _sep, rest = header.partition("=")
        jar[name] = rest.split(";", 1)[0]
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    return found.group(1)


def check_in_targets(env: dict, info: dict, port: int, resident: str, coordinator: str):
    """(label, path, cookie, body, accept) for the self check-in and the coordinator's scan."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from portal import create_app
    from portal.checkin import codes
    from portal.members import codes as members
    from portal.types import utcnow

    app = create_app()
    with app.app_context():
        token = codes.shift_token(info["live_shift_id"], utcnow())
    resident, location, _body = fetch(port, f"/c/{token}", resident)
    target = re.sub(r"^https?://[^/]+", "", location)
    resident, _l, page = fetch(port, target, resident)
    self_body = urlencode({"csrf_token": csrf_of(page)})
    scan_path = f"/staff/checkin/{info['live_shift_id']}/scan"
    coordinator, _l, page = fetch(port, scan_path, coordinator)
    scan_csrf = csrf_of(page)

    def scan_body() -> str:
        """Minted when its run starts: a member code rotates every minute, and with long runs
        one minted up front would be refused as expired by the time it is used."""
        with app.app_context():
            member = members.member_token(info["member_key"], utcnow())
        return urlencode({"csrf_token": scan_csrf, "code": member})

    return [
        ("self check-in (POST /checkin/<pass>), repeat scans", target, resident, self_body,
         "text/html"),
        ("coordinator scan (POST /staff/checkin/<id>/scan, JSON)", scan_path, coordinator,
         scan_body, "application/json"),
    ]


def expect_repeat_scan(port: int, path: str, cookie: str | None, body: str,
                       accept: str) -> None:
    """A check-in row must time repeat scans that the app accepts, not refusals (an expired
    code is refused quickly, and its row would look faster than a check-in is)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    if accept == "text/plain":  # the floor (bench/floor_app.py) answers its outcome code
        accepted = response.status == 200 and text == "already_checked_in"
    elif accept == "application/json":
        accepted = response.status == 200 and json.loads(text).get("outcome") in (
            "already_checked_in", "checked_out", "ok")
    else:
        accepted = response.status == 200 and "已经签到过了" in text
    if not accepted:
        raise SystemExit(f"{path} does not answer a repeat scan: {response.status} {text[:200]}")


def _post(conn: http.client.HTTPConnection, path: str, cookie: str, fields: dict):
    """POST a form on a kept-alive connection; returns (status, cookie as updated, Location)."""
    conn.request("POST", path, body=urlencode(fields), headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    return response.status, cookies_after(cookie, response), response.getheader("Location")


def drive_counter(port: int, info: dict, clerk: str, customers: list[str], clients: int,
                  seconds: float) -> dict:
    """The counter's confirm step, each one a real sale. A confirm sent twice with one cart
    sells once (its one-time key), so every client builds a fresh cart per sale (identify by
    member code, add one good) and only the confirm is timed: the account lock, the key and
    limit checks, a stock move, a ledger spend and a receipt. Client i serves customer
    i mod len(customers) (member codes of the shop's residents), so sales spread over residents
    as at a real counter. Python threads drive it, since each sale is three requests with the
    cookie carried between them."""
    base = f"/staff/shop/{info['shop_id']}/counter"
    clerk, _l, page = fetch(port, base, clerk)  # the session now holds the CSRF token
    token = csrf_of(page)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(member: str):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        cookie, mine, sales = clerk, [], set()
        while time.perf_counter() < deadline:
            try:
                _s, cookie, _l = _post(conn, base + "/identify", cookie,
                                       {"csrf_token": token, "code": member})
                _s, cookie, _l = _post(conn, base + "/cart", cookie, {
                    "csrf_token": token, "good_id": info["good_id"], "action": "more"})
                start = time.perf_counter()
                status, cookie, receipt = _post(conn, base + "/confirm", cookie,
                                                {"csrf_token": token})
                took = time.perf_counter() - start
                ok = status == 302 and "/redemptions/" in (receipt or "") \
                    and receipt not in sales  # a new receipt: a real sale, not a replay
            except (OSError, http.client.HTTPException):
                ok, receipt = False, None
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            if ok:
                sales.add(receipt)
                mine.append(took)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    elapsed = run_threads([threading.Thread(target=client, args=(customers[i % len(customers)],))
                           for i in range(clients)])
    return summary(latencies, errors[0], elapsed)


class _FormFields(HTMLParser):
    """The POST forms of a page: [(action, [(name, value)])], filled in as a resident would
    (the hidden fields as drawn, the first choice of a list, a tick in a check box, the text
    of FILING_TEXT); no file is sent."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None  # the open POST form's
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._fields = None
            if (attrs.get("method") or "").lower() == "post":
                self._fields = []
                self.forms.append((attrs.get("action") or "", self._fields))
            return
        fields, name = self._fields, attrs.get("name")
        if fields is None:
            return
        if tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            if not any(field == self._select for field, _v in fields):
                fields.append((self._select, attrs["value"]))
        elif tag == "textarea" and name:
            fields.append((name, FILING_TEXT.get(name, "测试")))
        elif tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "hidden":
                fields.append((name, attrs.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                if not any(field == name for field, _v in fields):
                    fields.append((name, attrs.get("value") or "y"))
            elif kind not in ("file", "submit", "button", "reset"):
                fields.append((name, FILING_TEXT.get(name, "测试")))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._fields = None


def filing_form(port: int, cookie: str, path: str
                ) -> tuple[str, str, list[tuple[str, str]]] | None:
    """(cookie, action, fields) of the resident's filing form at `path`; None when the page
    has no such form (the row is skipped)."""
    cookie, _l, html = fetch(port, path, cookie)
    parser = _FormFields()
    parser.feed(html)
    for action, fields in parser.forms:
        if any(name == "title" for name, _v in fields):
            return cookie, action or FILING_ACTION, fields
    return None


def drive_filing(port: int, cookie: str, action: str, fields: list[tuple[str, str]],
                 clients: int, seconds: float) -> dict:
    """Each post files a new matter: the form's one-time key is fresh every time (a key
    sent twice is answered with the first matter, once only), and only an answer that
    sends the resident to a matter not seen before counts."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    matter = re.compile(r"/cases/\d+$")

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, seen = [], set()
        while time.perf_counter() < deadline:
            body = [(name, secrets.token_urlsafe(16) if name == "once_key" else value)
                    for name, value in fields]
            start = time.perf_counter()
            try:
                status, _c, answer = _post(conn, action, cookie, dict(body))
                ok = status == 302 and bool(matter.search(answer or "")) and answer not in seen
            except (OSError, http.client.HTTPException):
                ok, answer = False, None
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            if ok:
                seen.add(answer)
                mine.append(time.perf_counter() - start)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    elapsed = run_threads([threading.Thread(target=client) for _ in range(clients)])
    return summary(latencies, errors[0], elapsed)


def login(port: int, phone: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    body = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body) or \
        re.search(r'name="csrf_token" value="([^"]+)"', body)
    form = urlencode({"csrf_token": token.group(1), "phone": phone, "password": password})
    conn.request("POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"login failed: {response.status}")
    cookies = [c.split(";")[0] for c in response.headers.get_all("Set-Cookie")]
    return "; ".join(cookies)


def drive(port: int, path: str, cookie: str | None, clients: int, seconds: float,
          body: str | None = None, accept: str = "text/html"):
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Cookie": cookie} if cookie else {}
        headers["Accept"] = accept
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        mine = []
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                conn.request("POST" if body is not None else "GET", path, body=body,
                             headers=headers)
                response = conn.getresponse()
                response.read()
                # A form POST that worked answers 200 or redirects (the receipt); a failure is
                # a 4xx or 5xx page.
                ok = response.status == 200 or (body is not None and response.status == 302)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            if ok:
                mine.append(time.perf_counter() - start)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    elapsed = run_threads([threading.Thread(target=client) for _ in range(clients)])
    return summary(latencies, errors[0], elapsed)


def run_threads(threads: list[threading.Thread]) -> float:
    """Start the clients together and wait for them; returns the seconds it took."""
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def summary(latencies: list[float], errors: int, elapsed: float) -> dict:
    """Requests a second and p50/p95/p99 in milliseconds, as the tables print them."""
    latencies = sorted(latencies)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {"rps": len(latencies) / elapsed, "p50": statistics.median(latencies) * 1000,
            "p95": pct(0.95), "p99": pct(0.99), "n": len(latencies), "errors": errors}


def stat_fields(stat: str) -> list[str]:
    """/proc/<pid>/stat's fields after the name (which may hold spaces or ")"): [0] is the
    state, [1] the parent pid, [11] and [12] the user and system CPU ticks."""
    return stat[stat.rindex(")") + 2:].split()


def cpu_ticks(server_pid: int, postmaster_pid: int | None) -> dict[int, tuple[str, int]] | None:
    """{pid: ("app" | "db", CPU ticks so far)} for gunicorn (its master and workers) and for
    the benchmark's PostgreSQL (its postmaster and that postmaster's children, not any other
    cluster on the host); None where there is no /proc."""
    proc = Path("/proc")
    if not (proc / str(server_pid)).exists():
        return None
    found = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat_fields(stat)
        pid, parent = int(entry.name), int(fields[1])
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        if server_pid in (pid, parent):
            found[pid] = ("app", ticks)
        elif postmaster_pid is not None and postmaster_pid in (pid, parent):
            found[pid] = ("db", ticks)
    return found


def measured(server_pid: int, postmaster_pid: int | None, drive_once) -> dict:
    """Runs one endpoint's drive and adds the CPU milliseconds per answered request, for the
    app and (on PostgreSQL) the database. Per process: one that started during the run counts
    in full, one that ended during it is missed (so the numbers can only be low)."""
    before = cpu_ticks(server_pid, postmaster_pid)
    result = drive_once()
    after = cpu_ticks(server_pid, postmaster_pid)
    if before is None or after is None:
        return result
    used = {"app": 0, "db": 0}
    for pid, (group, ticks) in after.items():
        used[group] += ticks - before.get(pid, (group, 0))[1]
    per_request = 1000 / os.sysconf("SC_CLK_TCK") / max(result["n"], 1)
    result["app_ms"] = used["app"] * per_request
    if postmaster_pid is not None:
        result["db_ms"] = used["db"] * per_request
    return result


def postmaster_of(url: str) -> int | None:
    """The PostgreSQL server's main process, when it runs on this host (its pid is the parent
    of our own backend's); None for SQLite or a server elsewhere."""
    if not url.startswith("postgresql"):
        return None
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:  # read while the backend lives: it ends with the conn
            backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            try:
                stat = Path(f"/proc/{backend}/stat").read_text()
            except OSError:  # not on this host
                return None
    finally:
        engine.dispose()
    return int(stat_fields(stat)[1])


def row(label: str, r: dict) -> str:
    cpu = " | ".join(f"{r[k]:.2f}" if k in r else "–" for k in ("app_ms", "db_ms"))
    return (f"| {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{cpu} | {r['n']} | {r['errors']} |")


WRK_SCRIPT = """
wrk.method = "%(method)s"
wrk.body = %(body)s
wrk.headers["Accept"] = "%(accept)s"
%(extra)s
%(delay)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%.3f %%.3f %%.3f\\n", summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def drive_wrk(port: int, path: str, cookie: str | None, clients: int, seconds: float,
              body: str | None = None, accept: str = "text/html", think_ms: int = 0):
    """The same measurement with wrk (C, event loop), so the load generator takes far less of
    the cores it shares with the server and PostgreSQL.

    With `think_ms`, each client pauses a random 0.5-1.5x that long after every answer, as
    a person does between scans; latency is still timed from request to answer only."""
    extra = []
    if cookie:
        extra.append(f'wrk.headers["Cookie"] = "{cookie}"')
    if body is not None:
        extra.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
    script = WRK_SCRIPT % {"method": "POST" if body is not None else "GET",
                           "body": json.dumps(body) if body is not None else "nil",
                           "accept": accept, "extra": "\n".join(extra),
                           "delay": (f"delay = function() return math.random({think_ms // 2}, "
                                     f"{think_ms * 3 // 2}) end" if think_ms else "")}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{max(int(seconds), 1)}s",
                              "-s", handle.name, f"http://127.0.0.1:{port}{path}"],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    _tag, n, errors, micros, p50, p95, p99 = line.split()
    n, errors = int(n), int(errors)
    return {"rps": n / (int(micros) / 1e6), "p50": float(p50), "p95": float(p95),
            "p99": float(p99), "n": n - errors, "errors": errors}


def serve(app_spec: str, port: int, knobs: list[str], env: dict) -> subprocess.Popen:
    """gunicorn with production's settings (gunicorn.conf.py) on loopback, once it listens."""
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), *knobs,
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
        cwd=ROOT, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server


FLOOR_LABEL = ("check-in floor: the same statements, no login, no page (bench/floor_app.py, "
               "its own gunicorn)")


def floor_row(env: dict, info: dict, knobs: list[str], postmaster: int | None, run,
              args) -> str:
    """The floor under a repeat self check-in (see bench/floor_app.py), driven like it."""
    port = free_port()
    server = serve("bench.floor_app:create_floor_app()", port, knobs,
                   dict(env, FLOOR_PHONE="13900000001",
                        FLOOR_SHIFT_ID=str(info["live_shift_id"])))
    try:
        path = "/floor/checkin"
        drive(port, path, None, 4, 1, "x", "text/plain")  # warm up
        expect_repeat_scan(port, path, None, "x", "text/plain")
        r = measured(server.pid, postmaster, partial(
            run, port, path, None, args.clients, args.seconds, "x", "text/plain"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return row(FLOOR_LABEL, r)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-connections", type=int, default=None,
                        help="gunicorn's cap on one worker's open connections (gthread; "
                             "default gunicorn's, 1000)")
    parser.add_argument("--driver", choices=("python", "wrk"), default="python",
                        help="load generator: Python threads (no install) or wrk (Debian)")
    parser.add_argument("--think-ms", type=int, default=0,
                        help="wrk only: each client pauses about this long between requests "
                             "(a crowd of people, not a flood); 0 = back to back")
    parser.add_argument("--only", default="",
                        help="run only endpoints whose label contains this text (and /ping)")
    args = parser.parse_args()
    if args.think_ms and args.driver != "wrk":
        parser.error("--think-ms needs --driver wrk")
    run = partial(drive_wrk, think_ms=args.think_ms) if args.driver == "wrk" else drive

    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        env = dict(os.environ, PORTAL_ENV="production", SECRET_KEY="bench-secret",
                   SESSION_COOKIE_SECURE="0", INSTANCE_PATH=tmp, RATELIMIT_ENABLED="0",
                   DATABASE_URL=args.db or f"sqlite:///{tmp}/bench.sqlite3")
        if env["DATABASE_URL"].startswith("postgresql"):
            import sqlalchemy

            engine = sqlalchemy.create_engine(env["DATABASE_URL"])
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
            engine.dispose()
        info = prepare(env)
        postmaster = postmaster_of(env["DATABASE_URL"])
        port = free_port()
        # production's settings (gunicorn.conf.py), on loopback, with the run's worker counts
        knobs = ["--workers", str(args.workers), "--threads", str(args.threads)]
        if args.worker_connections:
            knobs += ["--worker-connections", str(args.worker_connections)]
        server = serve("portal:create_app()", port, knobs, env)
        try:
            cookie = login(port, "13900000001", "demo1234")
            coordinator = login(port, "13900000003", "demo1234")
            database = "PostgreSQL" if "postgresql" in env["DATABASE_URL"] else "SQLite"
            print(f"\n{database}, gunicorn (gunicorn.conf.py) {args.workers} workers x "
                  f"{args.threads} threads"
                  + (f", --worker-connections {args.worker_connections}"
                     if args.worker_connections else "") + ", "
                  f"driver {args.driver}, {args.clients} clients"
                  + (f" pausing ~{args.think_ms} ms between requests" if args.think_ms else "")
                  + f", {args.seconds:g} s each, {os.cpu_count()} cores\n")
            print("| endpoint | req/s | p50 ms | p95 ms | p99 ms | app CPU ms/req | "
                  "PostgreSQL CPU ms/req | requests | errors |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            for label, path, needs_login in ENDPOINTS:
                if args.only and args.only not in label and path != "/ping":
                    continue
                drive(port, path, cookie if needs_login else None, 4, 1)  # warm up
                r = measured(server.pid, postmaster, partial(
                    run, port, path, cookie if needs_login else None, args.clients,
                    args.seconds))
                print(row(label, r))
            clerk = login(port, "13900000004", "demo1234")
            targets = check_in_targets(env, info, port, cookie, coordinator)
            from portal import create_app
            from portal.members import codes as members
            from portal.types import utcnow

            for label, path, who, body, accept in targets:
                if args.only and args.only not in label:
                    continue
                body = body() if callable(body) else body
                drive(port, path, who, 4, 1, body, accept)  # warm up
                expect_repeat_scan(port, path, who, body, accept)
                r = measured(server.pid, postmaster, partial(
                    run, port, path, who, args.clients, args.seconds, body, accept))
                print(row(label, r))
                if label.startswith("self check-in"):
                    print(floor_row(env, info, knobs, postmaster, run, args))
            label = ("counter confirm (POST /staff/shop/<id>/counter/confirm), one-item sale, "
                     "a fresh cart each, sales spread over the community's residents "
                     "(Python driver; its CPU is per sale: identify, cart and confirm)")
            if not args.only or args.only in label:
                with create_app().app_context():  # just before use: member codes rotate
                    customers = [members.member_token(key, utcnow())
                                 for key in info["customer_keys"]]
                r = measured(server.pid, postmaster, partial(
                    drive_counter, port, info, clerk, customers, args.clients, args.seconds))
                print(row(label, r))
            if not args.only or args.only in FILING_LABEL:
                form = filing_form(port, cookie, info["filing_path"])
                if form is None:
                    print(f"| {FILING_LABEL} | – no filing form at {info['filing_path']} | "
                          "| | | | | | |")
                else:
                    who, action, fields = form
                    r = measured(server.pid, postmaster, partial(
                        drive_filing, port, who, action, fields, args.clients, args.seconds))
                    print(row(FILING_LABEL, r))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
