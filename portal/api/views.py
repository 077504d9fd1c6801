"""The endpoints. Each one parses (spectree, against portal/api/schemas.py), calls the same
service the web page calls, and answers JSON; the rules stay in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from spectree import Response
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.api import schemas as s
from portal.api.core import (
    Error,
    bp,
    commit_read,
    decode_cursor,
    documented,
    holder,
    idempotency_key,
    idempotent,
    needs,
    page_of,
)
from portal.errors import DomainError
from portal.extensions import db
from portal.points import ledger
from portal.points.amounts import format_points
from portal.points.models import LedgerEntry, PointsAccount
from portal.shop import counter, reservations
from portal.shop.models import Good, Redemption, Reservation, Shop
from portal.web.loading import load_in_scope

#: the refusals every authenticated endpoint may give
AUTH = {"HTTP_401": Error, "HTTP_403": Error, "HTTP_422": Error, "HTTP_429": Error}
#: …and those of an endpoint that names a row, or writes
ROW = {**AUTH, "HTTP_404": Error}
WRITE = {**ROW, "HTTP_400": Error, "HTTP_409": Error}


def _passbook_row(entry: LedgerEntry) -> dict:
    return {"id": entry.id, "amount_tenths": entry.amount_tenths,
            "balance_after_tenths": entry.balance_after_tenths, "kind": entry.kind,
            "memo": entry.memo, "created_at": entry.created_dt,
            "reversal_of_id": entry.reversal_of_id, "reversed": entry.reversed_by is not None}


def _sale(sale: Redemption) -> dict:
    return {"id": sale.id, "receipt_no": sale.receipt_no, "shop_id": sale.shop_id,
            "user_id": sale.user_id, "total_tenths": sale.total_tenths, "status": sale.status,
            "identified_by": sale.identified_by, "created_at": sale.created_dt,
            "lines": [{"good_id": line.good_id, "quantity": line.quantity,
                       "unit_tenths": line.unit_tenths} for line in sale.lines]}


def _reservation(found: Reservation) -> dict:
    return {"id": found.id, "status": found.status, "good_id": found.good_id,
            "good_name": found.good.name, "quantity": found.quantity,
            "total_tenths": found.unit_tenths * found.quantity, "user_id": found.user_id,
            "expires_at": found.expires_dt}


def _shop(shop_id: int) -> Shop:
    """The shop, if the token's holder manages it: 404, or 403 outside their zones."""
    return load_in_scope(Shop, shop_id, "shop.manage")


# ---------------------------------------------------------------- the resident's own points


@bp.get("/me/balance")
@needs("read")
@documented(resp=Response(HTTP_200=s.Balance, **AUTH), tags=["积分"])
def balance():
    """我的积分余额

    权限范围：read。与“我的积分”页同一本账（points/ledger.balance_of）。"""
    user = holder()
    tenths = ledger.balance_of(user.id)
    commit_read()
    return {"user_id": user.id, "name": user.name, "balance_tenths": tenths,
            "balance": format_points(tenths)}


@bp.get("/me/passbook")
@needs("read")
@documented(query=s.PageQuery, resp=Response(HTTP_200=s.Passbook, HTTP_400=Error, **AUTH),
            tags=["积分"])
def passbook(query: s.PageQuery):
    """我的积分明细

    权限范围：read。新的在前，按游标翻页；每条带记账后的余额，撤销的条目标明 reversed。"""
    before = decode_cursor(query.cursor)
    stmt = (select(LedgerEntry).join(PointsAccount, PointsAccount.id == LedgerEntry.account_id)
            .where(PointsAccount.user_id == holder().id)
            .options(joinedload(LedgerEntry.reversed_by))
            .order_by(LedgerEntry.id.desc()).limit(query.limit + 1))
    if before is not None:
        stmt = stmt.where(LedgerEntry.id < before)
    rows, cursor = page_of(list(db.session.scalars(stmt).unique()), query.limit)
    commit_read()
    return {"items": [_passbook_row(entry) for entry in rows], "next_cursor": cursor}


# ---------------------------------------------------------------- the supermarket counter


@bp.get("/counter/shops/<int:shop_id>/goods")
@needs("counter")
@documented(query=s.PageQuery, resp=Response(HTTP_200=s.Goods, HTTP_400=Error, **ROW),
            tags=["超市柜台"])
def goods(shop_id: int, query: s.PageQuery):
    """超市在售商品

    权限范围：counter。令牌持有人须管理这家超市（shop.manage）。"""
    shop = _shop(shop_id)
    after = decode_cursor(query.cursor)
    stmt = (select(Good).where(Good.shop_id == shop.id, Good.is_active.is_(True))
            .order_by(Good.id).limit(query.limit + 1))
    if after is not None:
        stmt = stmt.where(Good.id > after)
    rows, cursor = page_of(list(db.session.scalars(stmt)), query.limit)
    commit_read()
    return {"items": [{"id": g.id, "name": g.name, "category": g.category,
                       "price_tenths": g.price_tenths, "stock": g.stock,
                       "monthly_limit": g.monthly_limit} for g in rows],
            "next_cursor": cursor}


@bp.post("/counter/shops/<int:shop_id>/lookup")
@needs("counter")
@documented(json=s.CodeBody, resp=Response(HTTP_200=s.Lookup, **WRITE), tags=["超市柜台"])
def lookup(shop_id: int, json: s.CodeBody):
    """按码识别居民或预约

    权限范围：counter。与柜台页的扫码框相同（shop/counter.identify）：会员码 m.、会员卡 k.
    或 10 位卡号、取货码 p. 或 6 位数字。不改变任何数据，所以不需要 Idempotency-Key。"""
    shop = _shop(shop_id)
    found = counter.identify(holder(), shop, code=json.code)
    member = None
    if found.user is not None:
        member = {"id": found.user.id, "name": found.user.name,
                  "balance_tenths": ledger.balance_of(found.user.id)}
    answer = {"how": found.how, "member": member,
              "reservation": _reservation(found.reservation) if found.reservation else None}
    commit_read()
    return answer


@bp.post("/counter/shops/<int:shop_id>/sales")
@needs("counter")
@idempotent
@documented(json=s.SaleBody, headers=s.IdempotencyHeaders,
            resp=Response(HTTP_201=s.Sale, **WRITE), tags=["超市柜台"])
def sale(shop_id: int, json: s.SaleBody):
    """兑换（柜台销售）

    权限范围：counter。需要 Idempotency-Key：它就是柜台购物车的一次性键，重试不会重复扣分。
    全部成功或全部不做（shop/counter.redeem）：余额不足、超出每月限兑、库存不足、不在开放时间，
    都以 409 和对应的 code 拒绝。"""
    shop = _shop(shop_id)
    found = counter.identify(holder(), shop, code=json.code)
    if found.user is None:
        raise DomainError("not_a_member_code", _l("请扫居民的会员码或会员卡，取货码请用取货接口。"),
                          400)
    items: dict[int, int] = {}
    for line in json.lines:
        items[line.good_id] = items.get(line.good_id, 0) + line.quantity
    done = counter.redeem(holder(), shop, found.user, items, identified_by=found.how,
                          key=counter.request_key(idempotency_key()))
    return _sale(done), 201


@bp.post("/counter/sales/<int:sale_id>/void")
@needs("counter")
@idempotent
@documented(json=s.VoidBody, headers=s.IdempotencyHeaders,
            resp=Response(HTTP_200=s.Sale, **WRITE), tags=["超市柜台"])
def void(sale_id: int, json: s.VoidBody):
    """撤销兑换

    权限范围：counter。在规定分钟内撤销，积分和库存退回（shop/counter.void）。"""
    found = load_in_scope(Redemption, sale_id, "shop.manage", zone_of=lambda r: r.shop.zone,
                          options=[selectinload(Redemption.lines)])
    return _sale(counter.void(holder(), found, json.reason)), 200


@bp.post("/counter/shops/<int:shop_id>/pickups")
@needs("counter")
@idempotent
@documented(json=s.CodeBody, headers=s.IdempotencyHeaders,
            resp=Response(HTTP_200=s.ReservationOut, **WRITE), tags=["超市柜台"])
def pickup(shop_id: int, json: s.CodeBody):
    """按取货码交付预约

    权限范围：counter。与柜台页的取货相同（shop/reservations.find_for_pickup、pick_up）。"""
    shop = _shop(shop_id)
    found = reservations.find_for_pickup(holder(), shop, json.code)
    return _reservation(reservations.pick_up(holder(), found)), 200
