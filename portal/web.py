"""Request-wide web concerns: locale, text size, security headers, template helpers."""

from __future__ import annotations

import csv
import hashlib
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context, request, url_for
from flask_babel import format_datetime, get_locale
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

TEXT_SIZE_COOKIE = "text_size"
LANG_COOKIE = "lang"
PREF_MAX_AGE = 60 * 60 * 24 * 365 * 2

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def select_locale() -> str:
    lang = request.cookies.get(LANG_COOKIE)
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def is_large_text() -> bool:
    return request.cookies.get(TEXT_SIZE_COOKIE) == "large"


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths; anything else falls back to `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


_static_urls: dict[tuple[str, str], str] = {}


#: where links point when BASE_URL is unset and there is no request to follow (a CLI command
#: without SERVER_NAME): `flask run`'s own default address
FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    """The portal's public address for links that leave the page (check-in QR codes, posters,
    calendar links), without a trailing slash. Every such link is built on this.

    BASE_URL wins when it is set. Otherwise, in a request, the address the request came in on
    (`request.host_url`; behind a proxy that is right only with PROXY_COUNT set). Outside a
    request, SERVER_NAME with PREFERRED_URL_SCHEME, as Flask's url_for does, else
    FALLBACK_BASE_URL.
    """
    configured = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    server_name = current_app.config.get("SERVER_NAME")
    if server_name:
        return f"{current_app.config.get('PREFERRED_URL_SCHEME') or 'http'}://{server_name}"
    return FALLBACK_BASE_URL


def static_url(filename: str) -> str:
    """url_for('static') plus a content hash, so static files can be cached for a year.

    Every page links a few of these; the URL is worked out once per file (and per mount
    point), except in debug mode, where a changed file gets a new hash at once."""
    key = (request.script_root, filename)
    found = _static_urls.get(key)
    if found is None or current_app.debug:
        path = Path(current_app.static_folder) / filename
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else "0"
        _static_urls[key] = found = url_for("static", filename=filename, v=digest)
    return found


#: the largest id or number a URL or form field may carry: a bigger one would overflow the
#: database's integers (a 500 on SQLite, an error on PostgreSQL), so it is treated as junk
MAX_INT = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route, capped at MAX_INT: /wishes/99999999999999999999 is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(url_map, *args, **kwargs)


def bounded_int(value) -> int:
    """For `request.args.get(name, type=bounded_int)`: junk and huge numbers give the default."""
    number = int(value)
    if not -MAX_INT <= number <= MAX_INT:
        raise ValueError(value)
    return number


#: no list has this many pages; a bigger ?page= would overflow SQLite's OFFSET
MAX_PAGE = 10_000


def page_arg() -> int:
    """?page= as a page number between 1 and MAX_PAGE; junk and huge numbers are clamped."""
    return min(max(request.args.get("page", 1, type=bounded_int), 1), MAX_PAGE)


#: a cell starting with one of these runs as a formula when the CSV is opened in a spreadsheet
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_cell(value):
    """A CSV cell that opens as text, never as a formula: a resident's name like
    '=HYPERLINK(...)' gets a leading apostrophe. Plain numbers (-1.5) stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeCSVWriter:
    """csv.writer for the exports staff open in Excel on a community PC (see csv_cell)."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row) -> None:
        self._writer.writerow([csv_cell(value) for value in row])


#: CLDR pattern fields that print the same digits in every locale, as str.format fields
NUMERIC_FIELDS = {"yyyy": "{0.year:04d}", "MM": "{0.month:02d}", "M": "{0.month}",
                  "dd": "{0.day:02d}", "d": "{0.day}", "HH": "{0.hour:02d}",
                  "mm": "{0.minute:02d}", "ss": "{0.second:02d}"}
#: CLDR fields that print a weekday ({1}) or month ({2}) name, as Babel reads them: E to EEE
#: the abbreviated name, EEEE the wide one, both in the 'format' context
NAME_FIELDS = {"E": ("{1}", "day", "abbreviated"), "EE": ("{1}", "day", "abbreviated"),
               "EEE": ("{1}", "day", "abbreviated"), "EEEE": ("{1}", "day", "wide"),
               "MMM": ("{2}", "month", "abbreviated"), "MMMM": ("{2}", "month", "wide")}
_PATTERN_FIELD = re.compile(r"[A-Za-z]+|'")


@cache
def compiled_pattern(fmt: str) -> tuple[str, str | None, str | None] | None:
    """'M月d日 EEE HH:mm' -> ('{0.month}月{0.day}日 {1} {0.hour:02d}:{0.minute:02d}',
    'abbreviated', None): a str.format template, and the width of the weekday ({1}) and
    month ({2}) names it needs. None for a field this does not know (12-hour clocks, eras,
    quoted text): Babel formats those."""
    parts, end, widths = [], 0, {"day": None, "month": None}
    for found in _PATTERN_FIELD.finditer(fmt):
        field = NUMERIC_FIELDS.get(found.group())
        if field is None and found.group() in NAME_FIELDS:
            field, kind, width = NAME_FIELDS[found.group()]
            if widths[kind] not in (None, width):
                return None
            widths[kind] = width
        if field is None:
            return None
        parts += [fmt[end:found.start()].replace("{", "{{").replace("}", "}}"), field]
        end = found.end()
    parts.append(fmt[end:].replace("{", "{{").replace("}", "}}"))
    return "".join(parts), widths["day"], widths["month"]


@cache
def _names(locale: str, kind: str, width: str) -> dict[int, str]:
    """Weekday names by date.weekday() (Monday 0) or month names by month, from Babel's data."""
    from babel import Locale

    data = Locale.parse(locale)
    names = data.days if kind == "day" else data.months
    return dict(names["format"][width])


def local_dt(value, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC datetime shown in the configured time zone (Asia/Shanghai by default).

    Digits and weekday or month names (every list row has a few dates) are formatted here,
    with Babel's names for the locale; Babel formats any other pattern."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    compiled = compiled_pattern(fmt)
    if compiled is None:
        return format_datetime(local, fmt)
    template, day_width, month_width = compiled
    if not (day_width or month_width):
        return template.format(local)
    locale = str(get_locale())
    return template.format(
        local, _names(locale, "day", day_width)[local.weekday()] if day_width else "",
        _names(locale, "month", month_width)[local.month] if month_width else "")


def mask_name(name: str) -> str:
    """张三丰 -> 张**: other residents never see a full name."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else "***"


#: which bottom-bar tab a blueprint's pages belong to (the tab that lights up)
NAV_TABS = {
    "wishes": "home", "checkin": "home", "shifts": "shifts", "teams": "shifts",
    "calendar": "shifts", "points": "points", "shop": "points", "inbox": "inbox",
    "accounts": "me", "staff": "staff", "zones": "staff", "points_staff": "staff",
    "shifts_staff": "staff", "shop_staff": "staff", "shop_counter": "staff",
    "shop_cards": "staff", "checkin_staff": "staff", "wishes_staff": "staff",
}


def nav_tab(endpoint: str | None) -> str:
    """'shop_counter.counter_page' -> 'staff'; the home page -> 'home'; elsewhere ''."""
    endpoint = endpoint or ""
    if endpoint == "main.index":
        return "home"
    return NAV_TABS.get(endpoint.partition(".")[0], "")


def register_web(app) -> None:
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    @app.before_request
    def _prefs():
        g.large_text = is_large_text()

    #: endpoints that clean and log odd input themselves (a scanner may send anything, and a
    #: refused scan must still reach the scan log)
    nul_tolerant = {"checkin_staff.scan"}

    @app.before_request
    def _refuse_nul():
        # PostgreSQL refuses NUL in text: a form or query value carrying one would otherwise
        # fail deep in a write. Refuse it up front with the Chinese 400 page; nothing changes.
        if request.endpoint in nul_tolerant:
            return
        for values in (request.args, request.form):
            for value in values.values():
                if "\x00" in value:
                    from flask import abort

                    abort(400)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            # Pages carry a CSRF token and personal data: never cache them in shared caches.
            headers.setdefault("Cache-Control", "private, no-store")
        return response

    from flask_babel import get_locale

    from portal import policy
    from portal.accounts.models import ROLE_LABELS
    from portal.icons import icon
    from portal.once import once_field

    app.jinja_env.globals.update(
        static_url=static_url, can=policy.can, may_act_on=policy.may_act_on,
        get_locale=get_locale, role_labels=ROLE_LABELS,
        icon=icon, nav_tab=nav_tab, once_field=once_field,
    )
    from portal.points.amounts import format_hours, format_points

    app.jinja_env.filters.update(local_dt=local_dt, mask_name=mask_name, mask_phone=mask_phone,
                                 points=format_points, hours=format_hours)


def attempt(service, *args, once=None, **kwargs):
    """Run a service in the request's transaction: commit on success, or roll back and flash.

    Returns (ok, result). Views stay thin: parse the form, `attempt`, redirect or re-render.
    Photos saved on the way are kept only if the commit happens (`uploads.discard_pending`).

    `once` makes the post once-only (`portal.once`): it is where the answer goes, a URL or a
    function of the result giving one. The form's one-time key is claimed first; a key that
    already took effect raises `once.Replayed`, whose handler sends the person to the first
    answer.
    """
    from flask import flash
    from flask_login import current_user

    from portal import once as once_only
    from portal.errors import DomainError, NotAllowed
    from portal.extensions import db
    from portal.uploads import discard_pending, keep_pending

    try:
        claim = None
        if once is not None:
            claim = once_only.claim(current_user, request.form.get(once_only.FIELD))
        result = service(*args, **kwargs)
        if claim is not None:
            once_only.record_answer(claim, once(result) if callable(once) else once)
    except NotAllowed:
        db.session.rollback()
        discard_pending()
        raise  # not a form mistake: the 403 page says so
    except DomainError as error:
        db.session.rollback()
        discard_pending()
        flash(error.message, "error")
        return False, None
    except Exception:
        discard_pending()  # the teardown rolls back; the error page says the rest
        raise
    try:
        db.session.commit()
    finally:
        # Kept even when the commit raises: PostgreSQL may have committed before the
        # connection failed, and a lost photo is worse than an orphan file.
        keep_pending()
    return True, result
