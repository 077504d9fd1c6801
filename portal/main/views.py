"""Home, health check, privacy note, and the text-size and language switches."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import text

from portal.extensions import db
from portal.web.locale import LANG_COOKIE, PREF_MAX_AGE, TEXT_SIZE_COOKIE
from portal.web.navigation import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("main/index.html", user=current_user)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means the database is not answering
        current_app.logger.exception("health check failed")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/ping")
def ping():
    """The bare endpoint: no database, no template. The benchmark's baseline."""
    return "pong", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html")


def _pref_redirect(cookie: str, value: str):
    response = redirect(safe_next(request.form.get("next")))
    response.set_cookie(cookie, value, max_age=PREF_MAX_AGE, samesite="Lax", httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/prefs/text-size")
def text_size():
    size = "large" if request.form.get("size") == "large" else "normal"
    return _pref_redirect(TEXT_SIZE_COOKIE, size)


@bp.post("/prefs/lang")
def language():
    lang = request.form.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    return _pref_redirect(LANG_COOKIE, lang)
