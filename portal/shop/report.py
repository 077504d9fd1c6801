"""Daily reconciliation (日对账) of one supermarket, from three independent records.

- the sales records: redemptions, voids, reservations and how they ended;
- the points ledger: what was really spent and given back for them;
- the stock movements: what really left and came back to the shelf, valued at the price
  recorded on the sale or reservation.

On an honest day all three agree on the net points, and every good's stock runs from the
opening figure through its movements to the closing one. Anything else is listed as a
mismatch for the clerk to explain. A fixed number of statements, whatever the day's volume.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import and_, case, func, select

from portal.clock import to_utc
from portal.extensions import db
from portal.points.amounts import format_points
from portal.points.models import LedgerEntry
from portal.shop.models import (
    MOVEMENT_KINDS,
    Good,
    Redemption,
    RedemptionLine,
    Reservation,
    Shop,
    StockMovement,
)
from portal.shop.services import verify_stock
from portal.web.csv_export import SafeCSVWriter

SALE_KINDS = ("redemption", "void", "reservation", "release", "expiry")


@dataclass
class ItemLine:
    good_id: int
    name: str
    opening: int
    closing: int
    #: movement kind -> sum of deltas that day
    moves: dict[str, int] = field(default_factory=dict)

    @property
    def chain_ok(self) -> bool:
        return self.opening + sum(self.moves.values()) == self.closing


@dataclass
class DailyReport:
    shop: Shop
    day: date
    #: name -> (count, points in tenths)
    counts: dict[str, tuple[int, int]]
    #: net points spent by residents, three ways
    records_net: int
    ledger_net: int
    goods_net: int
    items: list[ItemLine]
    stock_errors: list[tuple[int, str, int, int]]

    @property
    def mismatches(self) -> list[str]:
        found = []
        if self.ledger_net != self.records_net:
            found.append(f"积分流水净支出 {format_points(self.ledger_net)} 分，兑换记录为 "
                         f"{format_points(self.records_net)} 分")
        if self.goods_net != self.records_net:
            found.append(f"出库商品价值 {format_points(self.goods_net)} 分，兑换记录为 "
                         f"{format_points(self.records_net)} 分")
        for item in self.items:
            if not item.chain_ok:
                found.append(f"{item.name}：期初 {item.opening} 加当日变动 "
                             f"{sum(item.moves.values())} 不等于期末 {item.closing}")
        for _gid, name, cached, computed in self.stock_errors:
            found.append(f"{name}：库存 {cached}，流水合计 {computed}")
        return found


def _span(day: date):
    return to_utc(day, time()), to_utc(day + timedelta(days=1), time())


def _count_sum(stmt) -> tuple[int, int]:
    count, total = db.session.execute(stmt).one()
    return int(count or 0), int(total or 0)


def daily_report(shop: Shop, day: date) -> DailyReport:
    start, end = _span(day)
    in_day = lambda column: and_(column >= start, column < end)  # noqa: E731
    sales = select(func.count(Redemption.id), func.sum(Redemption.total_tenths)) \
        .where(Redemption.shop_id == shop.id)
    booked = select(func.count(Reservation.id),
                    func.sum(Reservation.unit_tenths * Reservation.quantity)) \
        .where(Reservation.shop_id == shop.id)
    counts = {
        "redemptions": _count_sum(sales.where(in_day(Redemption.created_dt))),
        "voids": _count_sum(sales.where(in_day(Redemption.voided_dt))),
        "reservations": _count_sum(booked.where(in_day(Reservation.created_dt))),
    }
    ended = dict.fromkeys(("picked_up", "cancelled", "expired"), (0, 0))
    for status, count, total in db.session.execute(
            select(Reservation.status, func.count(Reservation.id),
                   func.sum(Reservation.unit_tenths * Reservation.quantity))
            .where(Reservation.shop_id == shop.id, in_day(Reservation.ended_dt))
            .group_by(Reservation.status)):
        ended[status] = (int(count), int(total or 0))
    counts.update(pickups=ended["picked_up"], cancellations=ended["cancelled"],
                  expiries=ended["expired"])
    records_net = (counts["redemptions"][1] - counts["voids"][1] + counts["reservations"][1]
                   - counts["cancellations"][1] - counts["expiries"][1])

    # the ledger's word: entries written for this shop's sales and reservations that day
    ledger_net = -int(db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_tenths), 0))
        .where(in_day(LedgerEntry.created_dt), (
            (LedgerEntry.source_type == "redemption") & LedgerEntry.source_id.in_(
                select(Redemption.id).where(Redemption.shop_id == shop.id).scalar_subquery()))
            | ((LedgerEntry.source_type == "reservation") & LedgerEntry.source_id.in_(
                select(Reservation.id).where(Reservation.shop_id == shop.id)
                .scalar_subquery())))) or 0)

    # the shelf's word: goods out, valued at the price on the sale or reservation
    unit = case((StockMovement.source_type == "redemption", RedemptionLine.unit_tenths),
                else_=Reservation.unit_tenths)
    goods_net = -int(db.session.scalar(
        select(func.coalesce(func.sum(StockMovement.delta * unit), 0))
        .select_from(StockMovement)
        .join(Good, Good.id == StockMovement.good_id)
        .outerjoin(RedemptionLine, and_(StockMovement.source_type == "redemption",
                                        RedemptionLine.redemption_id == StockMovement.source_id,
                                        RedemptionLine.good_id == StockMovement.good_id))
        .outerjoin(Reservation, and_(StockMovement.source_type == "reservation",
                                     Reservation.id == StockMovement.source_id))
        .where(Good.shop_id == shop.id, StockMovement.kind.in_(SALE_KINDS),
               in_day(StockMovement.created_dt))) or 0)

    return DailyReport(shop=shop, day=day, counts=counts, records_net=records_net,
                       ledger_net=ledger_net, goods_net=goods_net, items=_items(shop, start, end),
                       stock_errors=verify_stock(shop.id))


def _stock_at(shop: Shop, moment) -> dict[int, int]:
    """Each good's stock just before `moment`: the stock after its last earlier movement."""
    last = (select(func.max(StockMovement.id)).join(Good, Good.id == StockMovement.good_id)
            .where(Good.shop_id == shop.id, StockMovement.created_dt < moment)
            .group_by(StockMovement.good_id))
    return dict(db.session.execute(
        select(StockMovement.good_id, StockMovement.stock_after)
        .where(StockMovement.id.in_(last))).all())


def _items(shop: Shop, start, end) -> list[ItemLine]:
    """Every good that moved that day, with opening and closing stock and moves by kind."""
    moves: dict[int, dict[str, int]] = {}
    for good_id, kind, total in db.session.execute(
            select(StockMovement.good_id, StockMovement.kind, func.sum(StockMovement.delta))
            .join(Good, Good.id == StockMovement.good_id)
            .where(Good.shop_id == shop.id, StockMovement.created_dt >= start,
                   StockMovement.created_dt < end)
            .group_by(StockMovement.good_id, StockMovement.kind)):
        moves.setdefault(good_id, {})[kind] = int(total)
    if not moves:
        return []
    opening, closing = _stock_at(shop, start), _stock_at(shop, end)
    names = dict(db.session.execute(select(Good.id, Good.name).where(Good.id.in_(moves))).all())
    return sorted((ItemLine(good_id=g, name=names[g], opening=opening.get(g, 0),
                            closing=closing.get(g, 0), moves=m) for g, m in moves.items()),
                  key=lambda item: item.name)


COUNT_LABELS = {"redemptions": "柜台兑换", "voids": "撤销兑换", "reservations": "预约兑换",
                "pickups": "预约取货", "cancellations": "预约取消", "expiries": "预约过期"}
KIND_LABELS = {"restock": "入库", "adjust": "盘点调整", "redemption": "兑换", "void": "撤销兑换",
               "reservation": "预约", "release": "取消预约", "expiry": "预约过期"}
assert set(KIND_LABELS) == set(MOVEMENT_KINDS)


def to_csv(report: DailyReport) -> str:
    """The report as CSV (UTF-8 with a BOM, so Excel on a community PC opens it in Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = SafeCSVWriter(out)
    writer.writerow(["积分超市日对账", report.shop.name, report.day.isoformat()])
    writer.writerow([])
    writer.writerow(["项目", "笔数", "积分"])
    for key, label in COUNT_LABELS.items():
        count, tenths = report.counts[key]
        writer.writerow([label, count, f"{format_points(tenths)}"])
    writer.writerow([])
    writer.writerow(["净支出（兑换记录）", "", f"{format_points(report.records_net)}"])
    writer.writerow(["净支出（积分流水）", "", f"{format_points(report.ledger_net)}"])
    writer.writerow(["净支出（出库商品价值）", "", f"{format_points(report.goods_net)}"])
    writer.writerow([])
    writer.writerow(["商品", "期初", *KIND_LABELS.values(), "期末", "核对"])
    for item in report.items:
        writer.writerow([item.name, item.opening, *(item.moves.get(k, 0) for k in KIND_LABELS),
                         item.closing, "一致" if item.chain_ok else "不一致"])
    writer.writerow([])
    for problem in report.mismatches or ["无差异"]:
        writer.writerow(["差异", problem])
    return out.getvalue()
