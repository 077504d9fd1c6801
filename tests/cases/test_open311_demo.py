"""The demo's month of matters (portal/demo/cases.py): idempotent, every status, the seeds'
stories, a timeline in time order, and nothing left for `flask cases escalate` to do; the
Open311 reads show it."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cases import services
from portal.cases.apikeys import CaseApiKey
from portal.cases.models import STATUSES, Case, CaseEvent, CaseFollower, CaseUnit
from portal.demo import seed_demo
from portal.extensions import db
from portal.inbox.models import Message
from portal.types import utcnow

MODELS = (Case, CaseEvent, CaseFollower, CaseUnit, CaseApiKey, Message, User)


def counts():
    return [db.session.scalar(select(func.count(model.id))) for model in MODELS]


def test_seeding_twice_changes_nothing_and_leaves_every_status(client):
    logins = seed_demo()
    db.session.commit()
    assert ("物业联系人 unit contact", "13900000006", "周建军") in logins
    before = counts()
    seed_demo()
    db.session.commit()
    assert counts() == before
    cases = list(db.session.scalars(select(Case)))
    assert {c.status for c in cases} == set(STATUSES)
    assert len(cases) >= 12 and all(c.community.code == "DC-XA" for c in cases)
    assert {"online", "visit", "reception", "hotline"} <= {c.source for c in cases}
    assert {"instant", "timed", "joint"} <= {c.track for c in cases}
    closed = [c for c in cases if c.status == "closed"]
    assert {"satisfied", "basic", None} <= {c.rating for c in closed}
    assert any(c.reopen_count and c.status == "closed" for c in cases)  # 不满意, 回访, closed
    assert any(c.escalated_dt and c.status == "accepted" for c in cases)  # up to the 街道
    assert any(c.metoo_count >= 3 for c in cases)
    assert any(c.rated_by_id for c in cases)  # a rating given by phone
    assert any(c.visit_id for c in cases)  # raised at a door visit the contacts demo logged
    kinds = set(db.session.scalars(select(CaseEvent.kind)))
    assert {"joint_decision", "claimed", "revisited", "closed_unrated", "extended", "declined",
            "joined", "overdue", "escalated", "reminded"} <= kinds
    unit = db.session.scalar(select(CaseUnit))
    assert unit.name == "新安物业公司" and unit.contact.phone == "13900000006"
    assert client.post("/login", data={"phone": "13900000006",
                                       "password": "demo1234"}).status_code == 302


def test_the_timelines_run_in_time_order_and_escalation_finds_nothing_left():
    seed_demo()
    db.session.commit()
    now = utcnow()
    for case in db.session.scalars(select(Case)):
        times = [e.created_dt for e in case.events]
        assert times == sorted(times) and times[-1] <= now, case.title
        assert case.events[0].kind == "filed" and times[0] == case.created_dt
        if case.closed_dt is not None:
            assert case.closed_dt <= now and case.closed_dt >= case.created_dt
    assert max(db.session.scalars(select(Message.created_dt))) <= now
    assert services.escalate() == {"reminded": 0, "overdue": 0, "escalated": 0,
                                   "closed_unrated": 0, "messages": 0}


def test_the_public_reads_show_the_demo(client):
    seed_demo()
    db.session.commit()
    body = client.get("/open311/v2/requests.json?jurisdiction_id=DC-XA").get_json()
    public = db.session.scalar(select(func.count(Case.id)).where(Case.public.is_(True)))
    assert len(body) == public and {r["status"] for r in body} == {"open", "closed"}
    assert "王秀英" not in str(body) and "13900000001" not in str(body)
    services_json = client.get("/open311/v2/services.json?jurisdiction_id=DC-DM").get_json()
    assert len(services_json) == 8
