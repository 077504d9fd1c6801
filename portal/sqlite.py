"""SQLite for the embedded default: WAL for concurrent readers, foreign keys on, and
transactions that SQLAlchemy begins itself so savepoints work.

A write request (anything but GET/HEAD/OPTIONS) starts with BEGIN IMMEDIATE: it takes the
write lock up front, waiting up to busy_timeout, instead of failing half-way when another
writer committed after it first read. Reads stay concurrent under WAL.
"""

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _wants_write_lock() -> bool:
    return has_request_context() and request.method not in READ_METHODS


def enable_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # pysqlite must not BEGIN behind our back
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")
