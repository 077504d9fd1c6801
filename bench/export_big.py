"""A big export, measured: time and peak memory of a 50,000-row points-ledger XLSX.

    .venv/bin/python bench/export_big.py                    # SQLite in a temp dir
    .venv/bin/python bench/export_big.py --db postgresql+psycopg://postgres@127.0.0.1:5432/x
    .venv/bin/python bench/export_big.py --rows 100000

The parent builds the database (migrations, a street of 500 residents, `--rows` ledger
entries this month, inserted in bulk), then runs the export in a fresh child process, so the
child's peak resident memory (`ru_maxrss`) is the export's and not the seeding's. The child
reads ru_maxrss after the app and a first small query are loaded (the floor) and again after
the export: the difference is what the export added. It times (wall clock, and the process's
own CPU time, which a busy shared host does not inflate) the two halves apart: writing
the workbook (database -> constant_memory XlsxWriter -> temporary file, what the request
does before it answers) and streaming it (the response body, in 64 KiB chunks; the file is
deleted at the end). Then it runs the export once more under tracemalloc for the peak of
the Python heap during the export. A --db that is PostgreSQL has its schema dropped and rebuilt."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from config import TestConfig  # noqa: E402
from portal import create_app  # noqa: E402
from portal.accounts.models import RoleGrant, User  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.points.models import LedgerEntry, PointsAccount  # noqa: E402
from portal.types import utcnow  # noqa: E402
from portal.zones.models import Zone  # noqa: E402

PEOPLE = 500
ADMIN_PHONE = "13800000000"


def make_app(url: str):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(Config)


def seed(url: str, rows: int) -> None:
    from flask_migrate import upgrade

    app = make_app(url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        street = Zone(code="B", name="大桥街道", kind="street")
        db.session.add(street)
        db.session.flush()
        street.path = f"/{street.id}/"
        community = Zone(code="B-XA", name="新安路社区", kind="community", parent=street)
        db.session.add(community)
        db.session.flush()
        community.path = f"{street.path}{community.id}/"
        admin = User(phone=ADMIN_PHONE, name="压测管理员", password_hash="x",
                     home_zone=community)
        db.session.add_all([admin, RoleGrant(user=admin, role="superadmin", zone=None)])
        people = [User(phone=f"139{n:08d}", name=f"居民{n}", password_hash="x",
                       home_zone=community) for n in range(PEOPLE)]
        db.session.add_all(people)
        db.session.flush()
        accounts = [PointsAccount(user_id=p.id, balance_tenths=0) for p in people]
        db.session.add_all(accounts)
        db.session.flush()
        now = utcnow()
        start = now - timedelta(seconds=rows)
        if start.month != now.month:  # keep every row inside this month
            start = now.replace(day=1, hour=0, minute=0, second=1)
        batch = []
        for n in range(rows):
            account = accounts[n % PEOPLE]
            batch.append({"account_id": account.id, "amount_tenths": 10 + n % 7,
                          "kind": "earn", "source_type": "bench", "source_id": n,
                          "idempotency_key": f"bench:{n}", "memo": f"参与志愿服务（第{n}次）",
                          "balance_after_tenths": 10 * (n // PEOPLE + 1),
                          "created_dt": start + (now - start) * n / rows})
            if len(batch) == 5000:
                db.session.execute(insert(LedgerEntry), batch)
                batch = []
        if batch:
            db.session.execute(insert(LedgerEntry), batch)
        db.session.commit()


def maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def cpu_s() -> float:
    """This process's CPU time: on a busy shared host, the part of the wall time that is ours."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(url: str) -> dict:
    from portal.exports import period, services
    from portal.exports.kinds import KINDS
    from portal.exports.workbook import remove_quietly, stream_and_delete

    app = make_app(url)
    with app.test_request_context():
        actor = db.session.scalar(select(User).where(User.phone == ADMIN_PHONE))
        actor.grants  # noqa: B018 - load the grant before the floor is read
        today = utcnow()
        chosen = period.parse("this_month", None, None, today.date())
        floor = maxrss_kib()
        began, cpu = time.perf_counter(), cpu_s()
        made = services.export(actor, KINDS["points_ledger"], None, chosen)
        written, cpu = time.perf_counter(), cpu_s() - cpu
        size = os.path.getsize(made.path)
        sent = sum(len(chunk) for chunk in stream_and_delete(made.path))
        streamed = time.perf_counter()
        db.session.rollback()  # the audit row is not kept
        # again under tracemalloc (slower, so untimed): the Python heap's own peak, which
        # ru_maxrss cannot show when the app's start-up already set a higher mark
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        again = services.export(actor, KINDS["points_ledger"], None, chosen)
        traced_peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        remove_quietly(again.path)
        db.session.rollback()
        return {"rows": made.rows, "bytes": size, "sent": sent,
                "write_s": round(written - began, 2), "write_cpu_s": round(cpu, 2),
                "stream_s": round(streamed - written, 3),
                "traced_peak_mib": round(traced_peak / 2**20, 1),
                "floor_mib": round(floor / 1024, 1), "peak_mib": round(maxrss_kib() / 1024, 1),
                "added_mib": round((maxrss_kib() - floor) / 1024, 1),
                "file_left": os.path.exists(made.path)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--db", default="")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.db)))
        return
    with tempfile.TemporaryDirectory(prefix="portal-export-bench-") as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.db"
        began = time.perf_counter()
        seed(url, args.rows)
        print(f"seeded {args.rows} ledger rows in {time.perf_counter() - began:.1f} s",
              file=sys.stderr)
        child = subprocess.run([sys.executable, __file__, "--measure", "--db", url],
                               capture_output=True, text=True, check=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        result["database"] = url.split(":", 1)[0]
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
