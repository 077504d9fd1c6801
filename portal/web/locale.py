"""The language and text-size preferences: two cookies, read on every request."""

from __future__ import annotations

from flask import current_app, request

TEXT_SIZE_COOKIE = "text_size"
LANG_COOKIE = "lang"
PREF_MAX_AGE = 60 * 60 * 24 * 365 * 2


def select_locale() -> str:
    """Flask-Babel's locale selector: the `lang` cookie, else the default (zh)."""
    lang = request.cookies.get(LANG_COOKIE)
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def is_large_text() -> bool:
    return request.cookies.get(TEXT_SIZE_COOKIE) == "large"
