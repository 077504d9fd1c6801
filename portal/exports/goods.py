"""Rows of the exports about the supermarket and wishes: sales (one row per line of a
counter sale), stock movements, and wishes with their outcomes. Like people.py, each yields
tuples in its kind's column order, streamed in batches and scoped to the actor's zones."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.exports.people import in_scope, stream
from portal.exports.period import Period
from portal.shop.models import Good, Redemption, RedemptionLine, Shop, StockMovement
from portal.shop.report import KIND_LABELS as MOVEMENT_LABELS
from portal.wishes.models import Wish
from portal.zones.models import Zone

SALE_STATUS = {"done": "已完成", "voided": "已撤销"}
WISH_STATUS = {"pending": "待审核", "rejected": "未通过审核", "published": "等待认领",
               "claimed": "已认领，进行中", "fulfilled": "已完成，待确认", "confirmed": "已圆梦",
               "withdrawn": "已撤回"}
WISH_KINDS = {"item": "物品", "service": "服务"}


def shop_sales(actor, permission: str, zone: Zone | None, period: Period):
    """Each line of each counter sale of the period in the scope's supermarkets; a voided
    sale stays, marked 已撤销, so the sheet matches the counter's own records."""
    start, end = period.span
    resident = aliased(User)
    for (when, receipt, shop, name, good, quantity, unit, status) in stream(
            select(Redemption.created_dt, Redemption.receipt_no, Shop.name, resident.name,
                   Good.name, RedemptionLine.quantity, RedemptionLine.unit_tenths,
                   Redemption.status)
            .select_from(RedemptionLine)
            .join(Redemption, Redemption.id == RedemptionLine.redemption_id)
            .join(Good, Good.id == RedemptionLine.good_id)
            .join(Shop, Shop.id == Redemption.shop_id)
            .join(Zone, Zone.id == Shop.zone_id)
            .join(resident, resident.id == Redemption.user_id)
            .where(Redemption.created_dt >= start, Redemption.created_dt < end,
                   in_scope(actor, permission, zone, Zone.path))
            .order_by(Redemption.id, RedemptionLine.id), period):
        yield (when, receipt or "", shop, name, good, quantity, unit, quantity * unit,
               SALE_STATUS.get(status, status))


def stock_movements(actor, permission: str, zone: Zone | None, period: Period):
    start, end = period.span
    clerk = aliased(User)
    for (when, shop, good, kind, delta, after, reason, name) in stream(
            select(StockMovement.created_dt, Shop.name, Good.name, StockMovement.kind,
                   StockMovement.delta, StockMovement.stock_after, StockMovement.reason,
                   clerk.name)
            .join(Good, Good.id == StockMovement.good_id)
            .join(Shop, Shop.id == Good.shop_id)
            .join(Zone, Zone.id == Shop.zone_id)
            .outerjoin(clerk, clerk.id == StockMovement.actor_id)
            .where(StockMovement.created_dt >= start, StockMovement.created_dt < end,
                   in_scope(actor, permission, zone, Zone.path))
            .order_by(StockMovement.id), period):
        yield (when, shop, good, MOVEMENT_LABELS.get(kind, kind), delta, after, reason,
               name or "")


def wishes(actor, permission: str, zone: Zone | None, period: Period):
    """Wishes posted in the period in the scope, with who claimed them and how it ended. The
    poster is left out: their name is shown to others only with consent (art. 16)."""
    start, end = period.span
    claimer = aliased(User)
    for (when, title, kind, place, status, name, claimed, fulfilled, confirmed, rating,
         comment) in stream(
            select(Wish.created_dt, Wish.title, Wish.kind, Zone.name, Wish.status,
                   claimer.name, Wish.claimed_dt, Wish.fulfilled_dt, Wish.confirmed_dt,
                   Wish.rating, Wish.rating_comment)
            .join(Zone, Zone.id == Wish.zone_id)
            .outerjoin(claimer, claimer.id == Wish.claimer_id)
            .where(Wish.created_dt >= start, Wish.created_dt < end,
                   in_scope(actor, permission, zone, Zone.path))
            .order_by(Wish.id), period):
        yield (when, title, WISH_KINDS.get(kind, kind), place,
               WISH_STATUS.get(status, status), name or "", claimed, fulfilled, confirmed,
               rating, comment)
