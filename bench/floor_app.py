"""The floor under a repeat self check-in: its database work and nothing else.

Not the portal. A second, tiny Flask app that `bench/run.py` serves with the same gunicorn
settings, next to the real check-in, so the two are measured in one run. Per request it does
what a repeat scan cannot avoid on PostgreSQL, as plain SQL on the same engine options:

- the user loader's row (the user, their open login row and their unread-message count),
- the shift with the volunteer's confirmed sign-up and attendance,
- the scan-log INSERT, and the COMMIT (plus the pool's pre-ping, as production has).

It has no session cookie, no CSRF check, no ORM objects and no page: it answers a few
bytes. Whatever the real check-in costs above this row is the framework and the page;
whatever this row costs is the floor no Python code on this stack gets under.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import create_engine, text

from config import Config  # production's engine options: the pool pre-pings

USER = text(
    "SELECT u.id, u.session_version, u.is_active_account, "
    "(SELECT count(m.id) FROM messages m WHERE m.user_id = u.id AND m.read_dt IS NULL) "
    "FROM users u JOIN login_sessions l ON l.user_id = u.id AND l.token_hash = :token_hash "
    "AND l.ended_dt IS NULL AND l.created_dt > :since WHERE u.id = :uid")
LOGIN = text(
    "INSERT INTO login_sessions (user_id, token_hash, created_dt, user_agent) "
    "VALUES (:uid, :token_hash, :now, 'bench floor')")
SIGNUP = text(
    "SELECT s.id, s.start_dt, s.end_dt, s.status, g.id, a.id FROM shifts s "
    "JOIN signups g ON g.shift_id = s.id AND g.user_id = :uid AND g.status = 'confirmed' "
    "LEFT JOIN attendances a ON a.signup_id = g.id WHERE s.id = :sid")
LOG = text(
    "INSERT INTO scan_logs (shift_id, user_id, actor_id, method, outcome, code_excerpt, note, "
    "user_agent, created_dt) VALUES (:sid, :uid, :uid, 'shift_code', :outcome, '', '', "
    "'bench floor', :now)")


def create_floor_app(url: str | None = None, phone: str | None = None,
                     shift_id: int | None = None) -> Flask:
    """The volunteer (by phone) and the shift come from the arguments or the environment:
    DATABASE_URL, FLOOR_PHONE, FLOOR_SHIFT_ID."""
    engine = create_engine(url or os.environ["DATABASE_URL"],
                           **Config.SQLALCHEMY_ENGINE_OPTIONS)
    with engine.connect() as conn:
        uid = conn.execute(text("SELECT id FROM users WHERE phone = :phone"),
                           {"phone": phone or os.environ["FLOOR_PHONE"]}).scalar_one()
        # a login row of its own, as a logged-in volunteer's cookie names one
        token_hash = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        conn.execute(LOGIN, {"uid": uid, "token_hash": token_hash, "now": datetime.now(UTC)})
        conn.commit()
    since = datetime.now(UTC) - timedelta(days=30)
    sid = shift_id or int(os.environ["FLOOR_SHIFT_ID"])
    app = Flask(__name__)
    app.extensions["floor_engine"] = engine

    @app.route("/floor/checkin", methods=["GET", "POST"])
    def checkin():
        with engine.connect() as conn:
            conn.execute(USER, {"uid": uid, "token_hash": token_hash, "since": since}).one()
            row = conn.execute(SIGNUP, {"uid": uid, "sid": sid}).first()
            outcome = ("not_signed_up" if row is None else
                       "already_checked_in" if row[5] is not None else "not_checked_in")
            conn.execute(LOG, {"sid": sid, "uid": uid, "outcome": outcome,
                               "now": datetime.now(UTC)})
            conn.commit()
        return outcome, 200, {"Content-Type": "text/plain; charset=utf-8"}

    return app
