"""预约兑换: points and stock held at once; exactly one ending (pickup, cancel or expiry)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.clock import local
from portal.errors import NotAllowed
from portal.extensions import db
from portal.inbox.models import Message
from portal.points import ledger
from portal.points.models import LedgerEntry
from portal.shop import counter, reservations, services
from portal.shop.models import Good, Reservation, StockMovement
from tests.conftest import pg_only, run_concurrently
from tests.helpers import OPEN, code_of
from tests.helpers import stock_and_balance as state

BEFORE = OPEN - timedelta(days=1)  # reserved on Monday, online, while the counter is shut


def test_reserving_spends_points_and_holds_stock_at_once(shop, make_good, resident):
    rice = make_good(price="30", stock=5)
    booked = reservations.reserve(resident, rice, 1, now=BEFORE)
    db.session.commit()
    assert booked.status == "held" and len(booked.pickup_code) == 6
    assert booked.pickup_code.isdigit()
    assert state(rice.id, resident.id) == (4, 200)
    # collect by the end of the 7th day after today, Shanghai time
    assert local(booked.expires_dt).date() == local(BEFORE).date() + timedelta(days=8)
    assert local(booked.expires_dt).hour == 0
    message = db.session.scalar(select(Message).where(Message.user_id == resident.id,
                                                      Message.kind == "reservation.created"))
    assert booked.pickup_code in message.body
    movement = db.session.scalar(select(StockMovement).where(StockMovement.kind == "reservation"))
    assert (movement.delta, movement.source_id) == (-1, booked.id)
    assert services.verify_stock() == [] and ledger.verify_balances() == []


@pytest.mark.parametrize(("what", "quantity", "code"), [
    ("rice", 2, "insufficient_points"),   # 60 分 against 50
    ("oil", 1, "out_of_stock"),
    ("soap", 3, "over_limit"),            # 2 a month
    ("rice", 0, "bad_quantity"),
    ("soap", 11, "bad_quantity"),
    ("retired", 1, "bad_good"),
])
def test_refusals_change_nothing(shop, make_good, resident, clerk, what, quantity, code):
    goods = {"rice": make_good(name="大米", price="30", stock=5),
             "oil": make_good(name="花生油", price="25", stock=0),
             "soap": make_good(name="香皂", price="2", stock=10, limit=2),
             "retired": make_good(name="旧毛巾", price="1", stock=3)}
    goods["retired"].is_active = False
    db.session.commit()
    assert code_of(reservations.reserve, resident, goods[what], quantity, now=BEFORE) == code
    assert db.session.scalar(select(func.count(Reservation.id))) == 0
    assert ledger.balance_of(resident.id) == 500
    assert [db.session.get(Good, g.id).stock for g in goods.values()] == [5, 0, 10, 3]


def test_only_the_residents_own_community_shop(shop, make_good, make_user, tree):
    rice = make_good(price="3", stock=5)
    outsider = make_user(home=tree.dongmei_building)
    ledger.earn(outsider.id, 500, source_type="award", source_id=outsider.id)
    db.session.commit()
    assert code_of(reservations.reserve, outsider, rice, 1, now=BEFORE) == "not_your_shop"


def test_the_monthly_limit_counts_counter_sales_and_reservations_together(
        clerk, shop, make_good, resident):
    soap = make_good(name="香皂", price="2", stock=10, limit=3)
    counter.redeem(clerk, shop, resident, {soap.id: 1}, now=OPEN)
    first = reservations.reserve(resident, soap, 2, now=OPEN)
    db.session.commit()
    assert code_of(reservations.reserve, resident, soap, 1, now=OPEN) == "over_limit"
    assert code_of(counter.redeem, clerk, shop, resident, {soap.id: 1}, now=OPEN) == "over_limit"
    assert counter.taken_this_month(resident.id, [soap.id], OPEN) == {soap.id: 3}
    reservations.cancel(resident, db.session.get(Reservation, first.id), now=OPEN)
    db.session.commit()
    assert counter.taken_this_month(resident.id, [soap.id], OPEN) == {soap.id: 1}
    reservations.reserve(resident, soap, 2, now=OPEN)


def test_cancel_returns_points_and_stock_exactly_once(shop, make_good, resident, make_user):
    rice = make_good(price="30", stock=5)
    booked = reservations.reserve(resident, rice, 1, now=BEFORE)
    db.session.commit()
    assert code_of(reservations.cancel, make_user(), booked) == "not_yours"
    reservations.cancel(resident, booked, now=BEFORE)
    db.session.commit()
    assert state(rice.id, resident.id) == (5, 500)
    assert code_of(reservations.cancel, resident,
                   db.session.get(Reservation, booked.id)) == "reservation_cancelled"
    assert db.session.scalar(select(StockMovement.kind).order_by(StockMovement.id.desc())
                             .limit(1)) == "release"


def test_the_clerk_cancels_for_the_resident_with_a_reason(clerk, shop, make_good, resident,
                                                         make_user, tree):
    """A resident at the counter (or on the phone) no longer wants the goods: the clerk cancels
    for them, with a reason; points and stock come back once, and the resident is told."""
    rice = make_good(price="30", stock=5)
    booked = reservations.reserve(resident, rice, 1, now=BEFORE)
    db.session.commit()
    for reason in ("", " ", "x" * 201):
        assert code_of(reservations.cancel_for, clerk, booked, reason) == "needs_reason"
    with pytest.raises(NotAllowed):
        reservations.cancel_for(make_user("clerk", zone=tree.dongmei), booked, "居民来电取消")
    with pytest.raises(NotAllowed):
        reservations.cancel_for(make_user(), booked, "居民来电取消")
    db.session.rollback()
    assert state(rice.id, resident.id) == (4, 200)  # the refusals changed nothing

    done = reservations.cancel_for(clerk, booked, " 居民来电说不要了 ", now=BEFORE)
    db.session.commit()
    assert (done.status, done.ended_by_id) == ("cancelled", clerk.id)
    assert done.end_reason == "工作人员代为取消：居民来电说不要了"
    assert state(rice.id, resident.id) == (5, 500)
    assert services.verify_stock() == [] and ledger.verify_balances() == []
    told = db.session.scalar(select(Message).where(Message.user_id == resident.id,
                                                   Message.kind == "reservation.cancelled"))
    assert "居民来电说不要了" in told.body and "30 分已退回" in told.body
    again = db.session.get(Reservation, booked.id)
    assert code_of(reservations.cancel_for, clerk, again, "再取消一次") == "reservation_cancelled"
    assert code_of(reservations.cancel, resident, again) == "reservation_cancelled"
    assert state(rice.id, resident.id) == (5, 500)


def test_the_clerk_finds_a_reservation_by_its_six_digits_or_its_qr(clerk, shop, make_good,
                                                                    resident, make_user, tree):
    booked = reservations.reserve(resident, make_good(price="3", stock=5), 1, now=BEFORE)
    db.session.commit()
    assert reservations.find_for_pickup(clerk, shop, booked.pickup_code).id == booked.id
    assert reservations.find_for_pickup(clerk, shop, f"p.{booked.pickup_code}").id == booked.id
    assert reservations.qr_content(booked) == f"p.{booked.pickup_code}"
    for junk in ("", "12345", "abcdef", "p.12", "1" * 500, "' OR 1=1 --"):
        assert code_of(reservations.find_for_pickup, clerk, shop, junk) == "invalid_code"
    other = "000000" if booked.pickup_code != "000000" else "000001"
    assert code_of(reservations.find_for_pickup, clerk, shop, other) == "invalid_code"
    elsewhere = make_user("clerk", zone=tree.dongmei)
    with pytest.raises(NotAllowed):
        reservations.find_for_pickup(elsewhere, shop, booked.pickup_code)


def test_pickup_hands_over_once_and_only_before_the_deadline(clerk, shop, make_good, resident):
    rice = make_good(price="3", stock=5)
    booked = reservations.reserve(resident, rice, 2, now=BEFORE)
    late = reservations.reserve(resident, rice, 1, now=BEFORE - timedelta(days=14))
    db.session.commit()
    assert code_of(reservations.pick_up, clerk, booked,
                   now=OPEN + timedelta(hours=3)) == "shop_closed"
    done = reservations.pick_up(clerk, booked, now=OPEN)
    db.session.commit()
    assert (done.status, done.ended_by_id) == ("picked_up", clerk.id)
    assert state(rice.id, resident.id) == (2, 410)  # the stock left at reservation, not now
    assert code_of(reservations.pick_up, clerk, db.session.get(Reservation, booked.id),
                   now=OPEN) == "already_picked_up"
    assert code_of(reservations.cancel, resident, db.session.get(Reservation, booked.id),
                   now=OPEN) == "already_picked_up"
    assert code_of(reservations.pick_up, clerk, db.session.get(Reservation, late.id),
                   now=OPEN) == "reservation_expired"


def test_expiry_returns_points_and_stock_and_is_idempotent(clerk, shop, make_good, resident):
    rice = make_good(price="3", stock=5)
    lapsed = reservations.reserve(resident, rice, 1, now=BEFORE - timedelta(days=10))
    taken = reservations.reserve(resident, rice, 1, now=BEFORE - timedelta(days=10))
    fresh = reservations.reserve(resident, rice, 1, now=BEFORE)
    reservations.pick_up(clerk, taken, now=BEFORE - timedelta(days=10) + timedelta(hours=1))
    db.session.commit()
    assert reservations.expire_due(now=OPEN) == 1
    db.session.commit()
    assert reservations.expire_due(now=OPEN) == 0
    db.session.commit()
    statuses = {r.id: r.status for r in db.session.scalars(select(Reservation))}
    assert statuses == {lapsed.id: "expired", taken.id: "picked_up", fresh.id: "held"}
    assert state(rice.id, resident.id) == (3, 440)
    assert db.session.scalar(select(func.count(Message.id)).where(
        Message.kind == "reservation.expired")) == 1
    assert services.verify_stock() == [] and ledger.verify_balances() == []


def test_expire_reservations_command(app, shop, make_good, resident):
    rice = make_good(price="3", stock=5)
    reservations.reserve(resident, rice, 1, now=BEFORE - timedelta(days=30))
    db.session.commit()
    runner = app.test_cli_runner()
    assert "reservations expired: 1" in runner.invoke(args=["expire-reservations"]).output
    assert "reservations expired: 0" in runner.invoke(args=["expire-reservations"]).output


@pg_only
def test_a_pickup_racing_the_expiry_cron_has_exactly_one_winner(app, clerk, open_always,
                                                                 make_good, resident):
    """Ten rounds: the clerk's clock says a minute before the deadline, the cron's at it."""
    rice_id = make_good(price="1", stock=20).id
    clerk_id, user_id = clerk.id, resident.id
    outcomes = []
    for _round in range(10):
        booked = reservations.reserve(db.session.get(User, user_id),
                                      db.session.get(Good, rice_id), 1)
        db.session.commit()
        booked_id, deadline = booked.id, booked.expires_dt

        def race(i, booked_id=booked_id, deadline=deadline):
            if i == 0:
                return reservations.pick_up(db.session.get(User, clerk_id),
                                            db.session.get(Reservation, booked_id),
                                            now=deadline - timedelta(minutes=1)).status
            return "expired" if reservations.expire_due(now=deadline) else "nothing"

        results = run_concurrently(app, 2, race)
        assert results in (["picked_up", "nothing"], ["reservation_expired", "expired"]), results
        db.session.rollback()
        final = db.session.get(Reservation, booked_id).status
        assert final == ("picked_up" if results[0] == "picked_up" else "expired")
        outcomes.append(final)
    db.session.rollback()
    expired = outcomes.count("expired")
    assert expired + outcomes.count("picked_up") == 10
    assert db.session.get(Good, rice_id).stock == 20 - 10 + expired
    assert ledger.balance_of(user_id) == 500 - 10 * 10 + expired * 10
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.kind == "reversal")) == expired
    assert services.verify_stock() == [] and ledger.verify_balances() == []


@pg_only
def test_20_concurrent_pickups_of_one_reservation_hand_over_once(app, clerk, open_always,
                                                                 make_good, resident):
    booked = reservations.reserve(resident, make_good(price="3", stock=5), 1)
    db.session.commit()
    clerk_id, booked_id = clerk.id, booked.id
    results = run_concurrently(app, 20, lambda i: reservations.pick_up(
        db.session.get(User, clerk_id), db.session.get(Reservation, booked_id)).status)
    assert results.count("picked_up") == 1 and results.count("already_picked_up") == 19, results


@pg_only
def test_30_concurrent_reservations_of_the_last_item_one_succeeds(app, shop, make_good,
                                                                 make_user):
    rice_id = make_good(price="30", stock=1).id
    buyers = []
    for _ in range(30):
        user = make_user()
        ledger.earn(user.id, 500, source_type="award", source_id=user.id)
        buyers.append(user.id)
    db.session.commit()
    results = run_concurrently(app, 30, lambda i: reservations.reserve(
        db.session.get(User, buyers[i]), db.session.get(Good, rice_id), 1).status)
    assert results.count("held") == 1 and results.count("out_of_stock") == 29, results
    db.session.rollback()
    assert db.session.get(Good, rice_id).stock == 0
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.source_type == "reservation")) == 1
    assert services.verify_stock() == [] and ledger.verify_balances() == []


#: the ways a held reservation can end by hand: (clerk, resident, reservation) -> reservation
ENDINGS = {
    "pickup": lambda clerk, user, booked: reservations.pick_up(clerk, booked),
    "cancel": lambda clerk, user, booked: reservations.cancel(user, booked),
    "cancel_for": lambda clerk, user, booked: reservations.cancel_for(clerk, booked,
                                                                      "居民来电取消"),
}


def _race(app, clerk, resident, make_good, endings: list[str]):
    """One held reservation, then endings[i] in thread i, released together. Returns the
    good's id, the resident's id and each thread's status or error code."""
    rice_id = make_good(price="3", stock=5).id
    booked_id = reservations.reserve(resident, db.session.get(Good, rice_id), 1).id
    db.session.commit()
    clerk_id, user_id = clerk.id, resident.id
    results = run_concurrently(app, len(endings), lambda i: ENDINGS[endings[i]](
        db.session.get(User, clerk_id), db.session.get(User, user_id),
        db.session.get(Reservation, booked_id)).status)
    return rice_id, user_id, results


@pg_only
def test_a_cancel_racing_a_pickup_has_exactly_one_winner(app, clerk, open_always, make_good,
                                                         resident):
    rice_id, user_id, results = _race(app, clerk, resident, make_good, ["pickup", "cancel"])
    assert results in (["picked_up", "already_picked_up"],
                       ["reservation_cancelled", "cancelled"]), results
    assert state(rice_id, user_id) == ((4, 470) if results[0] == "picked_up" else (5, 500))


@pg_only
def test_a_clerks_cancel_racing_a_pickup_and_the_residents_cancel_has_one_winner(
        app, clerk, open_always, make_good, resident):
    rice_id, user_id, results = _race(app, clerk, resident, make_good,
                                      ["pickup", "cancel", "cancel_for"] * 4)
    winners = [r for r in results if r in ("picked_up", "cancelled")]
    assert len(winners) == 1, results
    losers = {"already_picked_up"} if winners == ["picked_up"] else {"reservation_cancelled"}
    assert set(results) - set(winners) == losers, results
    assert state(rice_id, user_id) == ((4, 470) if winners == ["picked_up"] else (5, 500))
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.source_type == "reservation")) == (1 if winners == ["picked_up"] else 2)


def test_the_same_reserve_form_sent_twice_reserves_once(shop, make_good, resident):
    rice = make_good(price="10", stock=5)
    first = reservations.reserve(resident, rice, 1, now=BEFORE, key="r" * 22)
    again = reservations.reserve(resident, rice, 1, now=BEFORE, key="r" * 22)
    db.session.commit()
    assert again.id == first.id
    assert db.session.scalar(select(func.count(Reservation.id))) == 1
    assert state(rice.id, resident.id) == (4, 400)


@pg_only
def test_10_concurrent_sends_of_one_reserve_form_reserve_once(app, shop, make_good, resident):
    rice_id, user_id = make_good(price="10", stock=50).id, resident.id
    results = run_concurrently(app, 10, lambda i: reservations.reserve(
        db.session.get(User, user_id), db.session.get(Good, rice_id), 2, key="r" * 22).id)
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), results
    db.session.rollback()
    assert db.session.scalar(select(func.count(Reservation.id))) == 1
    assert state(rice_id, user_id) == (48, 300)
    assert ledger.verify_balances() == [] and services.verify_stock() == []
