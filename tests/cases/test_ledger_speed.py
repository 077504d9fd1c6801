"""The public 晒账 page and the staff 台账 keep a flat query count as matters grow: the same
statements at 10 matters as at 1,000, inserted in bulk."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from portal.cases.ledger.base import month_span
from portal.cases.models import STATUSES, Case, CaseEvent
from portal.clock import local_today
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import make_zone

HANDLED = {"dispatched", "accepted", "resolved", "revisit", "closed"}


def add_matters(count: int, *, community, resident, worker, categories, zones) -> None:
    """`count` matters this month, in every status, grid and category, half of them public;
    one Core INSERT for the matters and one for their 不满意 events."""
    now = utcnow()
    start = month_span(local_today(now).replace(day=1))[0]
    cats = list(categories.values())
    matters, base_id = [], (db.session.scalar(select(func.max(Case.id))) or 0) + 1
    for i in range(count):
        status = STATUSES[i % len(STATUSES)]
        filed = max(start, now - timedelta(minutes=i))
        done = status in ("resolved", "revisit", "closed")
        matters.append({
            "id": base_id + i, "community_id": community.id, "zone_id": zones[i % 2].id,
            "category_id": cats[i % len(cats)].id, "title": f"事项{i}", "details": "",
            "place": "", "photos": [], "source": "online", "resident_id": resident.id,
            "filed_by_id": resident.id, "public": i % 2 == 0, "track": "timed",
            "status": status, "handler_id": worker.id if status in HANDLED else None,
            "due_dt": filed + timedelta(days=(i % 7) - 3), "extended": False,
            "resolved_dt": filed if done else None,
            "closed_dt": filed if status in ("closed", "declined", "withdrawn") else None,
            "reply": "已处理。" if done else "", "decline_reason": "",
            "rating": ("satisfied", "basic", None)[i % 3] if status == "closed" else
            ("unsatisfied" if status == "revisit" else None),
            "resolution": "partly" if done else None, "rating_comment": "",
            "reopen_count": int(status == "revisit"), "metoo_count": 0, "created_dt": filed})
    db.session.execute(insert(Case), matters)
    db.session.execute(insert(CaseEvent), [
        {"case_id": row["id"], "actor_id": None, "kind": "reopened", "note": "", "photos": [],
         "created_dt": now} for row in matters if row["status"] == "revisit"])
    db.session.commit()


def statements(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.fixture
def places(tree):
    return [tree.xinan_building, make_zone("桥头市场网格", "grid", tree.xinan, code="DC-XA-01")]


def test_ledger_pages_keep_a_flat_query_count(client, auth, count_queries, admin, resident,
                                              gridworker, categories, places, tree):
    auth.login(admin)
    urls = ("/cases/public/DC-XA", "/staff/cases/ledger", "/staff/cases/ledger/print",
            "/staff/cases/ledger.xlsx", "/cases/public")
    people = {"community": tree.xinan, "resident": resident, "worker": gridworker,
              "categories": categories, "zones": places}
    add_matters(10, **people)
    few = {url: statements(client, count_queries, url) for url in urls}
    started = time.monotonic()
    add_matters(990, **people)
    assert time.monotonic() - started < 10  # in bulk: seconds, not minutes
    assert db.session.scalar(select(func.count(Case.id))) == 1000
    many = {url: statements(client, count_queries, url) for url in urls}
    assert many == few
    # logged in: the user loader and the unread count, then the page's own few statements
    assert few["/staff/cases/ledger"] <= 10 and few["/cases/public/DC-XA"] <= 10
    html = client.get("/staff/cases/ledger").get_data(as_text=True)
    assert 'data-testid="opened">1000<' in html
