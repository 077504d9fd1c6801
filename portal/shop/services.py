"""积分超市 goods and stock. Stock moves only through `move_stock`: one guarded UPDATE that can
never take it below zero (and takes the row lock on PostgreSQL), plus an append-only movement
that records the stock after it. `verify_stock` recomputes every good from its movements."""

from __future__ import annotations

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal import audit, policy
from portal.errors import DomainError
from portal.extensions import db
from portal.points.amounts import parse_points
from portal.shop.models import Good, Shop, StockMovement

EAN13_RE = re.compile(r"^\d{13}$")
MAX_STOCK_CHANGE = 10_000


def ean13_ok(code: str) -> bool:
    """Thirteen digits whose last is the EAN check digit."""
    if not EAN13_RE.match(code):
        return False
    digits = [int(c) for c in code]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10
    return check == digits[12]


def _check_hours(open_days, open_time: time | None, close_time: time | None) -> list[int]:
    days = sorted({int(d) for d in open_days or []})
    if not days or any(not 0 <= d <= 6 for d in days):
        raise DomainError("bad_days", _l("请选择开放的日子。"), 400)
    if open_time is None or close_time is None or close_time <= open_time:
        raise DomainError("bad_hours", _l("关门时间要晚于开门时间。"), 400)
    return days


def save_shop(actor, shop: Shop | None, *, zone=None, name: str, open_days, open_time,
              close_time, address: str = "") -> Shop:
    """Open a community's supermarket (admins), or change its name and hours (clerks too)."""
    if shop is None:
        if zone is None or zone.kind != "community" or zone.is_retired:
            raise DomainError("bad_zone", _l("积分超市属于一个社区，请选择社区。"), 400)
        policy.check(actor, "shop.create", zone)
        if db.session.scalar(select(Shop.id).where(Shop.zone_id == zone.id)):
            raise DomainError("shop_exists", _l("这个社区已经有积分超市了。"))
        shop = Shop(zone_id=zone.id)
        db.session.add(shop)
    else:
        policy.check(actor, "shop.manage", shop.zone)
    name = (name or "").strip()
    if not 2 <= len(name) <= 60:
        raise DomainError("bad_name", _l("名称 2 到 60 个字。"), 400)
    shop.name, shop.address = name, (address or "").strip()[:100]
    shop.open_days = _check_hours(open_days, open_time, close_time)
    shop.open_time, shop.close_time = open_time, close_time
    db.session.flush()
    audit.record(actor, "shop.save", shop, f"保存积分超市 {shop.name}", shop.zone)
    return shop


def save_good(actor, shop: Shop, good: Good | None, *, name: str, category: str, price: str,
              monthly_limit: int | None, barcode: str, low_stock: int | None,
              is_active: bool = True, photo: str | None = None) -> Good:
    """Add or edit a good. Stock is not set here: it moves only through restock/stock-take."""
    policy.check(actor, "shop.manage", shop.zone)
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise DomainError("bad_name", _l("商品名称不能为空，最多 60 个字。"), 400)
    barcode = (barcode or "").strip() or None
    if barcode is not None:
        if not ean13_ok(barcode):
            raise DomainError("bad_barcode", _l("条码应为 13 位数字（EAN-13），请核对。"), 400)
        clash = db.session.scalar(select(Good.id).where(Good.shop_id == shop.id,
                                                        Good.barcode == barcode))
        if clash is not None and (good is None or clash != good.id):
            raise DomainError("barcode_taken", _l("这个条码已经用在别的商品上了。"))
    if monthly_limit is not None and not 1 <= monthly_limit <= 999:
        raise DomainError("bad_limit", _l("每月限兑数量为 1 到 999，不限请留空。"), 400)
    if good is None:
        good = Good(shop_id=shop.id, stock=0)
        db.session.add(good)
    good.name, good.category = name, (category or "").strip()[:20]
    good.price_tenths = parse_points(price)
    good.monthly_limit, good.barcode = monthly_limit, barcode
    if low_stock is not None and not 0 <= low_stock <= 100_000:
        raise DomainError("bad_low_stock", _l("请填 0 到 100000 之间的整数。"), 400)
    good.low_stock = low_stock if low_stock is not None else 5
    good.is_active = bool(is_active)
    if photo:
        good.photo = photo
    db.session.flush()
    audit.record(actor, "good.save", good, f"保存商品 {good.name}", shop.zone)
    return good


def move_stock(good_id: int, delta: int, *, kind: str, reason: str = "", actor=None,
               source_type: str = "", source_id: int | None = None) -> StockMovement:
    """Change stock by `delta` atomically; refuses to go below zero (code out_of_stock)."""
    if delta == 0:
        raise DomainError("zero_change", _l("数量不能为 0。"), 400)
    after = db.session.execute(
        update(Good).where(Good.id == good_id, Good.stock + delta >= 0)
        .values(stock=Good.stock + delta).returning(Good.stock)
        .execution_options(synchronize_session=False)).scalar()
    if after is None:
        name = db.session.scalar(select(Good.name).where(Good.id == good_id))
        raise DomainError("out_of_stock", _l("“%(name)s”库存不足。", name=name or ""))
    movement = StockMovement(good_id=good_id, delta=delta, stock_after=after, kind=kind,
                             reason=reason[:200], actor_id=getattr(actor, "id", None),
                             source_type=source_type, source_id=source_id)
    db.session.add(movement)
    db.session.flush()
    cached = db.session.get(Good, good_id)
    if cached is not None:
        db.session.expire(cached, ["stock"])
    return movement


def _quantity(value) -> int:
    if not isinstance(value, int) or not 1 <= value <= MAX_STOCK_CHANGE:
        raise DomainError("bad_quantity", _l("数量请填 1 到 10000 的整数。"), 400)
    return value


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("needs_reason", _l("请写明原因。"), 400)
    return reason


def restock(actor, good: Good, quantity: int, reason: str) -> StockMovement:
    """入库: goods arrive (a delivery, a donation)."""
    policy.check(actor, "shop.manage", good.shop.zone)
    movement = move_stock(good.id, _quantity(quantity), kind="restock", reason=_reason(reason),
                          actor=actor)
    audit.record(actor, "good.restock", good, f"{good.name} 入库 {quantity}：{reason}",
                 good.shop.zone)
    return movement


def stock_take(actor, good: Good, counted: int, reason: str) -> StockMovement | None:
    """盘点: the shelf was counted; stock becomes the count, by one recorded adjustment."""
    policy.check(actor, "shop.manage", good.shop.zone)
    if not isinstance(counted, int) or not 0 <= counted <= 1_000_000:
        raise DomainError("bad_quantity", _l("盘点数量请填 0 或以上的整数。"), 400)
    reason = _reason(reason)
    current = db.session.scalar(select(Good.stock).where(Good.id == good.id)
                                .with_for_update())
    if counted == current:
        return None
    movement = move_stock(good.id, counted - current, kind="adjust", reason=reason,
                          actor=actor)
    audit.record(actor, "good.stock_take", good,
                 f"{good.name} 盘点 {current} → {counted}：{reason}", good.shop.zone)
    return movement


def verify_stock(shop_id: int | None = None) -> list[tuple[int, str, int, int]]:
    """(good id, name, cached stock, sum of movements) for every good that does not add up;
    with shop_id, only that supermarket's goods are summed."""
    sums = select(StockMovement.good_id, func.sum(StockMovement.delta).label("total"))
    goods = select(Good.id)
    if shop_id is not None:
        goods = goods.where(Good.shop_id == shop_id)
        sums = sums.where(StockMovement.good_id.in_(goods))
    sums = sums.group_by(StockMovement.good_id).subquery()
    stmt = (select(Good.id, Good.name, Good.stock, func.coalesce(sums.c.total, 0))
            .outerjoin(sums, sums.c.good_id == Good.id)
            .where(Good.stock != func.coalesce(sums.c.total, 0)).order_by(Good.id))
    if shop_id is not None:
        stmt = stmt.where(Good.shop_id == shop_id)
    rows = db.session.execute(stmt).all()
    return [(gid, name, stock, int(total)) for gid, name, stock, total in rows]
