"""The points ledger: post entries exactly once, keep the cached balance true, reverse.

Every posting runs in a savepoint: one UPDATE moves the balance atomically (guarded so it
never goes below zero; the row lock it takes serialises concurrent postings on PostgreSQL)
and one INSERT writes the entry, whose idempotency key is unique. A retry or a concurrent
duplicate hits that unique key, the savepoint rolls back, and the first entry is returned.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key

from portal.errors import DomainError
from portal.extensions import db
from portal.points.models import LedgerEntry, PointsAccount, PointsRule


class LedgerConflict(RuntimeError):
    """A key was reused for a different account or amount: a programming error, not a retry."""


def _entry_by_key(key: str) -> LedgerEntry | None:
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key == key))


def _same_posting(existing: LedgerEntry, account_id: int, amount_tenths: int) -> LedgerEntry:
    if existing.account_id != account_id or existing.amount_tenths != amount_tenths:
        raise LedgerConflict(
            f"key {existing.idempotency_key!r} already posted {existing.amount_tenths} to "
            f"account {existing.account_id}; refusing {amount_tenths} to account {account_id}")
    return existing


def account_id_for(user_id: int) -> int:
    """The user's account id, creating the account race-free if it does not exist yet."""
    found = db.session.scalar(select(PointsAccount.id).where(PointsAccount.user_id == user_id))
    if found is not None:
        return found
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(PointsAccount).values(user_id=user_id, balance_tenths=0)
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    return db.session.scalar(select(PointsAccount.id).where(PointsAccount.user_id == user_id))


def balance_of(user_id: int) -> int:
    """The cached balance in tenths (0 for someone who never had points)."""
    return db.session.scalar(
        select(PointsAccount.balance_tenths).where(PointsAccount.user_id == user_id)
    ) or 0


def post(user_id: int, amount_tenths: int, *, kind: str, key: str, source_type: str,
         source_id: int | None = None, rule: PointsRule | None = None, actor=None,
         memo: str = "", reversal_of: LedgerEntry | None = None) -> LedgerEntry:
    """Write one entry and move the balance with it, exactly once per `key`.

    Raises DomainError('insufficient_points') when a debit would take the balance below zero.
    """
    if amount_tenths == 0:
        raise DomainError("zero_amount", _l("积分数额不能为 0。"), 400)
    account_id = account_id_for(user_id)
    existing = _entry_by_key(key)
    if existing is not None:
        return _same_posting(existing, account_id, amount_tenths)
    try:
        with db.session.begin_nested():
            new_balance = db.session.execute(
                update(PointsAccount)
                .where(PointsAccount.id == account_id,
                       PointsAccount.balance_tenths + amount_tenths >= 0)
                .values(balance_tenths=PointsAccount.balance_tenths + amount_tenths)
                .returning(PointsAccount.balance_tenths)
                .execution_options(synchronize_session=False)
            ).scalar()
            if new_balance is None:
                # A concurrent twin may have just committed this very posting (and spent the
                # balance it needed): then this call is a retry, not a refusal.
                existing = _entry_by_key(key)
                if existing is not None:
                    return _same_posting(existing, account_id, amount_tenths)
                raise DomainError("insufficient_points", _l("积分不足。"))
            entry = LedgerEntry(
                account_id=account_id, amount_tenths=amount_tenths, kind=kind,
                rule_id=rule.id if rule else None, source_type=source_type, source_id=source_id,
                idempotency_key=key, actor_id=getattr(actor, "id", None), memo=memo[:200],
                balance_after_tenths=new_balance,
                reversal_of_id=reversal_of.id if reversal_of else None,
            )
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        existing = _entry_by_key(key)
        if existing is None:
            raise
        return _same_posting(existing, account_id, amount_tenths)
    cached = db.session.identity_map.get(identity_key(PointsAccount, account_id))
    if cached is not None:
        db.session.expire(cached, ["balance_tenths"])
    return entry


def earn(user_id: int, amount_tenths: int, *, source_type: str, source_id: int, **kwargs):
    """Credit points for a source; the same source earns at most once."""
    if amount_tenths <= 0:
        raise DomainError("bad_amount", _l("积分数额必须大于 0。"), 400)
    return post(user_id, amount_tenths, kind="earn", source_type=source_type,
                source_id=source_id, key=f"{source_type}:{source_id}:earn", **kwargs)


def spend(user_id: int, amount_tenths: int, *, source_type: str, source_id: int, **kwargs):
    """Debit points for a source (a redemption, a reservation); at most once per source."""
    if amount_tenths <= 0:
        raise DomainError("bad_amount", _l("积分数额必须大于 0。"), 400)
    return post(user_id, -amount_tenths, kind="spend", source_type=source_type,
                source_id=source_id, key=f"{source_type}:{source_id}:spend", **kwargs)


def reverse(entry: LedgerEntry, *, actor=None, memo: str = "") -> LedgerEntry:
    """Write the linked opposite entry. Reversing twice returns the first reversal."""
    if entry.kind == "reversal":
        raise DomainError("reverse_reversal", _l("撤销记录本身不能再撤销。"))
    user_id = db.session.scalar(
        select(PointsAccount.user_id).where(PointsAccount.id == entry.account_id))
    try:
        return post(user_id, -entry.amount_tenths, kind="reversal", key=f"reversal:{entry.id}",
                    source_type=entry.source_type, source_id=entry.source_id,
                    rule=entry.rule, actor=actor, memo=memo or f"撤销：{entry.memo}",
                    reversal_of=entry)
    except DomainError as error:
        if error.code == "insufficient_points":
            raise DomainError(
                "reversal_would_overdraw",
                _l("撤销后积分会变成负数（积分已经被使用），不能撤销。"),
            ) from None
        raise


def verify_balances() -> list[tuple[int, int, int]]:
    """(user_id, cached, computed) for every account whose balance is not its entries' sum."""
    sums = (
        select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_tenths).label("total"))
        .group_by(LedgerEntry.account_id)
        .subquery()
    )
    rows = db.session.execute(
        select(PointsAccount.user_id, PointsAccount.balance_tenths,
               func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.account_id == PointsAccount.id)
        .where(PointsAccount.balance_tenths != func.coalesce(sums.c.total, 0))
        .order_by(PointsAccount.user_id)
    ).all()
    return [(user_id, cached, int(computed)) for user_id, cached, computed in rows]
