"""Read-side queries for the supermarket pages: fixed statement counts."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import policy
from portal.clock import local_today, to_utc
from portal.extensions import db
from portal.shop.models import Good, Redemption, Reservation, Shop, StockMovement
from portal.zones.models import Zone

PAGE_SIZE = 30


def shelf(shop: Shop) -> list[Good]:
    """What residents see: active goods, by category then name."""
    return list(db.session.scalars(
        select(Good).where(Good.shop_id == shop.id, Good.is_active.is_(True))
        .order_by(Good.category, Good.name)))


def all_goods(shop: Shop) -> list[Good]:
    """What the clerk sees: every good, low stock first."""
    goods = list(db.session.scalars(select(Good).where(Good.shop_id == shop.id)
                                    .order_by(Good.is_active.desc(), Good.name)))
    return sorted(goods, key=lambda g: (not g.is_active, not g.is_low, g.name))


def shops_in_scope(viewer) -> list[tuple[Shop, int]]:
    """(shop, goods at or below their low-stock mark) for the viewer's shops."""
    shops = list(db.session.scalars(
        select(Shop).join(Zone, Zone.id == Shop.zone_id)
        .where(policy.zone_filter(viewer, "shop.manage", Zone.path))
        .options(joinedload(Shop.zone)).order_by(Shop.id)))
    low = dict(db.session.execute(
        select(Good.shop_id, db.func.count(Good.id))
        .where(Good.shop_id.in_([s.id for s in shops]), Good.is_active.is_(True),
               Good.stock <= Good.low_stock).group_by(Good.shop_id)).all()) if shops else {}
    return [(shop, low.get(shop.id, 0)) for shop in shops]


def movements(shop: Shop, page: int = 1):
    stmt = (select(StockMovement).join(Good, Good.id == StockMovement.good_id)
            .where(Good.shop_id == shop.id)
            .options(joinedload(StockMovement.good), joinedload(StockMovement.actor))
            .order_by(StockMovement.id.desc()))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def held_reservations(user_id: int) -> list[Reservation]:
    """The resident's reservations waiting for pickup, soonest deadline first."""
    return list(db.session.scalars(
        select(Reservation).where(Reservation.user_id == user_id, Reservation.status == "held")
        .options(joinedload(Reservation.good)).order_by(Reservation.expires_dt)))


def my_reservations(user_id: int, page: int = 1):
    stmt = (select(Reservation).where(Reservation.user_id == user_id)
            .options(joinedload(Reservation.good), joinedload(Reservation.shop))
            .order_by((Reservation.status == "held").desc(), Reservation.id.desc()))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def shop_reservations(shop: Shop, page: int = 1):
    """The counter's list: waiting for pickup first (soonest deadline), then the rest."""
    stmt = (select(Reservation).where(Reservation.shop_id == shop.id)
            .options(joinedload(Reservation.good), joinedload(Reservation.user))
            .order_by((Reservation.status == "held").desc(), Reservation.expires_dt,
                      Reservation.id.desc()))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def sales_of_day(shop: Shop, now: datetime, page: int = 1):
    """The shop's counter sales on `now`'s local (Asia/Shanghai) day, newest first, each
    with its resident: the clerk's way back to a receipt."""
    day = local_today(now)
    stmt = (select(Redemption)
            .where(Redemption.shop_id == shop.id,
                   Redemption.created_dt >= to_utc(day, time.min),
                   Redemption.created_dt < to_utc(day + timedelta(days=1), time.min))
            .options(joinedload(Redemption.user))
            .order_by(Redemption.created_dt.desc(), Redemption.id.desc()))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
