"""axe on every page of the portal, in normal and in large text, and every tap target on it
at least 44 px high (60 px in large text).

The pages come from the URL map, not from a list kept here: every GET row of
tests/test_access.py's ACCESS table (which must itself cover every route) is opened with the
real ids that `_targets` builds, by someone the table lets in. A response that is not HTML (a
QR code, a CSV, a calendar) is not a page: it only has to answer. A GET endpoint that is never
seen as a page, and is not in NOT_PAGES below, fails the sweep, so a new page cannot slip by.

One logged-in browser context per visitor, axe loaded as each page starts, and one run per
page per text size keep the sweep to a couple of minutes on a small CI machine."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.points.award_models import Award
from portal.shifts.models import Shift
from tests.browser.a11y import axe_violations, install_axe
from tests.browser.chromium import phone_context
from tests.browser.helpers import TAP_TARGETS_JS, log_in
from tests.test_access import ACCESS, _targets

pytestmark = pytest.mark.browser

#: Who opens the pages: a guest; the resident every id belongs to (sign-up, awards, wish,
#: reservation, member card); a neighbour in the same community, a verified party member; and a
#: community admin, who may open every staff page.
VISITORS = ("anonymous", "owner", "neighbour", "admin")

#: endpoint -> visitor, where the default (the owner wherever a resident may look, a guest as
#: well where anybody may, the admin elsewhere) would be sent away from the page
VISITOR = {
    "accounts.login": "anonymous",  # a logged-in visitor is sent home
    "accounts.register": "anonymous",
    "points.object_to": "neighbour",  # a neighbour questions the owner's award on notice
}

#: endpoint -> URL, where ACCESS's URL (enough to test the door) answers 404 instead of the page
URL = {
    "points.object_to": "/points/notice/{posted_award_id}/object",  # ACCESS's award is pending
    "shifts_calendar.feed": "/cal/{feed_token}.ics",  # ACCESS's token is made up
    "wishes_staff.unit_cards": "/staff/wishes/units/cards?unit={unit}",  # "x" is no work unit
    "wishes_staff.unit_csv": "/staff/wishes/units/cards.csv?unit={unit}",
}

#: GET endpoints never seen as a page, and why. Only what cannot be reached as a page belongs
#: here: each must still answer without an error, and not with an HTML page.
NOT_PAGES = {
    "shifts.sign_up": "only sends a GET (back from the login page) on to the shift's page",
    "shop.photo": "a good's photo (JPEG); the sweep uploads none, so it is a 404",
    "wishes.photo": "a wish's photo (JPEG); the sweep uploads none, so it is a 404",
    "points.award_photo": "an award's evidence photo (JPEG); none uploaded, so a 404",
    "cases_staff.photo": "a matter's photo (JPEG) for staff; none uploaded, so a 404",
    "conventions_staff.paper_photo": "a paper sheet's photo (JPEG); none uploaded, so a 404",
    "cases.photo": "a matter's photo (JPEG); the sweep uploads none, so it is a 404",
    "council.photo": "a topic's photo (JPEG); the sweep uploads none, so it is a 404",
    "certificates.pdf_file": "the certificate as a PDF download (the same sheet as its page)",
    "exports.download": "an Excel file (XLSX) to download, not a page",
    "api.openapi": "the OpenAPI spec (JSON); its HTML reference is api.docs, which is swept",
    "api.balance": "JSON for a bearer token; a browser session gets a JSON 401",
    "api.passbook": "JSON for a bearer token; a browser session gets a JSON 401",
    "api.goods": "JSON for a bearer token; a browser session gets a JSON 401",
    "api.shifts": "JSON for a bearer token; a browser session gets a JSON 401",
    "api.shift": "JSON for a bearer token; a browser session gets a JSON 401",
    "api.wishes": "JSON for a bearer token; a browser session gets a JSON 401",
    "api.my_claims": "JSON for a bearer token; a browser session gets a JSON 401",
    "api.wish": "JSON for a bearer token; a browser session gets a JSON 401",
    "api.exports": "JSON for a bearer token; a browser session gets a JSON 401",
    "api.export": "JSON for a bearer token; a browser session gets a JSON 401",
    "offline.public_keys": "the portal's public signing key (JSON), for scanning devices",
    "offline.worker": "the service worker's script (JavaScript), not a page",
}

#: more pages: the error page, as a guest sees it; home and 我的 as staff see them (with the
#: way to their 工作台)
EXTRA = [("anonymous", None, "/this-page-is-not-here", 404),
         ("admin", "main.index", "/", 200),
         ("admin", "accounts.profile", "/me", 200)]

#: text size -> the smallest tap target allowed
MODES = {"normal": 44, "large": 60}


def _visitors(endpoint: str, allowed: set[str]) -> list[str]:
    if endpoint in VISITOR:
        return [VISITOR[endpoint]]
    if not allowed or "resident" in allowed:  # nobody but the owner, or any resident
        return ["anonymous", "owner"] if "anonymous" in allowed else ["owner"]
    assert "admin" in allowed, (endpoint, allowed)
    return ["admin"]


def _plan(app, ids: dict) -> dict[str, list[tuple[str | None, str, int]]]:
    """visitor -> [(endpoint, url, expected status)] for every GET row of ACCESS."""
    adapter = app.url_map.bind("localhost")
    plan: dict[str, list] = {visitor: [] for visitor in VISITORS}
    for (endpoint, method, template), allowed in sorted(ACCESS.items()):
        if method != "GET":
            continue
        url = URL.get(endpoint, template).format(**ids)
        assert adapter.match(urlsplit(url).path)[0] == endpoint, (endpoint, url)
        for visitor in _visitors(endpoint, allowed):
            plan[visitor].append((endpoint, url, 200))
    for visitor, endpoint, url, status in EXTRA:
        plan[visitor].append((endpoint, url, status))
    return plan


def _more_targets(ids: dict, owner: User, neighbour: User, admin: User) -> dict:
    """The ids URL needs, and a printed poster so the poster's image exists."""
    from portal.checkin import posters
    from portal.shifts import calendar

    posted = db.session.scalar(select(Award.id).where(Award.recipient_id == owner.id,
                                                      Award.status == "posted"))
    feed = calendar.feed_for(owner)
    posters.issue(admin, db.session.get(Shift, ids["shift_id"]))
    db.session.commit()
    return {**ids, "posted_award_id": posted, "feed_token": feed.token,
            "unit": neighbour.party.work_unit}


def _set_text_size(context, base_url: str, mode: str) -> None:
    if mode == "large":
        context.add_cookies([{"name": "text_size", "value": "large", "url": base_url}])
    else:
        context.clear_cookies(name="text_size")


class Sweep:
    """What the sweep saw, page by page."""

    def __init__(self):
        self.problems: list[str] = []  # not opened as a page, or a NOT_PAGES entry that is one
        self.violations: list[str] = []  # axe's
        self.small: list[str] = []  # tap targets under 44 px, 60 px in large text
        self.pages: set[str] = set()  # endpoints seen as a page
        self.answered: set[str] = set()  # endpoints that answered with something not HTML
        self.visits = 0

    def probe(self, context, visitor: str, rows) -> list[tuple[str | None, str]]:
        """The rows that are HTML pages. Asked outside the page: a CSV would start a download."""
        html = []
        for endpoint, url, status in rows:
            response = context.request.get(url, max_redirects=0)
            is_html = response.headers.get("content-type", "").startswith("text/html")
            seen = f"{visitor} {url} ({endpoint}): {response.status}"
            if endpoint in NOT_PAGES:
                if response.status >= 500 or (response.status == 200 and is_html):
                    self.problems.append(f"{seen}, but NOT_PAGES says it is no page")
            elif response.status != status:
                self.problems.append(f"{seen} {response.headers.get('location', '')}")
            elif is_html:
                html.append((endpoint, url))
            else:
                self.answered.add(endpoint)
            response.dispose()
        return html

    def check(self, page, visitor: str, mode: str, endpoint: str | None, url: str) -> None:
        page.goto(url)
        self.visits += 1
        self.pages.add(endpoint)
        where = f"{url} [{visitor}, {mode} text]"
        self.violations += [f"{where} {found}" for found in axe_violations(page)]
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        self.small += [f"{where} {target}" for target in page.evaluate(TAP_TARGETS_JS, True)
                       if target["height"] < MODES[mode]]


def test_every_page_passes_axe_with_big_enough_tap_targets(app, browser, live_server,
                                                            make_user, tree):
    started = time.monotonic()
    get_endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                     if "GET" in rule.methods and rule.endpoint != "static"}
    in_table = {endpoint for endpoint, method, _url in ACCESS if method == "GET"}
    assert get_endpoints <= in_table, (
        f"GET routes without a row in tests/test_access.py ACCESS: {get_endpoints - in_table}")
    assert set(NOT_PAGES) <= get_endpoints, set(NOT_PAGES) - get_endpoints

    ids = _targets(make_user, tree, "xinan")
    owner = db.session.get(User, ids["user_id"])
    neighbour = make_user(party="verified")
    admin = make_user("admin", zone=tree.xinan)
    ids = _more_targets(ids, owner, neighbour, admin)
    phones = {"owner": owner.phone, "neighbour": neighbour.phone, "admin": admin.phone}

    sweep = Sweep()
    for visitor, rows in _plan(app, ids).items():
        context = phone_context(browser, live_server)
        install_axe(context)
        try:
            page = context.new_page()
            if visitor != "anonymous":
                log_in(page, phones[visitor], live_server)
            html = sweep.probe(context, visitor, rows)
            for mode in MODES:
                _set_text_size(context, live_server, mode)
                for endpoint, url in html:
                    sweep.check(page, visitor, mode, endpoint, url)
        finally:
            context.close()
    print(f"\naxe sweep: {sweep.visits} page visits in {time.monotonic() - started:.0f} s")

    assert not sweep.problems, "not opened as pages:\n" + "\n".join(sweep.problems)
    unseen = get_endpoints - sweep.pages - sweep.answered - set(NOT_PAGES)
    assert not unseen, f"GET endpoints the sweep never saw as a page: {sorted(unseen)}"
    assert not sweep.violations, (f"axe found {len(sweep.violations)}:\n"
                                  + "\n".join(sweep.violations))
    assert not sweep.small, "tap targets under 44 px (60 in large text):\n" + "\n".join(
        sweep.small)
