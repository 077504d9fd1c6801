"""预约兑换: reserve online, collect at the counter with a pickup code.

Reserving spends the points and holds the stock at once, in one transaction, under the same
account lock the counter takes, so the monthly limits count counter sales and reservations
together. A reservation then ends exactly one way: picked up (the clerk), cancelled (the
resident), or expired (`flask expire-reservations`). Each ending locks the reservation row and
re-reads its status first, so a pickup racing the expiry cron has exactly one winner; the
losers return the points and the stock, or nothing at all.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, policy
from portal.clock import local, local_today, to_utc
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.points import ledger
from portal.points.amounts import format_points
from portal.shop.counter import is_open, lock_account, taken_this_month
from portal.shop.models import Good, Reservation, Shop
from portal.shop.services import move_stock
from portal.types import utcnow
from portal.zones.services import community_of

log = logging.getLogger(__name__)

MAX_QUANTITY = 10
CODE_RE = re.compile(r"^(?:p\.)?(\d{6})$")


def deadline(now: datetime) -> datetime:
    """The end (Shanghai midnight) of the RESERVATION_DAYS-th day after today."""
    days = current_app.config["RESERVATION_DAYS"]
    return to_utc(local_today(now) + timedelta(days=days + 1), time())


def qr_content(reservation: Reservation) -> str:
    return f"p.{reservation.pickup_code}"


def _insert_with_code(reservation: Reservation) -> None:
    """Give the reservation a pickup code no other held reservation of the shop has."""
    for _try in range(8):
        reservation.pickup_code = f"{secrets.randbelow(10**6):06d}"
        taken = db.session.scalar(select(Reservation.id).where(
            Reservation.shop_id == reservation.shop_id, Reservation.status == "held",
            Reservation.pickup_code == reservation.pickup_code))
        if taken is not None:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(reservation)
            return
        except IntegrityError:  # a concurrent twin drew the same code: draw again
            continue
    raise DomainError("busy", _l("系统繁忙，请稍后再试。"), 503)


def reserve(user, good: Good, quantity: int, *, now: datetime | None = None,
            key: str | None = None) -> Reservation:
    """Spend the points and hold the stock now; the resident collects within N days.

    `key` is the form's one-time key: the same form sent twice (a double tap, a retry on a
    weak signal) returns the first reservation instead of making a second."""
    now = now or utcnow()
    if key:
        lock_account(user.id)
        done = db.session.scalar(select(Reservation).where(Reservation.user_id == user.id,
                                                           Reservation.request_key == key))
        if done is not None:
            return done
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError("bad_quantity", _l("每次预约 1 到 10 件。"), 400)
    shop = good.shop
    community = community_of(user.home_zone) if user.home_zone else None
    if community is None or community.id != shop.zone_id:
        raise DomainError("not_your_shop", _l("只能预约您所在社区积分超市的商品。"), 403)
    if not good.is_active:
        raise DomainError("bad_good", _l("这件商品已经下架了。"))
    lock_account(user.id)
    if good.monthly_limit:
        taken = taken_this_month(user.id, [good.id], now).get(good.id, 0)
        if taken + quantity > good.monthly_limit:
            left = max(good.monthly_limit - taken, 0)
            raise DomainError("over_limit", _l(
                "“%(name)s”每人每月限兑 %(limit)d 件，本月还能兑 %(left)d 件。",
                name=good.name, limit=good.monthly_limit, left=left))
    reservation = Reservation(shop_id=shop.id, user_id=user.id, good_id=good.id,
                              quantity=quantity, unit_tenths=good.price_tenths, status="held",
                              created_dt=now, expires_dt=deadline(now), request_key=key)
    _insert_with_code(reservation)
    db.session.flush()
    move_stock(good.id, -quantity, kind="reservation", actor=user,
               source_type="reservation", source_id=reservation.id)
    entry = ledger.spend(user.id, reservation.total_tenths, source_type="reservation",
                         source_id=reservation.id, actor=user,
                         memo=f"预约兑换：{good.name}×{quantity}"[:200])
    reservation.ledger_entry_id = entry.id
    db.session.flush()
    until = local(reservation.last_day)
    points = format_points(reservation.total_tenths)
    audit.record(user, "reservation.create", reservation,
                 f"{user.name} 预约 {good.name}×{quantity}，{points} 分", shop.zone)
    notify(user.id, "reservation.created", f"预约成功：{good.name}×{quantity}",
           f"取货码 {reservation.pickup_code}。请在 {until.month}月{until.day}日 前到"
           f"{shop.name}领取，过期积分自动退回。", f"/shop/reservations/{reservation.id}")
    return reservation


def _locked(reservation: Reservation) -> Reservation:
    """The reservation re-read under its row lock: whoever waited sees the winner's status."""
    return db.session.scalar(
        select(Reservation).where(Reservation.id == reservation.id).with_for_update()
        .execution_options(populate_existing=True))


def _not_held(reservation: Reservation) -> DomainError:
    return {
        "picked_up": DomainError("already_picked_up", _l("这份预约已经取过货了。")),
        "cancelled": DomainError("reservation_cancelled", _l("这份预约已经取消了。")),
        "expired": DomainError("reservation_expired",
                               _l("这份预约已过期，积分已退回，请重新预约。")),
    }[reservation.status]


def _give_back(reservation: Reservation, *, kind: str, status: str, actor, reason: str,
               now: datetime) -> None:
    entry = db.session.get(ledger.LedgerEntry, reservation.ledger_entry_id)
    ledger.reverse(entry, actor=actor, memo=f"{reason}：预约 {reservation.good.name}"
                   f"×{reservation.quantity}")
    move_stock(reservation.good_id, reservation.quantity, kind=kind, reason=reason,
               actor=actor, source_type="reservation", source_id=reservation.id)
    reservation.status, reservation.ended_dt = status, now
    reservation.ended_by_id = getattr(actor, "id", None)
    reservation.end_reason = reason[:200]
    db.session.flush()


def cancel(user, reservation: Reservation, *, now: datetime | None = None) -> Reservation:
    """The resident changes their mind before pickup: points and stock come back."""
    now = now or utcnow()
    if not policy.is_own(user, reservation.user_id):
        raise DomainError("not_yours", _l("这不是您的预约。"), 403)
    reservation = _locked(reservation)
    if reservation.status != "held":
        raise _not_held(reservation)
    _give_back(reservation, kind="release", status="cancelled", actor=user, reason="居民取消",
               now=now)
    audit.record(user, "reservation.cancel", reservation,
                 f"{user.name} 取消预约 {reservation.good.name}×{reservation.quantity}",
                 reservation.shop.zone)
    return reservation


def cancel_for(clerk, reservation: Reservation, reason: str, *,
               now: datetime | None = None) -> Reservation:
    """A clerk cancels for the resident (at the counter, or after a phone call), with a
    reason the resident and the record see: points and stock come back, exactly once."""
    now = now or utcnow()
    policy.check(clerk, "shop.manage", reservation.shop.zone)
    policy.check_action_on(clerk, "cancel_reservation_for", reservation.user)
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 100:
        raise DomainError("needs_reason", _l("请写明取消的原因（2 到 100 字）。"), 400)
    reservation = _locked(reservation)
    if reservation.status != "held":
        raise _not_held(reservation)
    _give_back(reservation, kind="release", status="cancelled", actor=clerk,
               reason=f"工作人员代为取消：{reason}", now=now)
    what = f"{reservation.good.name}×{reservation.quantity}"
    notify(reservation.user_id, "reservation.cancelled", f"预约已取消：{what}",
           f"工作人员 {clerk.name} 为您取消了预约（{reason}），"
           f"{format_points(reservation.total_tenths)} 分已退回。", "/points/",
           dedupe_key=f"reservation:{reservation.id}:cancelled")
    audit.record(clerk, "reservation.cancel_for", reservation,
                 f"{clerk.name} 为 {reservation.user.name} 取消预约 {what}：{reason}",
                 reservation.shop.zone)
    return reservation


def find_for_pickup(clerk, shop: Shop, code: str) -> Reservation:
    """The shop's reservation a typed or scanned pickup code names, open or not."""
    policy.check(clerk, "shop.manage", shop.zone)
    match = CODE_RE.match((code or "").strip().replace(" ", ""))
    if match is None:
        raise DomainError("invalid_code", _l("取货码是 6 位数字，请核对。"), 400)
    found = db.session.scalar(
        select(Reservation).where(Reservation.shop_id == shop.id,
                                  Reservation.pickup_code == match.group(1))
        .order_by((Reservation.status == "held").desc(), Reservation.id.desc()).limit(1))
    if found is None:
        log.warning("pickup code not found: shop %s, code %r", shop.id, code[:20])
        raise DomainError("invalid_code", _l("没有这个取货码的预约，请核对。"), 404)
    return found


def pick_up(clerk, reservation: Reservation, *, now: datetime | None = None) -> Reservation:
    """Hand the goods over. Only a held reservation before its deadline; exactly once."""
    now = now or utcnow()
    shop = reservation.shop
    policy.check(clerk, "shop.manage", shop.zone)
    policy.check_not_beneficiary(clerk, reservation.user_id, _l(
        "不能给自己交付预约的商品，请让另一位超市管理员办理。"))
    if not is_open(shop, now):
        raise DomainError("shop_closed", _l("积分超市现在不在开放时间，不能取货。"))
    reservation = _locked(reservation)
    if reservation.status != "held":
        raise _not_held(reservation)
    if now >= reservation.expires_dt:
        raise DomainError("reservation_expired", _l("这份预约已过期，积分会自动退回，请重新预约。"))
    reservation.status, reservation.ended_dt, reservation.ended_by_id = "picked_up", now, clerk.id
    db.session.flush()
    audit.record(clerk, "reservation.pickup", reservation,
                 f"{reservation.user.name} 取走预约 {reservation.good.name}"
                 f"×{reservation.quantity}", shop.zone)
    return reservation


def expire_due(now: datetime | None = None) -> int:
    """Return the points and stock of every lapsed reservation (cron; safe to rerun)."""
    now = now or utcnow()
    due = db.session.scalars(select(Reservation).where(Reservation.status == "held",
                                                       Reservation.expires_dt <= now)
                             .order_by(Reservation.id)).all()
    expired = 0
    for reservation in due:
        reservation = _locked(reservation)
        if reservation.status != "held":  # picked up or cancelled while we queued
            continue
        _give_back(reservation, kind="expiry", status="expired", actor=None, reason="逾期未取",
                   now=now)
        notify(reservation.user_id, "reservation.expired",
               f"预约已过期：{reservation.good.name}×{reservation.quantity}",
               f"您没有在期限内领取，{format_points(reservation.total_tenths)} 分已退回。",
               "/points/", dedupe_key=f"reservation:{reservation.id}:expired")
        expired += 1
    return expired
