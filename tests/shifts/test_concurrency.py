"""Concurrent sign-ups and cancellations on PostgreSQL: exact outcome counts, arrival order."""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.inbox.models import Message
from portal.shifts import signups
from portal.shifts.models import Shift, SignUp
from tests.conftest import pg_only, run_concurrently


def _statuses(shift_id: int) -> dict[str, int]:
    db.session.rollback()
    return dict(db.session.execute(
        select(SignUp.status, func.count()).where(SignUp.shift_id == shift_id)
        .group_by(SignUp.status)).all())


@pg_only
def test_40_residents_at_once_for_10_places(app, make_user, make_shift):
    shift = make_shift(capacity=10)
    ids = [make_user().id for _ in range(40)]
    shift_id = shift.id

    def sign_up(i):
        return signups.sign_up(db.session.get(User, ids[i]), db.session.get(Shift, shift_id)).status

    results = run_concurrently(app, 40, sign_up)

    assert sorted(results) == ["confirmed"] * 10 + ["waitlisted"] * 30, results
    assert _statuses(shift_id) == {"confirmed": 10, "waitlisted": 30}
    rows = list(db.session.scalars(
        select(SignUp).where(SignUp.shift_id == shift_id).order_by(SignUp.queue_seq)))
    # Arrival order is the order the shift's lock was granted: queue_seq 1..40 without gaps,
    # the first ten confirmed, the rest waiting in that order.
    assert [r.queue_seq for r in rows] == list(range(1, 41))
    assert [r.status for r in rows] == ["confirmed"] * 10 + ["waitlisted"] * 30
    assert [signups.waitlist_position(r) for r in rows[10:]] == list(range(1, 31))
    assert db.session.scalar(select(func.count(Message.id))) == 40


@pg_only
def test_two_cancellations_at_once_promote_exactly_two(app, make_user, make_shift):
    shift = make_shift(capacity=2)
    people = [make_user() for _ in range(5)]
    rows = [signups.sign_up(p, shift) for p in people]
    db.session.commit()
    cancel = [(people[0].id, rows[0].id), (people[1].id, rows[1].id)]
    shift_id, waiting = shift.id, [p.id for p in people[2:]]

    def cancel_one(i):
        user_id, signup_id = cancel[i]
        return signups.cancel_signup(db.session.get(User, user_id), signup_id).status

    results = run_concurrently(app, 2, cancel_one)

    assert results == ["cancelled", "cancelled"]
    assert _statuses(shift_id) == {"cancelled": 2, "confirmed": 2, "waitlisted": 1}
    promoted = set(db.session.scalars(select(SignUp.user_id).where(
        SignUp.shift_id == shift_id, SignUp.status == "confirmed")))
    assert promoted == set(waiting[:2])  # the first two in line, not the third
    assert db.session.scalar(select(func.count(Message.id)).where(
        Message.kind == "signup.promoted")) == 2


@pg_only
def test_the_same_resident_twice_at_once_makes_one_sign_up(app, make_user, make_shift):
    shift, resident = make_shift(capacity=5), make_user()
    shift_id, user_id = shift.id, resident.id

    results = run_concurrently(app, 10, lambda i: signups.sign_up(
        db.session.get(User, user_id), db.session.get(Shift, shift_id)).id)

    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert _statuses(shift_id) == {"confirmed": 1}
    assert db.session.scalar(select(func.count(Message.id))) == 1


@pg_only
def test_cancel_and_sign_up_racing_never_overfill(app, make_user, make_shift):
    shift = make_shift(capacity=3)
    holders = [make_user() for _ in range(3)]
    rows = [signups.sign_up(p, shift) for p in holders]
    db.session.commit()
    newcomers = [make_user().id for _ in range(6)]
    shift_id = shift.id
    holder_rows = [(p.id, r.id) for p, r in zip(holders, rows, strict=True)]

    def work(i):
        if i < 3:
            user_id, signup_id = holder_rows[i]
            return signups.cancel_signup(db.session.get(User, user_id), signup_id).status
        return signups.sign_up(db.session.get(User, newcomers[i - 3]),
                               db.session.get(Shift, shift_id)).status

    results = run_concurrently(app, 9, work)

    assert not [r for r in results if isinstance(r, Exception)], results
    counts = _statuses(shift_id)
    assert counts["confirmed"] == 3 and counts["cancelled"] == 3
    assert counts.get("waitlisted", 0) == 3
