"""The benchmark's own arithmetic: the CPU-per-request columns in bench/README.md."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy

ROOT = Path(__file__).resolve().parent.parent
LINUX = Path("/proc/self/stat").exists()


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _busy(n=10):
    total = sum(i * i for i in range(3_000_000))  # about 0.1-0.3 s of CPU
    return {"n": n, "rps": 1.0, "p50": 1.0, "p95": 2.0, "p99": 3.0, "errors": 0, "sum": total}


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc")
def test_cpu_per_request_counts_the_server_and_its_children(bench):
    """`measured` charges the server's CPU (here: this process, and a child that burns CPU
    during the run) to the requests answered; with no database process, no database column."""
    def drive():
        child = subprocess.run([sys.executable, "-c", "sum(i * i for i in range(3_000_000))"])
        assert child.returncode == 0
        return _busy()

    result = bench.measured(os.getpid(), None, drive)
    assert result["app_ms"] > 5  # at least 50 ms of CPU over 10 requests
    assert "db_ms" not in result
    line = bench.row("x", result)
    assert line.startswith("| x | 1 | 1.0 | 2.0 | 3.0 | ") and line.endswith(" | – | 10 | 0 |")


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc")
def test_database_column_counts_only_that_servers_processes(bench):
    """With a 'postmaster' given, its own process and its children count as the database's;
    other processes on the host do not."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        ticks = bench.cpu_ticks(os.getpid(), child.pid)
        assert ticks[os.getpid()][0] == "app" and ticks[child.pid][0] == "app"  # our child
        ticks = bench.cpu_ticks(child.pid, os.getpid())
        assert ticks[child.pid][0] == "app" and ticks[os.getpid()][0] == "db"
        assert os.getppid() not in ticks  # neither server nor postmaster, nor their child
    finally:
        child.kill()
        child.wait()


def test_rows_without_proc_say_so(bench, monkeypatch):
    monkeypatch.setattr(bench, "cpu_ticks", lambda pid, postmaster: None)
    result = bench.measured(1, 2, lambda: _busy(3))
    assert "app_ms" not in result
    assert "| – | – |" in bench.row("y", result)


def test_postmaster_is_none_for_sqlite(bench):
    assert bench.postmaster_of("sqlite:///x.sqlite3") is None


def test_postmaster_is_found_for_a_local_postgresql(bench):
    """The database column needs the server's main process: the parent of our backend."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    for _ in range(5):  # the backend ends as soon as its connection closes: no race left
        postmaster = bench.postmaster_of(url)
        assert postmaster is not None
        assert "postgres" in Path(f"/proc/{postmaster}/cmdline").read_bytes().decode(
            errors="replace")


def test_floor_app_does_a_repeat_check_ins_database_work(make_shift, make_user, database_url):
    """The benchmark's floor row is only a floor if its statements are the check-in's: they
    must run against the migrated schema and see what the real check-in sees."""
    from sqlalchemy import func, select

    from portal.checkin import services
    from portal.checkin.models import ScanLog
    from portal.extensions import db
    from portal.shifts import signups

    spec = importlib.util.spec_from_file_location("floor_app", ROOT / "bench" / "floor_app.py")
    floor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floor)
    shift = make_shift(hours_from_now=10 / 60)
    volunteer = make_user(name="王秀英")
    phone, shift_id = volunteer.phone, shift.id
    db.session.commit()  # no read transaction left open: SQLite would lock the floor out
    app = floor.create_floor_app(database_url, phone, shift_id)
    client = app.test_client()

    def scan():
        answer = client.post("/floor/checkin", data="x")
        assert answer.status_code == 200
        return answer.text

    assert scan() == "not_signed_up"
    signups.sign_up(volunteer, shift)
    db.session.commit()
    assert scan() == "not_checked_in"
    assert services.check_in(volunteer, shift, method="shift_code").outcome == "ok"
    db.session.commit()
    assert scan() == "already_checked_in"
    logged = db.session.scalars(select(ScanLog.outcome).where(
        ScanLog.user_id == volunteer.id, ScanLog.user_agent == "bench floor")).all()
    assert sorted(logged) == ["already_checked_in", "not_checked_in", "not_signed_up"]
    assert db.session.scalar(select(func.count(ScanLog.id))) == 4  # and the real one
    app.extensions["floor_engine"].dispose()


def test_the_load_data_seeds_on_the_current_code(bench, tmp_path):
    """bench/seed_load.py runs on a fresh demo database and names counter customers who are
    residents, not staff (a clerk never sells to themselves), so a refactor cannot leave the
    benchmark broken where no other test looks."""
    env = dict(os.environ, PORTAL_ENV="production", SECRET_KEY="bench-test",
               SESSION_COOKIE_SECURE="0", INSTANCE_PATH=str(tmp_path), RATELIMIT_ENABLED="0",
               DATABASE_URL=f"sqlite:///{tmp_path}/bench.sqlite3")
    info = bench.prepare(env)
    assert info["customer_keys"] and info["shop_id"] and info["live_shift_id"]

    engine = sqlalchemy.create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        staff_keys = set(connection.execute(sqlalchemy.text(
            "SELECT u.member_key FROM users u JOIN role_grants g ON g.user_id = u.id "
            "WHERE u.member_key IS NOT NULL")).scalars())
    engine.dispose()
    assert not staff_keys & set(info["customer_keys"])
