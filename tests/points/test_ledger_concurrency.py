"""Concurrent requests against PostgreSQL: exact outcome counts, balances equal to entries."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.points import ledger
from portal.points.models import LedgerEntry
from tests.conftest import pg_only, run_concurrently


@pg_only
def test_20_concurrent_spends_against_a_balance_that_covers_one(app, make_user):
    user = make_user()
    ledger.earn(user.id, 10, source_type="award", source_id=1)
    db.session.commit()
    user_id = user.id

    results = run_concurrently(app, 20, lambda i: ledger.spend(
        user_id, 10, source_type="redemption", source_id=i, memo="兑换大米").id)

    db.session.rollback()
    assert sum(isinstance(r, int) for r in results) == 1
    assert results.count("insufficient_points") == 19
    assert ledger.balance_of(user_id) == 0
    assert ledger.verify_balances() == []


@pg_only
def test_20_concurrent_credits_for_one_source_make_one_entry(app, make_user):
    user = make_user()
    db.session.commit()
    user_id = user.id

    results = run_concurrently(app, 20, lambda i: ledger.earn(
        user_id, 15, source_type="attendance", source_id=42, memo="周六市场执勤").id)

    db.session.rollback()
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1  # every caller got the same, single entry
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 1
    assert ledger.balance_of(user_id) == 15
    assert ledger.verify_balances() == []


@pg_only
def test_concurrent_reversals_of_one_entry_reverse_it_once(app, make_user):
    user = make_user()
    entry = ledger.earn(user.id, 30, source_type="award", source_id=1)
    db.session.commit()
    entry_id, user_id = entry.id, user.id

    results = run_concurrently(app, 10, lambda i: ledger.reverse(
        db.session.get(LedgerEntry, entry_id), memo="登记错误").id)

    db.session.rollback()
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert ledger.balance_of(user_id) == 0
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 2


@pg_only
def test_concurrent_first_postings_create_one_account(app, make_user):
    user = make_user()
    db.session.commit()
    user_id = user.id

    results = run_concurrently(app, 15, lambda i: ledger.earn(
        user_id, 10, source_type="award", source_id=i).id)

    db.session.rollback()
    assert all(isinstance(r, int) for r in results), results
    assert ledger.balance_of(user_id) == 150
    assert ledger.verify_balances() == []


@pg_only
def test_two_admins_approving_one_award_at_once_credit_it_once(app, tree, make_user):
    from portal.points import awards
    from portal.points.award_models import Award

    coordinator = make_user("coordinator", zone=tree.xinan)
    admins = [make_user("admin", zone=tree.xinan) for _ in range(2)]
    resident = make_user()
    award = awards.record_award(coordinator, resident, points="10", reason="救灾救人",
                                evidence_note="抗洪抢险")
    db.session.commit()
    award_id, admin_ids, resident_id = award.id, [a.id for a in admins], resident.id

    def approve(i):
        from portal.accounts.models import User

        return awards.approve_award(db.session.get(User, admin_ids[i]),
                                    db.session.get(Award, award_id)).status

    results = run_concurrently(app, 2, approve)

    db.session.rollback()
    assert sorted(results) == ["not_pending", "posted"], results
    assert ledger.balance_of(resident_id) == 100
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 1
