"""Rate-limit counters in a SQLite file, so every gunicorn worker on the machine counts together."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.errors import ConfigurationError
from limits.storage import Storage

PREFIX = "sqlite:///"
#: expired rows are deleted once every this many increments (per process), so a spray of
#: made-up phone numbers cannot grow the file without bound
PURGE_EVERY = 500

SCHEMA = """CREATE TABLE IF NOT EXISTS ratelimit (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID"""

# One statement, so SQLite's write lock makes it atomic across processes: no two workers can
# read the same old count. SET sees the old row, so an expired window restarts at `amount`.
INCR = """INSERT INTO ratelimit (key, count, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires_at <= :now THEN :amount ELSE count + :amount END,
    expires_at = CASE WHEN expires_at <= :now THEN :now + :expiry ELSE expires_at END
RETURNING count"""


def _now() -> float:
    return time.time()  # wall clock: every process on the machine must agree on it


class SQLiteStorage(Storage):
    """Fixed-window counters for `limits`, in one table of a SQLite file: `sqlite:///<path>`.

    The embedded default for a portal without Redis: `memory://` counts in each worker, so
    four workers let four times the limit through. The file has its own connection, never the
    app's SQLAlchemy session, and autocommits: a counted attempt stays counted even when the
    request's transaction rolls back. WAL keeps readers off the writers' lock, and the busy
    timeout makes a writer wait its turn instead of failing.

    One connection per process, opened on first use (a SQLite connection must not cross
    gunicorn's fork) and shared by the worker's threads under a lock; each call is one
    sub-millisecond statement.

    On failure (disk full, file unreadable, lock held past the timeout) the methods raise
    `sqlite3.Error` or `OSError`, and `check()` says False. Config enables Flask-Limiter's
    in-memory fallback, so the limiter then counts in each worker's memory until `check()`
    succeeds again: fail-open to the per-worker limit, logged, never a 500 and never no limit.
    Failing closed would lock every resident and every counter clerk out of logging in over
    a broken disk; the password hashes stay slow to guess in the meantime.
    """

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, timeout: float = 5.0,
                 **options) -> None:
        if not uri.startswith(PREFIX) or uri == PREFIX:
            raise ConfigurationError(f"expected sqlite:///<path>, got {uri!r}")
        if sqlite3.sqlite_version_info < (3, 35):  # RETURNING
            raise ConfigurationError(f"SQLite {sqlite3.sqlite_version} is too old (3.35+)")
        self.path = Path(uri[len(PREFIX):])
        self.timeout = float(timeout)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._inherited: sqlite3.Connection | None = None
        self._pid = 0
        self._incrs = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return (sqlite3.Error, OSError)

    def _connection(self) -> sqlite3.Connection:
        """This process's connection; call with the lock held."""
        if self._conn is None or self._pid != os.getpid():
            # One inherited over fork is kept, never used nor closed: the parent owns it.
            self._inherited = self._conn
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                   check_same_thread=False)
            try:
                self._enable_wal(conn)
                conn.execute("PRAGMA synchronous=NORMAL")  # a lost last count is no harm
                conn.execute(SCHEMA)
            except BaseException:
                conn.close()
                raise
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _enable_wal(self, conn: sqlite3.Connection) -> None:
        # Workers starting together all try to switch a new file to WAL, and that switch
        # does not wait on the busy timeout: it fails at once. So wait here, as long.
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _query(self, sql: str, params=()) -> list[tuple]:
        with self._lock:
            return self._connection().execute(sql, params).fetchall()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = _now()
        [(count,)] = self._query(INCR, {"key": key, "amount": amount, "now": now,
                                        "expiry": expiry})
        self._incrs += 1
        if self._incrs % PURGE_EVERY == 0:
            self._query("DELETE FROM ratelimit WHERE expires_at <= ?", (now,))
        return count

    def get(self, key: str) -> int:
        rows = self._query("SELECT count FROM ratelimit WHERE key = ? AND expires_at > ?",
                           (key, _now()))
        return rows[0][0] if rows else 0

    def get_expiry(self, key: str) -> float:
        now = _now()
        rows = self._query("SELECT expires_at FROM ratelimit WHERE key = ? AND expires_at > ?",
                           (key, now))
        return rows[0][0] if rows else now

    def check(self) -> bool:
        try:
            self._query("SELECT count(*) FROM ratelimit")
        except (sqlite3.Error, OSError):
            return False
        return True

    def reset(self) -> int:
        with self._lock:
            return self._connection().execute("DELETE FROM ratelimit").rowcount

    def clear(self, key: str) -> None:
        self._query("DELETE FROM ratelimit WHERE key = ?", (key,))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None
