"""Every route, as every kind of visitor, with malformed input: no answer is ever a 500."""

from __future__ import annotations

import io
import os
import re
import time
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from flask import got_request_exception
from hypothesis import HealthCheck, Phase, given, note, seed, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, IntegerConverter

from portal.accounts.models import User
from portal.extensions import db, limiter
from portal.once import FIELD as ONCE_FIELD
from portal.once import new_key
from portal.types import utcnow
from tests.api import routes as routes_api
from tests.cases import (
    routes_contacts,
    routes_ledger,
    routes_open311,
    routes_resident,
    routes_staff,
)
from tests.certificates import routes as routes_certificates
from tests.conventions import routes as routes_conventions
from tests.council import routes_meetings, routes_topics
from tests.dashboards import routes as routes_dashboards
from tests.exports import routes as routes_exports
from tests.offline import routes as routes_offline
from tests.test_access import ACCESS, _actor, _targets

ROLES = ["anonymous", "resident", "coordinator", "clerk", "admin"]

#: endpoint -> what its view reads that no page's form or link shows (one line per endpoint).
#: Plain names are query-string parameters; "+name" is a form field. The fields of every form
#: drawn on a page the role can open, and the parameters of every link, are found by
#: themselves, so most entries are "". Path arguments come from tests/test_access.py's URLs.
FUZZ = {
    "accounts.change_password": "",
    "accounts.login": "next",
    "accounts.logout": "",
    "accounts.logout_everywhere": "",
    "accounts.party": "",
    "accounts.profile": "",
    "accounts.register": "next",
    "accounts.withdraw_move": "",
    "shifts_calendar.feed": "",
    "shifts_calendar.my_calendar": "",
    "shifts_calendar.revoke": "",
    "shifts_calendar.shift_ics": "",
    "checkin.attendance": "",
    "checkin.confirm": "",
    "checkin.member_code": "",
    "checkin.member_code_svg": "",
    "checkin.scanned": "",
    "checkin.submit": "+action +lat +lng",
    "checkin_staff.code": "",
    "checkin_staff.code_image": "",
    "checkin_staff.correct": "+checkin +checkout +reason",
    "checkin_staff.issue_poster": "+action",
    "checkin_staff.live": "partial mode",
    "checkin_staff.manual": "mode +phone +reason +mode",
    "checkin_staff.poster": "",
    "checkin_staff.poster_image": "",
    "checkin_staff.scan": "mode +code +mode",
    "checkin_staff.scan_page": "mode",
    "checkin_staff.walk_in": "mode +user_id +mode",
    "inbox.index": "page",
    "inbox.read_all": "+next",
    "main.healthz": "",
    "main.index": "",
    "main.language": "+lang +next",
    "main.ping": "",
    "main.privacy": "",
    "main.text_size": "+size +next",
    "points.award_detail": "",
    "points.award_photo": "",
    "points.leaderboard": "",
    "points.leaderboard_opt": "+join",
    "points.my_hours": "",
    "points.notice": "",
    "points.object_to": "",
    "points.passbook": "page",
    "points.rules": "",
    "points_staff.approvals": "",
    "points_staff.decide": "+decision +note",
    "points_staff.edit_rule": "",
    "points_staff.new_award": "user",
    "points_staff.objections": "",
    "points_staff.resident": "page",
    "points_staff.resolve": "+decision +note",
    "points_staff.rules": "",
    "shifts.cancel": "",
    "shifts.detail": "",
    "shifts.index": "day zone team free page",
    "shifts.mine": "",
    "shifts.sign_up": "+post_id",
    "shifts_staff.activity": "",
    "shifts_staff.add_volunteer": "+phone +post +reason",
    "shifts_staff.assign": "+post +duty_area",
    "shifts_staff.cancel_shift": "+reason",
    "shifts_staff.edit_activity": "",
    "shifts_staff.edit_shift": "",
    "shifts_staff.edit_template": "",
    "shifts_staff.index": "",
    "shifts_staff.new_shift": "",
    "shifts_staff.new_template": "",
    "shifts_staff.no_show": "+mark",
    "shifts_staff.remove_volunteer": "+reason",
    "shifts_staff.roster_page": "",
    "shop.cancel_reservation": "",
    "shop.catalogue": "",
    "shop.my_reservations": "page",
    "shop.photo": "",
    "shop.reservation": "",
    "shop.reservation_qr": "",
    "shop.reserve": "+quantity +request_key",
    "shop_cards.card_page": "",
    "shop_cards.card_qr": "",
    "shop_cards.issue": "",
    "shop_cards.lost": "+reason",
    "shop_cards.print_card": "",
    "shop_counter.cancel_for": "+reason",
    "shop_counter.cart": "+action +barcode +good_id",
    "shop_counter.confirm": "",
    "shop_counter.counter_page": "",
    "shop_counter.identify": "+code +phone +reason",
    "shop_counter.pick_up": "",
    "shop_counter.pickup_lookup": "+code",
    "shop_counter.receipt": "paper",
    "shop_counter.reservation": "",
    "shop_counter.reservations_list": "page",
    "shop_counter.sales_today": "page",
    "shop_counter.void": "+reason",
    "shop_staff.edit_good": "",
    "shop_staff.edit_shop": "",
    "shop_staff.goods": "",
    "shop_staff.index": "",
    "shop_staff.movements": "page",
    "shop_staff.report": "day",
    "shop_staff.report_csv": "day",
    "shop_staff.stock": "+quantity +reason",
    "staff.audit_log": "page",
    "staff.create_resident": "",
    "staff.dashboard": "",
    "staff.grant_role": "+role +zone",
    "staff.move_decide": "+decision +note",
    "staff.move_queue": "",
    "staff.party_queue": "",
    "staff.party_review": "+decision +note",
    "staff.reset_password": "+password",
    "staff.revoke_role": "",
    "staff.service_posts": "+post_id +name +is_active",
    "staff.set_active": "+active",
    "staff.user_detail": "",
    "staff.users": "q page",
    "teams.apply": "+note",
    "teams.decide": "+decision +note",
    "teams.detail": "",
    "teams.edit": "",
    "teams.index": "",
    "teams.leave": "",
    "teams.remove": "+note",
    "wishes.claim": "",
    "wishes.claims": "page",
    "wishes.confirm": "+rating +comment",
    "wishes.consent": "+consent_name +consent_photo",
    "wishes.detail": "",
    "wishes.edit": "",
    "wishes.fulfil": "+note +photos",
    "wishes.mine": "page",
    "wishes.new": "",
    "wishes.photo": "",
    "wishes.progress": "+note",
    "wishes.ranking": "quarter",
    "wishes.record": "quarter print",
    "wishes.record_csv": "quarter",
    "wishes.release": "+reason",
    "wishes.send_back": "+reason",
    "wishes.thanks": "page",
    "wishes.wall": "kind zone page",
    "wishes.withdraw": "+reason",
    "wishes_staff.new": "",
    "wishes_staff.queue": "status page",
    "wishes_staff.review": "+decision +note",
    "wishes_staff.unit_cards": "unit quarter print",
    "wishes_staff.unit_csv": "unit quarter",
    "wishes_staff.units": "quarter",
    "zones.create": "parent",
    "zones.edit": "",
    "zones.index": "",
    "zones.move": "+parent",
    "zones.remove": "",
    "zones.restore": "",
    **routes_resident.FUZZ, **routes_staff.FUZZ, **routes_ledger.FUZZ, **routes_open311.FUZZ,
    **routes_contacts.FUZZ, **routes_topics.FUZZ, **routes_meetings.FUZZ,
    **routes_conventions.FUZZ, **routes_certificates.FUZZ,
    **routes_dashboards.FUZZ, **routes_exports.FUZZ, **routes_api.FUZZ,
    **routes_offline.FUZZ,
}

#: the CI bound, per role; FUZZ_EXAMPLES and FUZZ_SECONDS run it longer, and FUZZ_SEED with
#: another seed, when hunting
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "9"))
SEED = os.environ.get("FUZZ_SEED")

# ---------------------------------------------------------------- malformed values

NUMBERS = ["2147483648", "-2147483649", "2147483647", "-2147483648", "99999999999999999999",
           "-99999999999999999999", "9" * 400, "1e400", "-1e400", "NaN", "nan", "inf",
           "-Infinity", "-1", "0", "1.5", "0.05", "3.14159265358979323846", "1e3", "0x10",
           "1_000", "１２", "٣", " 7 ", "+3", "--1", "1,5"]
DATES = ["9999-99-99", "9999-12-31", "0001-01-01", "0000-00-00", "2024-02-30", "1900-01-01",
         "2026-13-01", "20260101", "-0001-01-01", "10000-01-01", "2026-1-1", "2026-06-15T25:00"]
TIMES = ["25:61", "24:00", "23:59:60", "-1:00", "7", "7:5", "07:30:00.123456789", "99:99:99",
         "00:00", "23:59"]
TEXT = ["", " ", "abc", "x" * 5000, "测" * 3000, "测试🙂", "\u202e反转\u200b", "<script>x</script>",
        "' OR 1=1 --", "%00", "\x00", "\x01\x1f", "../../etc/passwd", "null", "[]", "{}",
        "k.", "p.1.2", "s.1.2", "m.x.y", "R-1", "a" * 43, "y", "n", "on", "off", "true"]
MALFORMED = NUMBERS + DATES + TIMES + TEXT

#: a path argument that is not a real row: past the column, gone, or not a number at all
BAD_INTS = ["0", "2147483647", "2147483648", "99999999999999999999", "-1", "1.5", "abc"]
BAD_STRINGS = ["x", "x" * 3000, "测试", "\x00", "%00", "..", "a.b.c", "k.x", "p.1.x", "s.1.1",
               "m.1.1", "99999999999999999999"]
#: the few of those every route gets in the first pass (the fuzz draws from all of them)
SWEEP = {"0", "x" * 3000, "\x00"}

# a tiny valid JPEG, so uploads reach Pillow's decoder as well as its refusal
_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c"
    "1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0"
    "000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bff"
    "c400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a10823"
    "42b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a5354555657"
    "58595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aa"
    "b2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8"
    "f9faffda0008010100003f00fbd3ffd9")
#: "+name" table entries that are file uploads
FILE_FIELDS = {"photo", "photos"}
FILES = [b"", b"not an image", _JPEG, _JPEG[:40], b"GIF89a" + b"\x00" * 20]


# ---------------------------------------------------------------- what the pages show


@dataclass
class Field:
    """A field a form or link sends, and values that a person could really send in it."""

    name: str
    kind: str = "text"  # text, file, or one of the input types
    where: str = "form"  # form or query
    values: set[str] = field(default_factory=set)


class PageParser(HTMLParser):
    """The forms on a page (action, method, fields) and the links' query strings."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str | None, str, list[Field]]] = []
        self.links: list[str] = []
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action"), (attrs.get("method") or "get").upper(), []))
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "option" and self._select is not None:
            self._select.values.add(attrs.get("value") or "")
        elif tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            kind = {"select": "select", "textarea": "text"}.get(tag, attrs.get("type") or "text")
            if tag == "button":
                kind = "button"
            found = Field(attrs["name"], "file" if kind == "file" else kind)
            if attrs.get("value") is not None and kind not in ("file", "password"):
                found.values.add(attrs["value"])
            if attrs.get("inputmode") in ("numeric", "decimal") and kind == "text":
                found.kind = "number"
            if self.forms:
                self.forms[-1][2].append(found)
            if tag == "select":
                self._select = found

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def kind_of(spec: Field) -> str:
    """What a field holds, from its input type or, for a bare query parameter, its name."""
    name = spec.name.lower().rpartition("-")[2]
    if spec.kind in ("date", "time", "password", "file", "checkbox", "radio"):
        return spec.kind
    if name in ("day", "deadline"):
        return "date"
    if name.endswith(("time", "start", "end", "checkin", "checkout")):
        return "time"
    if "phone" in name:
        return "phone"
    if name in ("password", "confirm", "new", "current"):
        return "password"
    if spec.kind == "select" or name.endswith(("_id", "zone", "parent", "post", "rule", "team",
                                               "user", "page")):
        return "id"
    if spec.kind == "number" or name in ("points", "price", "cap", "quantity", "lat", "lng"):
        return "number"
    return "text"


def _valid_values(spec: Field, ids: dict, phones: list[str]) -> list[str]:
    """What a person filling the field in could send: the page's own values, or a guess from
    the field's kind and name. Never the actor's password, so nobody logs themselves out."""
    values = sorted(v for v in spec.values if v)
    kind, name = kind_of(spec), spec.name.lower().rpartition("-")[2]
    soon = (utcnow() + timedelta(days=3)).date()
    if kind == "date":
        values += [soon.isoformat(), (soon + timedelta(days=30)).isoformat()]
    elif kind == "time":
        values += ["11:00" if any(w in name for w in ("end", "close", "out")) else "09:00"]
    elif kind == "phone":
        values += phones
    elif kind == "password":
        values = ["Fuzz-pass-2468"]
    elif kind == "id" and spec.kind != "select":
        wanted = {"zone": "grid_id", "parent": "grid_id", "user": "user_id"}.get(name, name)
        values += [str(ids[key]) for key in (wanted, f"{wanted}_id") if key in ids] or ["1"]
    elif kind == "number":
        values += ["1", "2", "1.5"]
    elif kind == "text" and (spec.kind != "hidden" or not values):
        values += ["测试内容", "fuzz-1", "1"]
    return values or [""]


#: the malformed values most likely to break each kind of field, before any other
TYPED = {"date": DATES, "time": TIMES, "id": NUMBERS, "number": NUMBERS, "phone": NUMBERS + TEXT,
         "checkbox": NUMBERS + TEXT, "radio": NUMBERS + TEXT}


def bad_values(spec: Field):
    anything = st.one_of(st.sampled_from(MALFORMED), st.integers().map(str),
                         st.floats().map(str), st.text(max_size=40))
    typed = TYPED.get(kind_of(spec))
    return st.one_of(st.sampled_from(typed), anything) if typed else anything


@dataclass
class Route:
    endpoint: str
    method: str
    rule: object
    args: dict[str, str]  # valid path arguments, from tests/test_access.py's URL
    query: list[tuple[str, str]]  # that URL's own query string
    fields: dict[tuple[str, str], Field] = field(default_factory=dict)  # (where, name) -> Field
    open: bool = False  # the role gets past the door (no login page, 403 or 405)

    def field(self, name: str, where: str, kind: str = "text") -> Field:
        return self.fields.setdefault((where, name), Field(name, kind, where))

    def path(self, args: dict[str, str]) -> str:
        def swap(match):
            return quote(str(args[match.group(1)]), safe="")

        return re.sub(r"<(?:[^<>:]+(?:\([^<>]*\))?:)?([^<>:]+)>", swap, self.rule.rule)

    def __str__(self):
        return f"{self.method} {self.rule.rule}"


def _access_urls():
    """(endpoint, method) -> the URL templates tests/test_access.py drives them with."""
    urls: dict[tuple[str, str], list[str]] = {}
    for endpoint, method, url in ACCESS:
        urls.setdefault((endpoint, method), []).append(url)
    return urls


def routes_of(app, ids: dict) -> dict[tuple[str, str, str], Route]:
    """Every rule × method of the URL map, each with valid path arguments made from `ids`."""
    adapter = app.url_map.bind("portal.test")
    urls, found = _access_urls(), {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for template in urls.get((rule.endpoint, method), []):
                url = urlsplit(template.format(**ids))
                matched, args = adapter.match(url.path, method, return_rule=True)
                if matched is rule:
                    found[(rule.endpoint, method, rule.rule)] = Route(
                        rule.endpoint, method, rule, {k: str(v) for k, v in args.items()},
                        parse_qsl(url.query, keep_blank_values=True))
                    break
    return found


def _endpoint_of(adapter, url: str, method: str):
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    try:
        rule, _args = adapter.match(parts.path, method, return_rule=True)
    except HTTPException:
        return None
    return rule, parts.query


def harvest(app, html: str, page: Route, routes: dict) -> None:
    """Add the fields of the page's forms, and its links' parameters, to their routes."""
    adapter = app.url_map.bind("portal.test")
    by_rule = {(r.rule.rule, r.method): r for r in routes.values()}
    parser = PageParser()
    parser.feed(html)
    for action, method, fields in parser.forms:
        target = _endpoint_of(adapter, action or page.path(page.args), method)
        route = target and by_rule.get((target[0].rule, method))
        if route is None:
            continue
        where = "query" if method == "GET" else "form"
        for spec in fields:
            if spec.name != "csrf_token":  # the suite runs without CSRF
                route.field(spec.name, where, spec.kind).values |= spec.values
    for link in parser.links:
        target = _endpoint_of(adapter, link, "GET")
        route = target and by_rule.get((target[0].rule, "GET"))
        if route is not None:
            for name, value in parse_qsl(target[1], keep_blank_values=True):
                route.field(name, "query").values.add(value)


def add_table_entries(routes: dict) -> None:
    for route in routes.values():
        for name in FUZZ[route.endpoint].split():
            if name.startswith("+"):
                if route.method != "GET":
                    route.field(name[1:], "form", "file" if name[1:] in FILE_FIELDS else "text")
            else:
                route.field(name, "query")
        for name, value in route.query:
            route.field(name, "query").values.add(value)


# ---------------------------------------------------------------- the visitor


class Visitor:
    """One role's client. It logs in once and stays that person, whatever the fuzz posts:
    a logout, or a 'log out everywhere', is followed by a fresh login."""

    def __init__(self, app, auth_factory, actor):
        self.app, self.actor, self._auth_factory = app, actor, auth_factory
        self.errors: list[str] = []
        self._login()

    def _login(self):
        self.client = self.app.test_client()
        if self.actor is not None:
            limiter.reset()
            response = self._auth_factory(self.client).login(self.actor)
            assert response.status_code == 302, response.status_code
            self.version = self._version()
        self._session = self.client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])

    def _version(self):
        return db.session.scalar(select(User.session_version).where(User.id == self.actor.id))

    def still_themselves(self) -> None:
        name = self.app.config["SESSION_COOKIE_NAME"]
        cookie = self.client.get_cookie(name)
        if self.actor is None:
            # a registration logs the anonymous visitor in: forget it
            if cookie is not None and "_user_id" in self._load(cookie.value):
                self._login()
            return
        db.session.rollback()
        if (cookie is None or "_user_id" not in self._load(cookie.value)
                or self._version() != self.version):
            self._login()

    def _load(self, value: str) -> dict:
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        try:
            return serializer.loads(value)
        except Exception:  # a cookie this visitor cannot read is as good as none
            return {}

    def send(self, route: Route, path: str, query: list, form: list):
        files = any(not isinstance(value, str) for _name, value in form)
        data = MultiDict(form) if route.method != "GET" else None
        self.errors.clear()
        response = self.client.open(
            path, method=route.method, query_string=MultiDict(query), data=data,
            content_type="multipart/form-data" if files else None)
        response.close()
        return response


def _on_exception(errors):
    def record(sender, exception, **extra):
        errors.append("".join(traceback.format_exception(exception)))

    return record


def check(visitor: Visitor, route: Route, path: str, query: list, form: list):
    response = visitor.send(route, path, query, form)
    assert response.status_code < 500, (
        f"{response.status_code} for {route.method} {_short(path)} query={_short(query)} "
        f"form={_short(form)}\n" + "\n".join(_short(line) for error in visitor.errors
                                             for line in error.splitlines()))
    return response


def _short(value) -> str:
    """A value for a failure message: a 5000-character field would drown the traceback."""
    if isinstance(value, list):
        return "[" + ", ".join(f"({k!r}, {_short(v)})" for k, v in value) + "]"
    if isinstance(value, tuple):
        return f"<file {len(value[0].getvalue())} bytes, {value[1][:20]!r}>"
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 300 else f"{text[:150]}…({len(text)} chars)…{text[-50:]}"


def _denied(response, role) -> bool:
    if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        return True
    return response.status_code in (403, 405)


def _malformed_path_args(route: Route, only=None) -> list[dict[str, str]]:
    variants = []
    for name, converter in route.rule._converters.items():
        if isinstance(converter, IntegerConverter):
            bad = BAD_INTS
        elif isinstance(converter, AnyConverter):
            bad = ["x", "测试"]
        else:
            bad = BAD_STRINGS
        variants += [{**route.args, name: value} for value in bad
                     if only is None or value in only]
    return variants


# ---------------------------------------------------------------- strategies


@st.composite
def requests(draw, routes: list[Route], ids: dict, phones: list[str]):
    """A route; its path arguments, query string and form, most of them what a person could
    send and a few malformed, so the request gets past the form checks to the service."""
    route = draw(st.sampled_from(routes))  # a route with more fields appears more often
    args, variants = dict(route.args), _malformed_path_args(route)
    if variants and draw(st.integers(0, 5)) == 0:
        args = draw(st.sampled_from(variants))
    specs = sorted(route.fields.values(), key=lambda f: (f.where, f.name))
    names = [(spec.where, spec.name) for spec in specs]
    bad = draw(st.sets(st.sampled_from(names), max_size=2)) if names else set()
    query, form = [], []
    for spec in specs:
        out = query if spec.where == "query" else form
        if (spec.where, spec.name) not in bad:
            if spec.kind == "file":
                continue
            if spec.name in (ONCE_FIELD, "request_key"):
                out.append((spec.name, new_key()))
            else:
                out.append((spec.name, draw(st.sampled_from(
                    _valid_values(spec, ids, phones)))))
            continue
        how = draw(st.sampled_from(["value", "value", "value", "missing", "repeat"]))
        if how == "missing":
            continue
        for _ in range(1 if how == "value" else draw(st.integers(2, 4))):
            if spec.kind == "file":
                blob = draw(st.sampled_from(FILES))
                out.append((spec.name, (io.BytesIO(blob), draw(st.sampled_from(
                    ["a.jpg", "a.png", "", "测试.gif", "x" * 300 + ".jpg"])))))
            else:
                out.append((spec.name, draw(bad_values(spec))))
    return Drawn(route, route.path(args), query, form)


class Drawn:
    """One request the fuzz sends; its repr stays short, however long the values in it."""

    def __init__(self, route: Route, path: str, query: list, form: list):
        self.route, self.path, self.query, self.form = route, path, query, form

    def __repr__(self):
        return f"{self.route.method} {_short(self.path)} {_short(self.query)} {_short(self.form)}"

    def _repr_pretty_(self, printer, cycle):  # hypothesis prints the failing example with it
        printer.text(repr(self))


# ---------------------------------------------------------------- the tests


def _with_ledger_entries(ids: dict) -> None:
    """tests/test_access.py makes the sale and the reservation as bare rows. The counter always
    debits their points with them (and a void reverses that entry), so give them theirs."""
    from portal.points import ledger
    from portal.shop.models import Redemption, Reservation

    sale = db.session.get(Redemption, ids["redemption_id"])
    booked = db.session.get(Reservation, ids["reservation_id"])
    ledger.earn(sale.user_id, 10_000, source_type="award", source_id=0)
    sale.ledger_entry_id = ledger.spend(sale.user_id, sale.total_tenths,
                                        source_type="redemption", source_id=sale.id).id
    booked.ledger_entry_id = ledger.spend(booked.user_id, booked.unit_tenths * booked.quantity,
                                          source_type="reservation", source_id=booked.id).id
    db.session.commit()



def test_every_route_has_a_fuzz_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert sorted(endpoints - set(FUZZ)) == [], "add a line to FUZZ in tests/test_fuzz.py"
    assert sorted(set(FUZZ) - endpoints) == [], "FUZZ names an endpoint that is gone"


def test_every_route_has_a_url_with_real_ids(app, make_user, tree):
    """The fuzz drives each rule with the ids of tests/test_access.py's URLs: it needs one."""
    ids = _targets(make_user, tree, "xinan")
    routes = routes_of(app, ids)
    wanted = {(rule.endpoint, method, rule.rule) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static" for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert sorted(wanted - set(routes)) == []


@pytest.mark.parametrize("role", ROLES)
def test_fuzz_never_answers_500(app, auth, make_user, tree, role):
    from tests.conftest import Auth

    ids = _targets(make_user, tree, "xinan")
    _with_ledger_entries(ids)
    actor = _actor(role, make_user, tree)
    phones = [db.session.scalar(select(User.phone).where(User.id == ids["user_id"])),
              "13700001234", "12345"]
    routes = routes_of(app, ids)
    add_table_entries(routes)
    visitor = Visitor(app, Auth, actor)
    receiver = _on_exception(visitor.errors)
    got_request_exception.connect(receiver, app, weak=False)
    try:
        # Every route once, pages first: what each page shows this role is harvested before
        # any post changes the rows, then each malformed path argument.
        ordered = sorted(routes.values(), key=lambda r: (r.method != "GET", str(r)))
        for route in ordered:
            path = route.path(route.args)
            limiter.reset()
            response = check(visitor, route, path, route.query, [])
            route.open = not _denied(response, role)
            if route.method == "GET" and response.mimetype == "text/html":
                harvest(app, response.get_data(as_text=True), route, routes)
            visitor.still_themselves()
        for route in ordered:
            for args in _malformed_path_args(route, SWEEP):
                check(visitor, route, route.path(args), route.query, [])
            visitor.still_themselves()
        _fuzz(visitor, [r for r in ordered if r.open], ids, phones)
    finally:
        got_request_exception.disconnect(receiver, app)


def _fuzz(visitor: Visitor, routes: list[Route], ids: dict, phones: list[str]) -> None:
    stop = time.monotonic() + SECONDS
    weighted = [route for route in routes for _ in range(1 + min(len(route.fields), 8))]

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=SEED is None,
              phases=[Phase.explicit, Phase.generate], print_blob=False,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(requests(weighted, ids, phones))
    def one(request):
        if time.monotonic() > stop:
            return  # the time bound: the rest of the examples are skipped, not failed
        route, path, query, form = request.route, request.path, request.query, request.form
        note(repr(request))
        limiter.reset()
        check(visitor, route, path, query, form)
        visitor.still_themselves()

    if SEED is not None:
        one = seed(int(SEED))(one)
    one()

