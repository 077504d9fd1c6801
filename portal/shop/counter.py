"""The counter: identify the customer, redeem goods for points in one transaction, and void
the sale within minutes.

A redemption first locks the resident's points account row: concurrent redemptions by one
resident queue there, so the monthly limits counted next are true. Stock then moves by the
guarded UPDATE (goods in id order, so two carts never lock each other), and the points are
spent through the ledger. Any refusal raises, the request rolls back, nothing has changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, union_all

from portal import audit, policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.clock import local, local_today, to_utc
from portal.codes import CodeError
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.members import cards
from portal.members.codes import find_member
from portal.points import ledger
from portal.points.amounts import format_points
from portal.points.models import PointsAccount
from portal.shop.models import Good, Redemption, RedemptionLine, Reservation, Shop
from portal.shop.services import move_stock
from portal.types import utcnow
from portal.zones.services import community_of

MAX_QUANTITY = 99


def is_open(shop: Shop, now: datetime) -> bool:
    at = local(now)
    return at.weekday() in shop.open_days and shop.open_time <= at.time() < shop.close_time


def month_start(now: datetime) -> datetime:
    today = local_today(now)
    return to_utc(today.replace(day=1), datetime.min.time())


def taken_this_month(user_id: int, good_ids: list[int], now: datetime) -> dict[int, int]:
    """Quantities of each good the resident took this calendar month: counter sales (voids
    excluded) and reservations held or picked up (cancelled and expired ones excluded)."""
    if not good_ids:
        return {}
    since = month_start(now)
    sold = (select(RedemptionLine.good_id.label("good_id"),
                   RedemptionLine.quantity.label("quantity"))
            .join(Redemption, Redemption.id == RedemptionLine.redemption_id)
            .where(Redemption.user_id == user_id, Redemption.status == "done",
                   Redemption.created_dt >= since, RedemptionLine.good_id.in_(good_ids)))
    reserved = (select(Reservation.good_id, Reservation.quantity)
                .where(Reservation.user_id == user_id,
                       Reservation.status.in_(("held", "picked_up")),
                       Reservation.created_dt >= since, Reservation.good_id.in_(good_ids)))
    both = union_all(sold, reserved).subquery()
    return {good_id: int(total) for good_id, total in db.session.execute(
        select(both.c.good_id, func.sum(both.c.quantity)).group_by(both.c.good_id)).all()}


def lock_account(user_id: int) -> None:
    account_id = ledger.account_id_for(user_id)
    db.session.execute(select(PointsAccount.id).where(PointsAccount.id == account_id)
                       .with_for_update())


#: what a one-time request key may look like (secrets.token_urlsafe(16) makes 22 characters)
REQUEST_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


def request_key(value) -> str | None:
    """A form's one-time key if it is well formed, else None (then no replay protection)."""
    value = (value or "").strip() if isinstance(value, str) else ""
    return value if REQUEST_KEY_RE.match(value) else None


def check_customer(shop: Shop, user, clerk=None) -> None:
    """Who may buy here: an active account of this shop's community (each community has its
    own supermarket, and its own residents' points pay for its goods), never the clerk at
    the counter themselves: another clerk serves them."""
    policy.check_not_beneficiary(clerk, user.id, _l(
        "不能给自己兑换，请让另一位超市管理员为您办理。"))
    if not user.is_active_account:
        raise DomainError("account_disabled", _l("这个账户已停用，不能兑换。"), 403)
    community = community_of(user.home_zone) if user.home_zone else None
    if community is None or community.id != shop.zone_id:
        raise DomainError("not_your_shop", _l(
            "这位居民不是本社区的，请到所在社区的积分超市兑换。"), 403)


@dataclass(frozen=True)
class Identified:
    """What the counter's one field named: a customer and how they showed who they are
    (member_code | card | phone), or, for a pickup code, the reservation to hand over."""

    how: str
    user: User | None = None
    reservation: Reservation | None = None




def _member(code: str, now: datetime) -> User:
    try:
        return find_member(code, now)
    except CodeError as error:
        if error.code == "expired_code":
            raise DomainError("expired_code", _l("二维码已过期，请让居民刷新会员码。"),
                              400) from None
        raise DomainError("invalid_code", _l("二维码无效，请重新扫描。"), 400) from None


def _by_phone(clerk, phone: str, reason: str) -> User:
    """Without a code the clerk acts for the person, so only for a resident below them."""
    if not reason:
        raise DomainError("needs_reason", _l("按手机号查找需要写明原因。"), 400)
    user = db.session.scalar(select(User).where(User.phone == normalise_phone(phone)))
    if user is None:
        raise DomainError("phone_not_found", _l("没有找到这个手机号对应的居民。"), 404)
    if not policy.may_act_on(clerk, "counter_lookup", user):
        raise DomainError("lookup_not_allowed", _l(
            "按手机号查找只能为普通居民办理；工作人员请出示会员码。"), 403)
    return user


def identify(clerk, shop: Shop, *, code: str = "", phone: str = "", reason: str = "",
             now: datetime | None = None) -> Identified:
    """Who (or which reservation) the clerk's scan or typing names. A code, if any, wins:
    a pickup code (six digits, or "p." and six digits from its QR), a printed card, else a
    member code. With no code, a phone number and a reason; that look-up is audited, since
    it shows the clerk a person who did not show their own code. The customer checks
    (`check_customer`) apply to every way in. Raises DomainError with the Chinese message."""
    from portal.shop import reservations  # reservations imports this module

    now = now or utcnow()
    policy.check(clerk, "shop.manage", shop.zone)
    code = (code or "").strip()
    compact = code.replace(" ", "")
    phone, reason = (phone or "").strip(), (reason or "").strip()
    if reservations.CODE_RE.match(compact):
        return Identified("pickup", reservation=reservations.find_for_pickup(clerk, shop, code))
    if cards.is_card(compact):
        user, how = cards.holder_of(code), "card"
    elif code:
        user, how = _member(code, now), "member_code"
    elif phone:
        user, how = _by_phone(clerk, phone, reason), "phone"
    else:
        raise DomainError("nothing_to_identify", _l(
            "请扫会员码、会员卡或取货码，或按手机号查找。"), 400)
    check_customer(shop, user, clerk)
    if how == "phone":
        audit.record(clerk, "counter.lookup", user,
                     f"积分超市按手机号查找 {user.name}：{reason}", shop.zone)
    return Identified(how, user)


def sale_for_key(user_id: int, key: str | None) -> Redemption | None:
    """The sale a cart's one-time key already made, if any."""
    if not key:
        return None
    return db.session.scalar(select(Redemption).where(Redemption.user_id == user_id,
                                                      Redemption.request_key == key))


def redeem(clerk, shop: Shop, user, items: dict[int, int], *, identified_by: str = "member_code",
           now: datetime | None = None, key: str | None = None) -> Redemption:
    """Sell `items` ({good id: quantity}) to the resident for points. All or nothing.

    `key` is the cart's one-time key: a confirm sent twice (a double tap, a phone retrying on
    a weak signal) finds the first sale under the resident's account lock and returns it,
    so it is never charged twice."""
    now = now or utcnow()
    policy.check(clerk, "shop.manage", shop.zone)
    policy.check_not_beneficiary(clerk, user.id, _l(
        "不能给自己兑换，请让另一位超市管理员为您办理。"))
    # One lock per resident for the whole sale: replays, monthly limits and the spend below
    # all read under it, so concurrent sales to one resident queue here.
    lock_account(user.id)
    done = sale_for_key(user.id, key)
    if done is not None:
        return done
    check_customer(shop, user)
    if not is_open(shop, now):
        raise DomainError("shop_closed", _l("积分超市现在不在开放时间，不能兑换。"))
    items = {int(g): int(q) for g, q in (items or {}).items() if int(q) > 0}
    if not items:
        raise DomainError("empty_cart", _l("还没有选商品。"), 400)
    if any(q > MAX_QUANTITY for q in items.values()):
        raise DomainError("bad_quantity", _l("每种商品一次最多 99 件。"), 400)
    goods = {g.id: g for g in db.session.scalars(select(Good).where(Good.id.in_(items)))}
    if set(goods) != set(items) or any(g.shop_id != shop.id or not g.is_active
                                       for g in goods.values()):
        raise DomainError("bad_good", _l("有商品不属于本超市或已下架，请重新选择。"), 400)
    taken = taken_this_month(user.id, [g.id for g in goods.values() if g.monthly_limit], now)
    for good in goods.values():
        if good.monthly_limit and taken.get(good.id, 0) + items[good.id] > good.monthly_limit:
            left = max(good.monthly_limit - taken.get(good.id, 0), 0)
            raise DomainError("over_limit", _l(
                "“%(name)s”每人每月限兑 %(limit)d 件，本月还能兑 %(left)d 件。",
                name=good.name, limit=good.monthly_limit, left=left))
    total = sum(goods[g].price_tenths * q for g, q in items.items())
    redemption = Redemption(shop_id=shop.id, user_id=user.id, clerk_id=clerk.id,
                            total_tenths=total, identified_by=identified_by, created_dt=now,
                            request_key=key)
    db.session.add(redemption)
    db.session.flush()
    redemption.receipt_no = f"R{local(now):%Y%m%d}-{redemption.id:06d}"
    for good_id in sorted(items):
        db.session.add(RedemptionLine(redemption_id=redemption.id, good_id=good_id,
                                      quantity=items[good_id],
                                      unit_tenths=goods[good_id].price_tenths))
    names = "、".join(f"{goods[g].name}×{q}" for g, q in sorted(items.items()))
    entry = ledger.spend(user.id, total, source_type="redemption", source_id=redemption.id,
                         actor=clerk, memo=f"积分超市兑换：{names}"[:200])
    redemption.ledger_entry_id = entry.id
    audit.record(clerk, "redemption.create", redemption,
                 f"{user.name} 兑换 {names}，{format_points(total)} 分（{redemption.receipt_no}）",
                 shop.zone)
    db.session.flush()
    # The shelf last: a popular good's row is the one every counter contends for, so its lock
    # is taken just before the commit and held as briefly as the sale allows.
    for good_id in sorted(items):
        move_stock(good_id, -items[good_id], kind="redemption", actor=clerk,
                   source_type="redemption", source_id=redemption.id)
    return redemption


def void_deadline(sale: Redemption) -> datetime:
    """The moment a sale stops being voidable: REDEMPTION_VOID_MINUTES after it was made.
    The one place that rule lives; the void, the receipt and the day's list all ask it."""
    return sale.created_dt + timedelta(minutes=current_app.config["REDEMPTION_VOID_MINUTES"])


def is_voidable(sale: Redemption, now: datetime | None = None) -> bool:
    """Not voided yet, and before its deadline (the clerk's scope is `void`'s own check)."""
    return sale.status == "done" and (now or utcnow()) < void_deadline(sale)


def void(clerk, redemption: Redemption, reason: str, *, now: datetime | None = None):
    """Undo a sale before its `void_deadline`: points back, stock back, exactly once."""
    now = now or utcnow()
    policy.check(clerk, "shop.manage", redemption.shop.zone)
    policy.check_not_beneficiary(clerk, redemption.user_id, _l(
        "不能撤销自己的兑换，请让另一位超市管理员办理。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("needs_reason", _l("请写明撤销原因。"), 400)
    redemption = db.session.scalar(
        select(Redemption).where(Redemption.id == redemption.id).with_for_update()
        .execution_options(populate_existing=True))
    if redemption.status != "done":
        raise DomainError("already_voided", _l("这笔兑换已经撤销过了。"))
    if not is_voidable(redemption, now):
        raise DomainError("void_too_late", _l(
            "这笔兑换只能在 %(time)s 前撤销，现在已超过时限，不能撤销。",
            time=f"{local(void_deadline(redemption)):%H:%M}"))
    entry = db.session.get(ledger.LedgerEntry, redemption.ledger_entry_id)
    ledger.reverse(entry, actor=clerk, memo=f"撤销兑换 {redemption.receipt_no}：{reason}")
    for line in redemption.lines:
        move_stock(line.good_id, line.quantity, kind="void", reason=reason, actor=clerk,
                   source_type="redemption", source_id=redemption.id)
    redemption.status, redemption.voided_dt = "voided", now
    redemption.voided_by_id, redemption.void_reason = clerk.id, reason[:200]
    db.session.flush()
    audit.record(clerk, "redemption.void", redemption,
                 f"撤销兑换 {redemption.receipt_no}：{reason}", redemption.shop.zone)
    notify(redemption.user_id, "redemption.voided", f"兑换已撤销：{redemption.receipt_no}",
           f"积分 {format_points(redemption.total_tenths)} 分已退回。原因：{reason}", "/points/")
    return redemption
