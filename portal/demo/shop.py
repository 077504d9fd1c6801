"""Demo supermarket: 新安路社区积分超市, open Tuesdays and Fridays, with everyday goods."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from portal.demo import lookup
from portal.extensions import db
from portal.members import cards
from portal.points import ledger
from portal.shop import reservations, services
from portal.shop.models import Shop

#: (name, category, points, stock, monthly limit, EAN-13)
GOODS = [
    ("金龙鱼大米 5kg", "粮油", "30", 12, 1, "6901234567892"),
    ("鲁花花生油 1.8L", "粮油", "25", 8, 1, None),
    ("舒肤佳香皂 3 块装", "日化", "3", 40, None, None),
    ("云南白药牙膏 120g", "日化", "5", 25, 2, None),
    ("立白洗衣液 2kg", "日化", "8", 4, None, None),  # low: the clerk sees a warning
    ("维达抽纸 3 包", "纸品", "4", 30, None, None),
]


def seed_shop() -> None:
    zone = lookup.zone("DC-XA")
    if db.session.scalar(select(Shop.id).where(Shop.zone_id == zone.id)):
        return
    admin = lookup.user("13900000005")
    clerk = lookup.user("13900000004")
    shop = services.save_shop(admin, None, zone=zone, name="新安路社区积分超市",
                              open_days=[1, 4], open_time=time(9), close_time=time(11, 30),
                              address="社区党群服务中心一楼")
    elderly = lookup.user("13900000011")
    cards.issue(clerk, elderly)  # 赵桂兰 has no smartphone: a printed card
    goods = {}
    for name, category, price, stock, limit, barcode in GOODS:
        good = services.save_good(clerk, shop, None, name=name, category=category, price=price,
                                  monthly_limit=limit, barcode=barcode or "", low_stock=5)
        services.restock(clerk, good, stock, "首批采购入库")
        goods[name] = good
    # 王秀英 reserved tissues online; her pickup code waits on 积分超市 → 我的预约
    resident = lookup.user("13900000001")
    tissues = goods["维达抽纸 3 包"]
    if ledger.balance_of(resident.id) >= tissues.price_tenths:
        reservations.reserve(resident, tissues, 1)
