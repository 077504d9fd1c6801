"""`flask cases escalate`: remind at 1 working day left, overdue at the deadline, up to the 街道
one working day later, unrated closes after 7 days; each once, however often it runs."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cases import services
from portal.cases.models import Case, CaseEvent
from portal.extensions import db
from tests.cases.conftest import TUESDAY
from tests.conftest import pg_only, run_concurrently
from tests.helpers import messages

ZERO = {"reminded": 0, "overdue": 0, "escalated": 0, "closed_unrated": 0, "messages": 0}


def at(day: int, hour: int) -> datetime:
    """A local (Shanghai) time in November 2026, in UTC."""
    return datetime(2026, 11, day, hour, tzinfo=UTC) - timedelta(hours=8)


def test_each_mark_once_along_the_working_days(file, admin, gridworker, street_admin):
    case = file()  # 房屋漏水, filed Tuesday 11-10: due Tuesday 11-17, end of day
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    db.session.commit()
    assert services.escalate(at(13, 10)) == ZERO  # Friday: two working days left
    assert services.escalate(at(16, 10))["reminded"] == 1  # Monday: one left
    assert len(messages(gridworker, "case.reminder")) == 1
    assert services.escalate(at(16, 11)) == ZERO
    overdue = services.escalate(at(18, 1))
    assert overdue["overdue"] == 1 and overdue["escalated"] == 0
    assert len(messages(admin, "case.overdue")) == 1  # the dispatcher
    assert services.escalate(at(18, 23)) == ZERO  # still within the working day after
    up = services.escalate(at(19, 0))
    assert up["escalated"] == 1
    assert len(messages(street_admin, "case.escalated")) == 1
    for hour in (1, 2, 3):
        assert services.escalate(at(19, hour)) == ZERO
    db.session.commit()
    assert [e.kind for e in case.events][-3:] == ["reminded", "overdue", "escalated"]


def test_an_undispatched_matter_tells_the_community_admins(file, admin):
    file()
    db.session.commit()
    result = services.escalate(at(18, 1))
    assert result["overdue"] == 1 and result["reminded"] == 0
    assert len(messages(admin, "case.overdue")) == 1


def test_a_resolved_matter_is_not_chased(file, admin, gridworker):
    case = file()
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "已修好", now=TUESDAY)
    db.session.commit()
    result = services.escalate(at(19, 1))
    assert result["overdue"] == 0 and result["escalated"] == 0


def test_a_make_up_saturday_counts_toward_the_deadline(file):
    # filed Thursday 2026-02-12: Fri 13, Sat 14 (调休, worked), then the Spring Festival
    # holiday to the 23rd; 5 working days end on Thursday the 26th
    case = file(now=datetime(2026, 2, 12, 2, 0, tzinfo=UTC))
    assert case.due_dt == datetime(2026, 2, 26, 15, 59, 59, tzinfo=UTC)


def test_the_command(app, file, admin):
    file()
    db.session.commit()
    output = app.test_cli_runner().invoke(args=["cases", "escalate"]).output
    assert "overdue:" in output and "escalated:" in output


@pg_only
def test_concurrent_runs_mark_and_message_once(app, file, admin, gridworker, street_admin):
    case = file()
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    db.session.commit()
    results = run_concurrently(app, 8, lambda i: services.escalate(at(20, 10)))
    assert sum(r["overdue"] for r in results) == 1, results
    assert sum(r["escalated"] for r in results) == 1, results
    assert len(messages(admin, "case.overdue")) == 1
    assert len(messages(street_admin, "case.escalated")) == 1
    assert db.session.scalar(select(func.count(CaseEvent.id)).where(
        CaseEvent.kind.in_(("overdue", "escalated")))) == 2


@pg_only
def test_an_escalation_racing_a_resolve_leaves_one_consistent_state(app, file, admin,
                                                                    gridworker):
    case = file()
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    db.session.commit()
    case_id, worker_id = case.id, gridworker.id

    def work(i):
        if i % 2:
            return services.escalate(at(20, 10))
        return services.resolve(db.session.get(User, worker_id),
                                db.session.get(Case, case_id), "已修好").status

    results = run_concurrently(app, 2, work)
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.status == "resolved" and results[0] == "resolved", results
    kinds = [e.kind for e in case.events]
    assert kinds.count("resolved") == 1 and kinds.count("overdue") <= 1
    assert (case.overdue_dt is None) == ("overdue" not in kinds)
