"""Supermarket fixtures: 新安路社区's shop, its clerk, and goods on the shelf."""

from datetime import time

import pytest

from portal.extensions import db
from portal.points import ledger
from portal.shop import services


@pytest.fixture
def clerk(make_user, tree):
    return make_user("clerk", zone=tree.xinan, name="林美华")


@pytest.fixture
def shop(make_user, tree):
    admin = make_user("admin", zone=tree.xinan)
    result = services.save_shop(admin, None, zone=tree.xinan, name="新安路社区积分超市",
                                open_days=[1, 4], open_time=time(9), close_time=time(11, 30),
                                address="社区党群服务中心一楼")
    db.session.commit()
    return result


@pytest.fixture
def make_good(shop, clerk):
    def factory(name="金龙鱼大米 5kg", price="30", stock=10, limit=None, barcode=""):
        good = services.save_good(clerk, shop, None, name=name, category="粮油", price=price,
                                  monthly_limit=limit, barcode=barcode, low_stock=3)
        if stock:
            services.restock(clerk, good, stock, "社区采购入库")
        db.session.commit()
        return good

    return factory


@pytest.fixture
def resident(make_user):
    """王秀英, a resident of 新安路社区 with 50 分."""
    user = make_user(name="王秀英")
    ledger.earn(user.id, 500, source_type="award", source_id=user.id)
    db.session.commit()
    return user


@pytest.fixture
def open_always(shop):
    """The shop, open every day all day: for tests that run at the real time."""
    shop.open_days, shop.open_time, shop.close_time = list(range(7)), time(0), time(23, 59, 59)
    db.session.commit()
    return shop
