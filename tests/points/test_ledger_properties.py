"""Property: any interleaving of earn, spend and reverse across residents keeps every balance
equal to the sum of its entries and never below zero, and matches a plain model."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.errors import DomainError
from portal.extensions import db
from portal.points import ledger
from portal.points.models import LedgerEntry

SOURCES = itertools.count(1)
operation = st.one_of(
    st.tuples(st.just("earn"), st.integers(0, 2), st.integers(1, 60)),
    st.tuples(st.just("spend"), st.integers(0, 2), st.integers(1, 60)),
    st.tuples(st.just("reverse"), st.integers(0, 2), st.integers(0, 30)),
    st.tuples(st.just("retry"), st.integers(0, 2), st.integers(0, 30)),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=25))
def test_random_interleavings_keep_the_ledger_true(make_user, ops):
    users = [make_user() for _ in range(3)]
    expected = {u.id: 0 for u in users}
    posted: list[LedgerEntry] = []
    source = SOURCES  # unique across examples: a source belongs to one resident
    for op, who, value in ops:
        user = users[who]
        try:
            if op == "earn":
                posted.append(ledger.earn(user.id, value, source_type="award",
                                          source_id=next(source)))
                expected[user.id] += value
            elif op == "spend":
                entry = ledger.spend(user.id, value, source_type="redemption",
                                     source_id=next(source))
                posted.append(entry)
                expected[user.id] -= value
            elif op == "reverse" and posted:
                target = posted[value % len(posted)]
                already = target.kind == "reversal" or target.reversed_by is not None
                reversal = ledger.reverse(target)
                if not already:
                    expected[users_by_account(users, target)] -= target.amount_tenths
                    posted.append(reversal)
            elif op == "retry" and posted:
                target = posted[value % len(posted)]
                again = ledger.post(users_by_account(users, target), target.amount_tenths,
                                    kind=target.kind,
                                    key=target.idempotency_key, source_type=target.source_type)
                assert again.id == target.id  # a retry is a no-op
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            assert error.code in {"insufficient_points", "reversal_would_overdraw",
                                  "reverse_reversal"}
        for u in users:
            balance = ledger.balance_of(u.id)
            assert balance >= 0
            assert balance == expected[u.id]
        assert ledger.verify_balances() == []


def users_by_account(users, entry):
    from portal.points.models import PointsAccount

    owner = db.session.get(PointsAccount, entry.account_id).user_id
    assert owner in {u.id for u in users}
    return owner
