"""Goods and stock: prices in tenths, EAN-13, stock never negative, stock-take, verify."""

from datetime import time

import pytest
from sqlalchemy import func, select, text

from portal.errors import NotAllowed
from portal.extensions import db
from portal.shop import services
from portal.shop.models import Good, StockMovement
from tests.conftest import pg_only, run_concurrently
from tests.helpers import code_of


def test_ean13_check_digit():
    assert services.ean13_ok("6901234567892")
    assert not services.ean13_ok("6901234567891")
    assert not services.ean13_ok("690123456789") and not services.ean13_ok("69012345678x2")


def test_goods_are_checked(clerk, shop, make_good):
    assert code_of(services.save_good, clerk, shop, None, name="香皂", category="日化",
                   price="0.05", monthly_limit=None, barcode="", low_stock=3) == "bad_points"
    assert code_of(services.save_good, clerk, shop, None, name="香皂", category="日化",
                   price="2", monthly_limit=None, barcode="6901234567891",
                   low_stock=3) == "bad_barcode"
    assert code_of(services.save_good, clerk, shop, None, name="香皂", category="日化",
                   price="2", monthly_limit=None, barcode="", low_stock=10**20) == "bad_low_stock"
    assert code_of(services.save_good, clerk, shop, None, name="香皂", category="日化",
                   price="1e400", monthly_limit=None, barcode="",
                   low_stock=3) == "points_out_of_range"
    make_good(name="舒肤佳香皂", price="2.5", barcode="6901234567892")
    assert code_of(services.save_good, clerk, shop, None, name="别的", category="日化",
                   price="2", monthly_limit=None, barcode="6901234567892",
                   low_stock=3) == "barcode_taken"
    good = db.session.scalar(select(Good).where(Good.name == "舒肤佳香皂"))
    assert good.price_tenths == 25 and good.stock == 10


def test_a_clerk_of_another_community_cannot_touch_the_goods(make_user, tree, make_good):
    good = make_good()
    with pytest.raises(NotAllowed):
        services.restock(make_user("clerk", zone=tree.dongmei), good, 5, "入库")


def test_stock_never_goes_negative_and_movements_add_up(clerk, make_good):
    good = make_good(stock=2)
    services.move_stock(good.id, -2, kind="redemption", actor=clerk)
    db.session.commit()
    assert code_of(services.move_stock, good.id, -1, kind="redemption") == "out_of_stock"
    assert db.session.get(Good, good.id).stock == 0
    assert services.verify_stock() == []


def test_stock_take_records_one_adjustment_with_a_reason(clerk, make_good):
    good = make_good(stock=10)
    assert code_of(services.stock_take, clerk, good, 7, "") == "needs_reason"
    movement = services.stock_take(clerk, good, 7, "月底盘点，少 3 袋（受潮报损）")
    assert services.stock_take(clerk, good, 7, "再盘一次") is None  # nothing to change
    db.session.commit()
    assert (movement.delta, movement.stock_after, movement.kind) == (-3, 7, "adjust")
    assert services.verify_stock() == []


def test_verify_names_a_good_whose_stock_was_tampered_with(make_good):
    good = make_good(stock=5)
    db.session.execute(text("UPDATE goods SET stock = 9 WHERE id = :id"), {"id": good.id})
    db.session.commit()
    assert services.verify_stock() == [(good.id, good.name, 9, 5)]


def test_movements_are_append_only_in_the_database(make_good):
    make_good(stock=5)
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE stock_movements SET delta = 50"))
    db.session.rollback()
    assert db.session.scalar(select(func.sum(StockMovement.delta))) == 5


def test_a_community_has_one_shop(make_user, tree, shop):
    admin = make_user("admin", zone=tree.xinan)
    assert code_of(services.save_shop, admin, None, zone=tree.xinan, name="第二家",
                   open_days=[1], open_time=time(9), close_time=time(10)) == "shop_exists"
    assert code_of(services.save_shop, admin, shop, name="新安路社区积分超市", open_days=[],
                   open_time=time(9), close_time=time(10)) == "bad_days"


@pytest.mark.usefixtures("shop")
def test_shop_verify_command(runner, make_good):
    make_good(stock=4)
    result = runner.invoke(args=["shop", "verify"])
    assert result.exit_code == 0 and "stock ok" in result.output
    db.session.execute(text("UPDATE goods SET stock = 1"))
    db.session.commit()
    result = runner.invoke(args=["shop", "verify"])
    assert result.exit_code == 1 and "MISMATCH" in result.output
    good_id = db.session.scalar(select(Good.id))
    shop_id = db.session.get(Good, good_id).shop_id
    assert services.verify_stock(shop_id) == [(good_id, "金龙鱼大米 5kg", 1, 4)]
    assert services.verify_stock(shop_id + 1) == []  # another supermarket's check is clean


@pg_only
def test_30_concurrent_takes_of_the_last_item_one_succeeds(app, make_good):
    good_id = make_good(stock=1).id
    results = run_concurrently(app, 30, lambda i: services.move_stock(
        good_id, -1, kind="redemption", source_type="redemption", source_id=i).stock_after)
    assert results.count(0) == 1 and results.count("out_of_stock") == 29, results
    db.session.rollback()
    assert db.session.get(Good, good_id).stock == 0
    assert services.verify_stock() == []
