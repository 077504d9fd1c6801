"""Full-page screenshots of the portal at phone size, in normal and large text.

    .venv/bin/python scripts/screenshots.py [outdir] [path ...]   # default outdir: screenshots/

With paths after the outdir, only the pages whose path starts with one of them are shot
(e.g. `/staff/users` `/me`), for a quick look at the pages a change touched.

Builds a throw-away SQLite database with the demo community (portal.demo), serves the app
(DevConfig, so CSRF and rate limits are on) on a free local port, and drives the system
Chromium through Playwright. Files are named <role>-<slug>-<normal|large>.png.

To add a page, add a (role, path) tuple to PAGES; a new role also needs an entry in LOGINS.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from config import DevConfig  # noqa: E402
from portal import create_app  # noqa: E402
from portal.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.browser.chromium import CHROMIUM, VIEWPORT, launch, phone_context  # noqa: E402

#: (role, path) in the order they are shot. "anon" is not logged in.
PAGES: list[tuple[str, str]] = [
    ("anon", "/"),
    ("anon", "/login"),
    ("anon", "/register"),
    ("anon", "/nope"),  # the 404 page
    ("resident", "/"),
    ("resident", "/me"),
    ("resident", "/me/party"),
    ("resident", "/points/"),
    ("resident", "/points/hours"),
    ("resident", "/points/rules"),
    ("resident", "/points/notice"),
    ("resident", "/points/leaderboard"),
    ("resident", "/shifts/"),
    ("resident", "/shifts/1"),  # Saturday market duty, with posts; 王秀英 is on 交通疏导
    ("resident", "/shifts/6"),  # team-only: 七色花助老上门理发
    ("resident", "/shifts/mine"),
    ("resident", "/me/calendar"),
    ("resident", "/inbox/"),
    ("resident", "/teams/"),
    ("resident", "/me/code"),
    ("resident", "/shop/"),
    ("resident", "/shop/goods/1/reserve"),  # 金龙鱼大米 5kg
    ("resident", "/shop/reservations/1"),  # 王秀英's tissues, waiting with a pickup code
    ("resident", "/shop/reservations"),
    ("resident", "/c/s.7.1.not-a-real-signature-000000000000000"),  # a forged code's page
    ("coordinator", "/staff/shifts/"),
    ("coordinator", "/staff/shifts/1/roster"),
    ("coordinator", "/staff/shifts/activities/1"),
    ("coordinator", "/staff/shifts/activities/1/shifts/new"),
    ("coordinator", "/staff/shifts/templates/1/edit"),
    ("coordinator", "/staff/checkin/7/code"),  # 新安小区消防安全巡查, under way
    ("coordinator", "/staff/checkin/7/scan"),
    ("coordinator", "/staff/checkin/7/live"),
    ("coordinator", "/staff/checkin/7/poster"),
    ("clerk", "/staff/shop/"),
    ("clerk", "/staff/shop/1/goods"),
    ("clerk", "/staff/shop/1/goods/new"),
    ("clerk", "/staff/shop/1/movements"),
    ("clerk", "/staff/shop/1/counter"),
    ("clerk", "/staff/shop/1/redemptions"),  # today's sales: the way back to a receipt
    ("clerk", "/staff/shop/1/reservations"),
    ("clerk", "/staff/shop/reservations/1"),
    ("clerk", "/staff/shop/1/report"),
    ("resident", "/wishes/"),
    ("resident", "/wishes/new"),
    ("resident", "/wishes/1"),  # 赵桂兰's wheelchair, as the wall shows it: masked, no phone
    ("resident", "/wishes/3"),  # her own tap, claimed by 李建国
    ("resident", "/wishes/mine"),
    ("anon", "/wishes/thanks"),
    ("party", "/wishes/3"),  # the claimer's view: contact details and the fulfil form
    ("party", "/wishes/claims"),
    ("party", "/wishes/record"),
    ("party", "/wishes/ranking"),
    ("coordinator", "/staff/wishes/"),
    ("coordinator", "/staff/wishes/units"),
    ("coordinator", "/staff/wishes/units/cards?unit=东川区税务局"),
    ("admin", "/staff/party/posts"),
    ("clerk", "/staff/cards/7"),  # 赵桂兰, who has no smartphone
    ("clerk", "/staff/cards/card/1/print"),
    ("admin", "/staff/zones/3"),  # 桥头市场网格, with the check-in area fields
    ("admin", "/staff/dashboards/"),
    ("admin", "/staff/dashboards/2"),  # 新安路社区: this month beside last, four charts
    ("coordinator", "/staff/"),
    ("admin", "/staff/"),
    ("admin", "/staff/users"),
    ("admin", "/staff/users/1"),
    ("admin", "/staff/zones/"),
    ("admin", "/staff/party"),
    ("admin", "/staff/points/approvals"),  # 刘强's 8-point award, recorded by 陈志强
    ("admin", "/staff/points/awards/new"),
    ("admin", "/staff/points/rules"),
    ("admin", "/staff/points/residents/1"),
    ("admin", "/staff/moves"),  # 郑晓东 moving in from 东梅, with the balance he brings
    ("admin", "/staff/users/3"),  # 陈志强, a coordinator: the admin may reset and grant
    ("clerk", "/staff/users/5"),  # 张丽, an admin: the clerk sees no reset, and why
    ("coordinator", "/staff/users/3"),  # his own page: no staff tools on himself
    ("resident", "/cases/reception"),  # 社区工作日: 王秀英 booked the first Tuesday
    ("admin", "/staff/cases/reception"),
    ("coordinator", "/staff/cases/reception/1"),  # her booking, one tap from a matter
    ("coordinator", "/staff/cases/visits"),  # 陈志强's door visits and open matters
    ("resident", "/cases/mine"),
    ("resident", "/cases/new"),  # step one: kind and place
    ("resident", "/cases/2"),  # 王秀英's roof leak, closed and rated, handled by the 物业
    ("resident", "/cases/4"),  # her 商办 charging shed, in hand
    ("resident", "/cases/7"),  # her question, declined with where to go instead
    ("coordinator", "/cases/6"),  # 陈志强 handling the blocked stairwell: progress, resolve
    ("coordinator", "/cases/tasks"),
    ("party", "/cases/14"),  # open to claim (抢单): 李建国 sees the claim form
    ("unit", "/cases/12"),  # dispatched to 新安物业公司: its contact's accept form
    ("unit", "/cases/tasks"),
    ("admin", "/staff/cases/"),
    ("admin", "/staff/cases/13"),  # new: the dispatch form
    ("admin", "/staff/cases/8"),  # not satisfied: the 回访 form
    ("admin", "/staff/cases/9"),  # resolved, not rated yet: the phone rating form
    ("admin", "/staff/cases/new"),
    ("admin", "/staff/cases/categories"),
    ("admin", "/staff/cases/units"),
    ("admin", "/staff/cases/overdue"),
    ("admin", "/staff/cases/api-keys"),
    ("resident", "/me/api-tokens"),
    ("admin", "/staff/api-tokens"),
    ("resident", "/api/v1/docs"),
    ("resident", "/api/v1/docs/%E5%BE%AE%E5%BF%83%E6%84%BF"),  # the 微心愿 tag
    ("admin", "/staff/cases/ledger"),
    ("admin", "/staff/cases/ledger/print"),
    # 微公约 (convention 1: the demo's signed convention of 新安路社区)
    ("resident", "/conventions/"),
    ("resident", "/conventions/1"),
    ("resident", "/conventions/household"),
    ("admin", "/staff/conventions/"),
    ("admin", "/staff/conventions/new"),
    ("admin", "/staff/conventions/1"),
    ("admin", "/staff/conventions/1/paper"),
    ("admin", "/staff/conventions/1/coverage"),
    ("admin", "/staff/conventions/1/print"),
    ("admin", "/staff/conventions/1/persuasions"),
    ("admin", "/staff/exports/"),
    ("admin", "/staff/conventions/persuaders"),
    ("anon", "/cases/public"),
    ("anon", "/cases/public/DC-XA"),  # 新安路社区's 晒账: the demo month's public matters
    ("resident", "/council/"),  # 微议事: 新安路社区's topics by stage
    ("resident", "/council/new"),
    ("admin", "/staff/council/"),  # 议题审核: the branch's queue, the overdue first
    ("admin", "/staff/council/new"),
    # 微议事 meetings (the desk, a member's vote page and the minutes need a meeting id)
    ("admin", "/staff/council/bodies"),
    ("admin", "/staff/council/meetings"),
    ("admin", "/staff/council/meetings/new"),
    ("resident", "/council/meetings"),
    ("anon", "/council/outcomes"),
    # the demo's topics: 1 the 桥头市场 parking (passed), 3 the charging shed (in comment)
    ("resident", "/council/1"),
    ("resident", "/council/3"),
    ("resident", "/council/3?p=1"),
    ("admin", "/staff/council/3"),
    ("admin", "/staff/council/meetings/1"),
    ("admin", "/staff/council/meetings/1/code"),
    ("admin", "/staff/council/meetings/1/minutes"),
    ("party", "/council/meetings/1"),  # 李建国 is one of the 25 representatives
    ("anon", "/council/outcomes/1"),
    # 志愿服务记录证明: 王秀英's hours with 开具证明, her seeded certificate (1), the staff pages;
    # the public check of a made-up number (a real one is random: see the browser test)
    ("resident", "/points/hours"),
    ("resident", "/certificates/"),
    ("resident", "/certificates/new"),
    ("resident", "/certificates/1"),
    ("anon", "/v/ABCD-EFGH-JKMN-PQRS"),
    ("admin", "/staff/certificates/"),
    ("admin", "/staff/certificates/new"),
    ("admin", "/staff/certificates/1/revoke"),
    ("coordinator", "/staff/certificates/unrecorded"),
]

#: role -> (phone, password) from portal.demo; "anon" has no entry.
LOGINS: dict[str, tuple[str, str]] = {
    "resident": ("13900000001", DEMO_PASSWORD),  # 王秀英
    "party": ("13900000002", DEMO_PASSWORD),  # 李建国, verified 在职党员
    "coordinator": ("13900000003", DEMO_PASSWORD),  # 陈志强, 协调员 of 新安路社区
    "clerk": ("13900000004", DEMO_PASSWORD),  # 林美华, 积分超市管理员 of 新安路社区
    "admin": ("13900000005", DEMO_PASSWORD),  # 张丽, 社区管理员 of 新安路社区
    "unit": ("13900000006", DEMO_PASSWORD),  # 周建军, 新安物业公司's contact for matters
}

#: paths whose non-200 status is expected
EXPECTED_STATUS = {"/nope": 404, "/v/ABCD-EFGH-JKMN-PQRS": 404}

MODES = ("normal", "large")


def slug(path: str) -> str:
    """'/' -> 'home', '/staff/users/1' -> 'staff-users-1'."""
    return path.strip("/").replace("/", "-") or "home"


def build_app(db_path: Path):
    class ScreenshotConfig(DevConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_path}"
        SECRET_KEY = "screenshots-only-not-a-real-secret"
        RATELIMIT_STORAGE_URI = "memory://"

    app = create_app(ScreenshotConfig)
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
    return app


def log_in(page, base_url: str, role: str) -> None:
    phone, password = LOGINS[role]
    page.goto(f"{base_url}/login")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码", exact=True).fill(password)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="登录", exact=True).click()
    if "/login" in page.url:
        raise SystemExit(f"could not log in as {role} ({phone}): still on {page.url}")


def set_mode(context, base_url: str, mode: str) -> None:
    if mode == "large":
        context.add_cookies([{"name": "text_size", "value": "large", "url": base_url}])
    else:
        context.clear_cookies(name="text_size")


def full_page_screenshot(page, target: Path) -> None:
    """Like full_page=True, but with the fixed bottom bar at the real bottom of the page.

    Chromium's full-page capture keeps position:fixed elements where they sit in the 844px
    viewport, so the bottom navigation would cover the middle of long pages. Growing the
    viewport to the document's height first puts it where a resident sees it after scrolling.
    """
    height = page.evaluate("document.documentElement.scrollHeight")
    if height > VIEWPORT["height"]:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        try:
            page.screenshot(path=str(target))
        finally:
            page.set_viewport_size(VIEWPORT)
    else:
        page.screenshot(path=str(target))


def shoot(browser, base_url: str, outdir: Path, pages=PAGES) -> list[Path]:
    written: list[Path] = []
    roles = list(dict.fromkeys(role for role, _path in pages))
    for role in roles:
        if role != "anon" and role not in LOGINS:
            raise SystemExit(f"role {role!r} in PAGES has no entry in LOGINS")
        context = phone_context(browser, base_url, device_scale_factor=1)
        page = context.new_page()
        try:
            if role != "anon":
                log_in(page, base_url, role)
            for mode in MODES:
                set_mode(context, base_url, mode)
                for page_role, path in pages:
                    if page_role != role:
                        continue
                    response = page.goto(f"{base_url}{path}")
                    page.evaluate("document.fonts.ready.then(() => true)")
                    status = response.status if response else 0
                    notes = []
                    if status != EXPECTED_STATUS.get(path, 200):
                        notes.append(f"status {status}")
                    if page.url.split("?")[0] != f"{base_url}{path}":
                        notes.append(f"ended on {page.url.removeprefix(base_url)}")
                    html_class = page.evaluate("document.documentElement.className")
                    if f"{mode}-text" not in html_class.split():
                        notes.append(f"html class is {html_class!r}")
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > VIEWPORT["width"]:
                        notes.append(f"horizontal overflow: scrollWidth {width}")
                    target = outdir / f"{role}-{slug(path)}-{mode}.png"
                    full_page_screenshot(page, target)
                    written.append(target)
                    print(target, f"  WARNING: {'; '.join(notes)}" if notes else "", flush=True)
        finally:
            context.close()
    return written


def main(argv: list[str]) -> int:
    outdir = Path(argv[1] if len(argv) > 1 else "screenshots")
    outdir.mkdir(parents=True, exist_ok=True)
    only = tuple(argv[2:])
    pages = [(role, path) for role, path in PAGES if not only or path.startswith(only)]
    if not os.path.exists(CHROMIUM):
        print(f"Chromium not found at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="portal-shots-") as tmp:
        app = build_app(Path(tmp) / "demo.sqlite3")
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base_url = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                try:
                    written = shoot(browser, base_url, outdir, pages)
                finally:
                    browser.close()
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            with app.app_context():
                db.engine.dispose()
    print(f"{len(written)} screenshots in {outdir}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
