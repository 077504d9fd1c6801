"""Ledger invariants: exactly-once postings, a balance that never goes negative and always
equals its entries, linked reversals, and entries that can never change."""

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError

from portal.errors import DomainError
from portal.extensions import db
from portal.points import ledger
from portal.points.amounts import format_points, parse_points
from portal.points.models import AppendOnlyError, LedgerEntry


def entries_of(user):
    return db.session.scalar(
        select(func.count(LedgerEntry.id)).join(LedgerEntry.account)
        .where(LedgerEntry.account.has(user_id=user.id)))


@pytest.mark.parametrize("text_value, tenths", [("1", 10), ("1.5", 15), ("3", 30), ("0.1", 1),
                                                (" 2.0 ", 20), ("10000", 100000)])
def test_parse_points_exact_to_a_tenth(text_value, tenths):
    assert parse_points(text_value) == tenths


@pytest.mark.parametrize("bad", ["", "abc", "1.55", "-1", "0", "1e9", "NaN", "inf", "10000.1",
                                 "1,5", "１.5x", "1e400", "-1e400", "1e999999999", "1e-400"])
def test_parse_points_refuses_bad_input(bad):
    with pytest.raises(DomainError):
        parse_points(bad)


def test_format_points():
    assert [format_points(v) for v in (15, 10, 0, -15, 1)] == ["1.5", "1", "0", "-1.5", "0.1"]
    assert format_points(15, signed=True) == "+1.5"


def test_earn_then_spend_moves_the_cached_balance(make_user):
    user = make_user()
    ledger.earn(user.id, 15, source_type="award", source_id=1, memo="调处纠纷")
    ledger.earn(user.id, 30, source_type="award", source_id=2, memo="救灾救人")
    entry = ledger.spend(user.id, 20, source_type="redemption", source_id=1, memo="兑换大米")
    db.session.commit()
    assert ledger.balance_of(user.id) == 25
    assert entry.balance_after_tenths == 25 and entry.amount_tenths == -20
    assert ledger.verify_balances() == []


def test_same_source_earns_once(make_user):
    user = make_user()
    first = ledger.earn(user.id, 10, source_type="attendance", source_id=7)
    again = ledger.earn(user.id, 10, source_type="attendance", source_id=7)
    db.session.commit()
    assert first.id == again.id
    assert ledger.balance_of(user.id) == 10 and entries_of(user) == 1


def test_spend_beyond_balance_is_refused_and_changes_nothing(make_user):
    user = make_user()
    ledger.earn(user.id, 10, source_type="award", source_id=1)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        ledger.spend(user.id, 11, source_type="redemption", source_id=1)
    assert error.value.code == "insufficient_points"
    db.session.commit()
    assert ledger.balance_of(user.id) == 10 and entries_of(user) == 1


def test_reversal_is_linked_and_happens_once(make_user):
    user = make_user()
    entry = ledger.earn(user.id, 15, source_type="award", source_id=1, memo="调处纠纷")
    reversal = ledger.reverse(entry, memo="重复登记")
    again = ledger.reverse(entry)
    db.session.commit()
    assert reversal.id == again.id
    assert reversal.reversal_of_id == entry.id and reversal.amount_tenths == -15
    assert db.session.get(LedgerEntry, entry.id).reversed_by.id == reversal.id
    assert ledger.balance_of(user.id) == 0
    with pytest.raises(DomainError) as error:
        ledger.reverse(reversal)
    assert error.value.code == "reverse_reversal"


def test_reversal_that_would_go_negative_is_refused(make_user):
    user = make_user()
    entry = ledger.earn(user.id, 20, source_type="award", source_id=1)
    ledger.spend(user.id, 15, source_type="redemption", source_id=1)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        ledger.reverse(entry)
    assert error.value.code == "reversal_would_overdraw"
    db.session.commit()
    assert ledger.balance_of(user.id) == 5


def test_orm_refuses_to_change_or_delete_an_entry(make_user):
    user = make_user()
    entry = ledger.earn(user.id, 10, source_type="award", source_id=1)
    db.session.commit()
    entry.memo = "改一下"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(LedgerEntry, entry.id))
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    update(LedgerEntry).values(amount_tenths=999),
    delete(LedgerEntry),
])
def test_database_refuses_to_change_or_delete_an_entry(make_user, statement):
    user = make_user()
    ledger.earn(user.id, 10, source_type="award", source_id=1)
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(statement.execution_options(synchronize_session=False))
    db.session.rollback()
    assert ledger.balance_of(user.id) == 10 and entries_of(user) == 1


def test_database_refuses_a_negative_balance(make_user):
    user = make_user()
    ledger.earn(user.id, 10, source_type="award", source_id=1)
    db.session.commit()
    with pytest.raises(DatabaseError):
        db.session.execute(text("UPDATE points_accounts SET balance_tenths = -1"))
    db.session.rollback()


def test_verify_names_accounts_that_do_not_match(make_user):
    good, bad = make_user(), make_user()
    ledger.earn(good.id, 10, source_type="award", source_id=1)
    ledger.earn(bad.id, 10, source_type="award", source_id=2)
    db.session.commit()
    db.session.execute(text("UPDATE points_accounts SET balance_tenths = 99 "
                            f"WHERE user_id = {bad.id}"))
    db.session.commit()
    assert ledger.verify_balances() == [(bad.id, 99, 10)]


def test_ledger_verify_command(runner, make_user):
    user = make_user()
    ledger.earn(user.id, 10, source_type="award", source_id=1)
    db.session.commit()
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    db.session.execute(text(f"UPDATE points_accounts SET balance_tenths = 3 "
                            f"WHERE user_id = {user.id}"))
    db.session.commit()
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    assert user.phone in result.output


def test_a_key_reused_for_another_resident_or_amount_is_a_bug_not_a_retry(make_user):
    from portal.points.ledger import LedgerConflict

    alice, bob = make_user(), make_user()
    ledger.earn(alice.id, 10, source_type="attendance", source_id=5)
    db.session.commit()
    with pytest.raises(LedgerConflict):
        ledger.earn(bob.id, 10, source_type="attendance", source_id=5)
    with pytest.raises(LedgerConflict):
        ledger.earn(alice.id, 20, source_type="attendance", source_id=5)
