"""The dashboard pages: whose scopes are listed, refusals outside them, the period form,
the charts and their tables, the page weight, and a query count flat in the rows."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.demo import seed_demo
from portal.demo.lookup import zone
from portal.extensions import db
from portal.types import utcnow

BUDGET = 60 * 1024


def _names(html: str) -> list[str]:
    block = html.split('data-testid="dashboard-scopes"')[1].split("</ul>")[0]
    return re.findall(r"<span>([^<]+)</span></a>", block)


def test_each_staff_member_sees_their_scopes(client, auth, make_user, tree):
    for role, where, expected in [
        ("coordinator", tree.xinan_grid, ["新安小区网格"]),
        ("admin", tree.xinan, ["新安路社区", "新安小区网格"]),
        ("superadmin", None, ["东川街道", "东梅社区", "新安路社区"]),  # by code
    ]:
        auth.login(make_user(role, zone=where))
        page = client.get("/staff/dashboards/")
        assert page.status_code == 200
        assert _names(page.text) == expected, role
        auth.logout()


def test_out_of_scope_is_refused(client, auth, make_user, tree):
    auth.login(make_user("coordinator", zone=tree.xinan_grid))
    assert client.get(f"/staff/dashboards/{tree.xinan_grid.id}").status_code == 200
    assert client.get(f"/staff/dashboards/{tree.xinan.id}").status_code == 403
    assert client.get(f"/staff/dashboards/{tree.dongmei_grid.id}").status_code == 403
    assert client.get(f"/staff/dashboards/{tree.xinan_building.id}").status_code == 404
    assert client.get("/staff/dashboards/999999").status_code == 404


def test_the_period_form(client, auth, make_user, tree):
    auth.login(make_user("admin", zone=tree.xinan))
    url = f"/staff/dashboards/{tree.xinan.id}"
    page = client.get(url + "?period=custom&first=2026-11-10&last=2026-11-19")
    assert page.status_code == 200
    assert "2026-11-10 — 2026-11-19（10 天）" in page.text
    assert "上期 2026-10-31 — 2026-11-09" in page.text
    for query, words in [("period=custom&first=2026-11-19&last=2026-11-10", "结束日期不能早于"),
                         ("period=custom&first=2020-01-01&last=2026-11-10", "最长 366 天"),
                         ("period=custom&first=2026-13-45&last=x", "日期"),
                         ("period=custom", "请填写开始和结束日期")]:
        page = client.get(f"{url}?{query}")
        assert page.status_code == 200
        assert 'data-testid="period-problem"' in page.text and words in page.text, query


@pytest.fixture
def demo_admin(client):
    seed_demo()
    db.session.commit()
    admin = db.session.scalar(select(User).where(User.phone == "13900000005"))
    client.post("/login", data={"phone": admin.phone, "password": "demo1234"})
    return admin


def _first_load(client, url: str) -> int:
    """The HTML and every same-site file it loads (stylesheets, scripts, images)."""
    page = client.get(url)
    assert page.status_code == 200
    total = len(page.data)
    for ref in set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)):
        if ref.endswith((".css", ".js", ".svg", ".png", ".woff2")) or "?" in ref:
            with client.get(ref) as answer:
                total += len(answer.data)
    return total


def test_charts_tables_and_weight(client, demo_admin):
    url = f"/staff/dashboards/{zone('DC-XA').id}"
    page = client.get(url)
    html = page.text
    svgs = re.findall(r"<svg [^>]*role=\"img\"[^>]*>", html)
    assert len(svgs) >= 4 and all("aria-label=" in s for s in svgs)
    assert html.count("<table") >= 4 + 6 and html.count("<caption>") == html.count("<table")
    assert "<script" not in html.split("<main")[1] and "style=" not in html.split("<main")[1]
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    for size in ("normal", "large"):
        client.set_cookie("text_size", size)
        weight = _first_load(client, url)
        print(f"first load, {size} text: {weight} bytes")
        assert weight <= BUDGET, size


def test_query_count_is_flat_in_the_rows(client, demo_admin, count_queries, volume):
    community = zone("DC-XA")
    url = f"/staff/dashboards/{community.id}"
    grid, building = zone("DC-XA-02"), zone("DC-XA-02-01")

    def count() -> int:
        started = time.perf_counter()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        print(f"dashboard in {time.perf_counter() - started:.2f} s")
        return counter.count

    client.get(url)  # warm: the first request loads what every later one has cached
    counts = [count()]
    when = utcnow() - timedelta(minutes=5)
    for n in (300, 2700):  # the demo's rows, then about 10x and 100x of them
        volume(building, grid, n, when)
        counts.append(count())
    print(f"statements per dashboard at 1x, 10x, 100x: {counts}")
    assert counts[0] == counts[1] == counts[2], counts
