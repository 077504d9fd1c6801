"""The counter: one-transaction redemptions, refusals that change nothing, voids, races."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.points import ledger
from portal.points.models import LedgerEntry
from portal.shop import counter, services
from portal.shop.models import Good, Redemption
from tests.conftest import pg_only, run_concurrently
from tests.helpers import OPEN, code_of, next_tuesday_at
from tests.helpers import stock_and_balance as state


def test_a_redemption_moves_stock_and_points_together(clerk, shop, make_good, resident):
    rice = make_good(name="金龙鱼大米 5kg", price="30", stock=5)
    soap = make_good(name="舒肤佳香皂", price="2.5", stock=10)
    sale = counter.redeem(clerk, shop, resident, {rice.id: 1, soap.id: 2}, now=OPEN)
    db.session.commit()
    assert sale.total_tenths == 350 and sale.receipt_no.startswith("R")
    assert state(rice.id, resident.id) == (4, 150)
    assert db.session.get(Good, soap.id).stock == 8
    assert services.verify_stock() == [] and ledger.verify_balances() == []


@pytest.mark.parametrize(("cart", "code"), [
    ({"rice": 2}, "insufficient_points"),   # 60 分 against 50
    ({"oil": 1}, "out_of_stock"),
    ({"soap": 3}, "over_limit"),            # 2 a month
    ({}, "empty_cart"),
])
def test_refusals_change_nothing(clerk, shop, make_good, resident, cart, code):
    goods = {"rice": make_good(name="大米", price="30", stock=5),
             "oil": make_good(name="花生油", price="25", stock=0),
             "soap": make_good(name="香皂", price="2", stock=10, limit=2)}
    items = {goods[k].id: q for k, q in cart.items()}
    assert code_of(counter.redeem, clerk, shop, resident, items, now=OPEN) == code
    assert db.session.scalar(select(func.count(Redemption.id))) == 0
    assert ledger.balance_of(resident.id) == 500
    assert [db.session.get(Good, g.id).stock for g in goods.values()] == [5, 0, 10]


def test_the_monthly_limit_counts_earlier_sales_but_not_voided_ones(clerk, shop, make_good,
                                                                   resident):
    soap = make_good(name="香皂", price="2", stock=10, limit=2)
    first = counter.redeem(clerk, shop, resident, {soap.id: 2}, now=OPEN)
    db.session.commit()
    assert code_of(counter.redeem, clerk, shop, resident, {soap.id: 1},
                   now=OPEN + timedelta(minutes=1)) == "over_limit"
    counter.void(clerk, first, "拿错了", now=OPEN + timedelta(minutes=2))
    db.session.commit()
    counter.redeem(clerk, shop, resident, {soap.id: 1}, now=OPEN + timedelta(minutes=3))


def test_a_closed_shop_refuses(clerk, shop, make_good, resident):
    rice = make_good(stock=5)
    assert code_of(counter.redeem, clerk, shop, resident, {rice.id: 1},
                   now=next_tuesday_at(12)) == "shop_closed"


def test_void_within_ten_minutes_returns_points_and_stock_once(clerk, shop, make_good,
                                                               resident):
    rice = make_good(price="30", stock=5)
    sale = counter.redeem(clerk, shop, resident, {rice.id: 1}, now=OPEN)
    db.session.commit()
    assert code_of(counter.void, clerk, sale, "") == "needs_reason"
    counter.void(clerk, sale, "居民改换别的商品", now=OPEN + timedelta(minutes=9))
    db.session.commit()
    assert state(rice.id, resident.id) == (5, 500)
    assert code_of(counter.void, clerk, sale, "再撤一次",
                   now=OPEN + timedelta(minutes=9)) == "already_voided"


def test_void_after_ten_minutes_is_refused(clerk, shop, make_good, resident):
    rice = make_good(price="30", stock=5)
    sale = counter.redeem(clerk, shop, resident, {rice.id: 1}, now=OPEN)
    db.session.commit()
    assert code_of(counter.void, clerk, sale, "太晚了",
                   now=OPEN + timedelta(minutes=11)) == "void_too_late"


def test_the_void_deadline_is_one_rule_the_void_obeys(app, clerk, shop, make_good, resident):
    rice = make_good(price="30", stock=5)
    sale = counter.redeem(clerk, shop, resident, {rice.id: 1}, now=OPEN)
    db.session.commit()
    deadline = counter.void_deadline(sale)
    assert deadline == OPEN + timedelta(minutes=app.config["REDEMPTION_VOID_MINUTES"])
    second = timedelta(seconds=1)
    assert counter.is_voidable(sale, deadline - second)
    assert not counter.is_voidable(sale, deadline)
    assert code_of(counter.void, clerk, sale, "到点了", now=deadline) == "void_too_late"
    counter.void(clerk, sale, "差一秒", now=deadline - second)
    db.session.commit()
    assert not counter.is_voidable(sale, deadline - second)  # voided: nothing left to void


@pg_only
def test_30_concurrent_redemptions_of_the_last_item_one_succeeds(app, clerk, open_always,
                                                                 make_good, make_user):
    rice_id = make_good(price="30", stock=1).id
    buyers = []
    for _ in range(30):
        user = make_user()
        ledger.earn(user.id, 500, source_type="award", source_id=user.id)
        buyers.append(user.id)
    db.session.commit()
    clerk_id, shop_id = clerk.id, open_always.id

    def buy(i):
        from portal.shop.models import Shop

        return counter.redeem(db.session.get(User, clerk_id), db.session.get(Shop, shop_id),
                              db.session.get(User, buyers[i]), {rice_id: 1}).status

    results = run_concurrently(app, 30, buy)
    assert results.count("done") == 1 and results.count("out_of_stock") == 29, results
    db.session.rollback()
    assert db.session.get(Good, rice_id).stock == 0
    assert services.verify_stock() == [] and ledger.verify_balances() == []


@pg_only
def test_20_concurrent_redemptions_by_one_resident_whose_points_cover_two(
        app, clerk, open_always, make_good, resident):
    soap_id = make_good(price="25", stock=50).id  # 50 分 covers two
    clerk_id, shop_id, user_id = clerk.id, open_always.id, resident.id

    def buy(i):
        from portal.shop.models import Shop

        return counter.redeem(db.session.get(User, clerk_id), db.session.get(Shop, shop_id),
                              db.session.get(User, user_id), {soap_id: 1}).status

    results = run_concurrently(app, 20, buy)
    assert results.count("done") == 2 and results.count("insufficient_points") == 18, results
    assert state(soap_id, user_id) == (48, 0)
    assert ledger.verify_balances() == [] and services.verify_stock() == []


@pg_only
def test_two_concurrent_voids_make_one_reversal(app, clerk, open_always, make_good, resident):
    rice = make_good(price="30", stock=5)
    sale = counter.redeem(clerk, open_always, resident, {rice.id: 1})
    db.session.commit()
    clerk_id, sale_id = clerk.id, sale.id
    results = run_concurrently(app, 2, lambda i: counter.void(
        db.session.get(User, clerk_id), db.session.get(Redemption, sale_id), "拿错了").status)
    assert sorted(results) == ["already_voided", "voided"], results
    assert state(rice.id, resident.id) == (5, 500)
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.kind == "reversal")) == 1


def test_a_confirm_sent_twice_with_the_same_key_sells_once(clerk, open_always, make_good,
                                                           resident):
    rice = make_good(price="10", stock=5)
    first = counter.redeem(clerk, open_always, resident, {rice.id: 1}, key="k" * 22)
    again = counter.redeem(clerk, open_always, resident, {rice.id: 1}, key="k" * 22)
    db.session.commit()
    assert again.id == first.id
    assert db.session.scalar(select(func.count(Redemption.id))) == 1
    assert state(rice.id, resident.id) == (4, 400)
    other = counter.redeem(clerk, open_always, resident, {rice.id: 1}, key="j" * 22)
    db.session.commit()
    assert other.id != first.id and state(rice.id, resident.id) == (3, 300)
    assert counter.request_key("short") is None and counter.request_key("a" * 22 + "!") is None


def test_only_active_residents_of_the_shops_community_buy_here(clerk, open_always, make_good,
                                                                make_user, tree, resident):
    rice = make_good(price="30", stock=5)
    outsider = make_user(home=tree.dongmei_building)
    ledger.earn(outsider.id, 500, source_type="award", source_id=outsider.id)
    resident.is_active_account = False
    db.session.commit()
    assert code_of(counter.redeem, clerk, open_always, outsider, {rice.id: 1}) == "not_your_shop"
    assert code_of(counter.redeem, clerk, open_always, resident, {rice.id: 1}) == \
        "account_disabled"
    assert db.session.get(Good, rice.id).stock == 5
    assert db.session.scalar(select(func.count(Redemption.id))) == 0


@pg_only
def test_10_concurrent_confirms_of_one_cart_sell_once(app, clerk, open_always, make_good,
                                                      resident):
    rice_id = make_good(price="10", stock=50).id
    clerk_id, shop_id, user_id = clerk.id, open_always.id, resident.id

    def confirm(i):
        from portal.shop.models import Shop

        return counter.redeem(db.session.get(User, clerk_id), db.session.get(Shop, shop_id),
                              db.session.get(User, user_id), {rice_id: 2}, key="c" * 22).id

    results = run_concurrently(app, 10, confirm)
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), results
    db.session.rollback()
    assert db.session.scalar(select(func.count(Redemption.id))) == 1
    assert state(rice_id, user_id) == (48, 300)
    assert ledger.verify_balances() == [] and services.verify_stock() == []
