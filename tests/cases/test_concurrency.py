"""On PostgreSQL, 20 people taking the same step at once: exactly one wins, with one event and
the messages of one."""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cases import services
from portal.cases.models import Case, CaseEvent, CaseFollower
from portal.extensions import db
from portal.inbox.models import Message
from tests.conftest import pg_only, run_concurrently


def _count_events(case_id: int, kind: str) -> int:
    return db.session.scalar(select(func.count(CaseEvent.id)).where(
        CaseEvent.case_id == case_id, CaseEvent.kind == kind))


@pg_only
def test_20_members_claiming_one_matter_make_one_claim(app, file, make_user, resident):
    case_id = file("助老助残", title="帮独居老人换灯泡").id
    members = [make_user(party="verified").id for _ in range(20)]
    results = run_concurrently(app, 20, lambda i: services.claim(
        db.session.get(User, members[i]), db.session.get(Case, case_id)).status)
    assert results.count("accepted") == 1 and results.count("already_claimed") == 19, results
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.handler_id == members[results.index("accepted")]
    assert _count_events(case_id, "claimed") == 1
    assert db.session.scalar(select(func.count(Message.id)).where(
        Message.user_id == resident.id, Message.kind == "case.accepted")) == 1


@pg_only
def test_20_accepts_of_one_dispatch_accept_once(app, file, admin, gridworker):
    case = file()
    services.dispatch(admin, case, gridworker)
    db.session.commit()
    case_id, worker_id = case.id, gridworker.id
    results = run_concurrently(app, 20, lambda i: services.accept(
        db.session.get(User, worker_id), db.session.get(Case, case_id)).status)
    assert results.count("accepted") == 1 and results.count("wrong_status") == 19, results
    assert _count_events(case_id, "accepted") == 1


@pg_only
def test_20_me_toos_from_one_resident_count_once(app, file, make_user):
    case_id = file().id
    neighbour_id = make_user().id
    results = run_concurrently(app, 20, lambda i: services.join(
        db.session.get(User, neighbour_id), db.session.get(Case, case_id)))
    assert results.count(True) == 1 and results.count(False) == 19, results
    db.session.expire_all()
    assert db.session.get(Case, case_id).metoo_count == 1
    assert db.session.scalar(select(func.count(CaseFollower.id))) == 1
    assert _count_events(case_id, "joined") == 1


@pg_only
def test_20_ratings_at_once_rate_once(app, file, admin, gridworker, resident):
    case = file()
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "已修好")
    db.session.commit()
    case_id, resident_id = case.id, resident.id
    results = run_concurrently(app, 20, lambda i: services.rate(
        db.session.get(User, resident_id), db.session.get(Case, case_id),
        rating="unsatisfied", resolution="unsolved").status)
    assert results.count("revisit") == 1 and results.count("wrong_status") == 19, results
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.reopen_count == 1 and _count_events(case_id, "reopened") == 1
