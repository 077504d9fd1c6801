"""The clerk's counter: identify the resident, build the cart, confirm, print, void.

The cart lives in the clerk's session (no JavaScript needed); the sale itself is one service
call at confirmation. A USB scanner types into the focused field and presses Enter.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import policy
from portal.accounts.models import User
from portal.errors import DomainError
from portal.extensions import db
from portal.points import ledger
from portal.points.amounts import format_points
from portal.shop import counter, queries, reservations
from portal.shop.models import Good, Redemption, Reservation
from portal.shop.staff_views import shop_in_scope
from portal.types import utcnow
from portal.web.loading import load_in_scope, load_or_404
from portal.web.params import bounded_int, page_arg
from portal.web.transaction import committing

bp = Blueprint("shop_counter", __name__)
CART = "counter"


@bp.context_processor
def _void_rule():
    """Templates ask the counter's one void rule, never restate it."""
    return {"is_voidable": counter.is_voidable, "void_deadline": counter.void_deadline}


def _cart(shop_id: int) -> dict:
    cart = session.get(CART)
    return cart if cart and cart.get("shop") == shop_id else {}


def _save(cart: dict) -> None:
    session[CART] = cart
    session.modified = True


@bp.get("/<int:shop_id>/counter")
@policy.require_permission("shop.manage")
def counter_page(shop_id: int):
    shop = shop_in_scope(shop_id)
    cart = _cart(shop.id)
    sold = counter.sale_for_key(cart["user"], counter.request_key(cart.get("key"))) \
        if cart.get("user") else None
    if sold is not None:  # the confirm went through but its answer never arrived
        session.pop(CART, None)
        flash(_("这一单已经兑换成功（收据号 %(no)s），没有重复扣积分。", no=sold.receipt_no),
              "success")
        return redirect(url_for("shop_counter.receipt", redemption_id=sold.id))
    user = db.session.get(User, cart["user"]) if cart.get("user") else None
    goods = list(db.session.scalars(select(Good).where(Good.shop_id == shop.id,
                                                       Good.is_active.is_(True))
                                    .order_by(Good.category, Good.name)))
    by_id = {g.id: g for g in goods}
    lines = [(by_id[int(g)], q) for g, q in cart.get("items", {}).items() if int(g) in by_id]
    now = utcnow()
    taken = counter.taken_this_month(user.id, [g.id for g in goods if g.monthly_limit], now) \
        if user else {}
    return render_template("shop/staff/counter.html", shop=shop, user=user, goods=goods,
                           lines=lines, total=sum(g.price_tenths * q for g, q in lines),
                           balance=ledger.balance_of(user.id) if user else 0, taken=taken,
                           is_open=counter.is_open(shop, now))


def _back(shop_id: int):
    return redirect(url_for("shop_counter.counter_page", shop_id=shop_id))


@bp.post("/<int:shop_id>/counter/identify")
@policy.require_permission("shop.manage")
def identify(shop_id: int):
    """The one field (a scanner types into it) or the phone look-up: `counter.identify` says
    who it is; a resident starts a new cart, a pickup code opens its reservation."""
    shop = shop_in_scope(shop_id)
    with committing() as done:
        found = counter.identify(current_user, shop, code=request.form.get("code") or "",
                                 phone=request.form.get("phone") or "",
                                 reason=request.form.get("reason") or "")
    if done and found.reservation is not None:
        return redirect(url_for("shop_counter.reservation", reservation_id=found.reservation.id))
    if done:
        _save({"shop": shop.id, "user": found.user.id, "how": found.how, "items": {},
               "key": secrets.token_urlsafe(16)})
    return _back(shop.id)


@bp.post("/<int:shop_id>/counter/cart")
@policy.require_permission("shop.manage")
def cart(shop_id: int):
    shop = shop_in_scope(shop_id)
    current = _cart(shop.id)
    if not current.get("user"):
        return _back(shop.id)
    action = request.form.get("action")
    if action == "clear":
        session.pop(CART, None)
        return _back(shop.id)
    good = None
    barcode = (request.form.get("barcode") or "").strip()
    if barcode:
        good = db.session.scalar(select(Good).where(Good.shop_id == shop.id,
                                                    Good.barcode == barcode,
                                                    Good.is_active.is_(True)))
        if good is None:
            flash(_("没有这个条码的商品。"), "error")
            return _back(shop.id)
    else:
        good = load_or_404(Good, request.form.get("good_id", type=bounded_int) or 0)
        if good.shop_id != shop.id:  # a good of another shop is not on this counter
            abort(404)
    items = current.setdefault("items", {})
    key = str(good.id)
    quantity = items.get(key, 0) + (-1 if action == "less" else 1)
    if action == "remove" or quantity <= 0:
        items.pop(key, None)
    else:
        items[key] = min(quantity, counter.MAX_QUANTITY)
    _save(current)
    return _back(shop.id)


@bp.post("/<int:shop_id>/counter/confirm")
@policy.require_permission("shop.manage")
def confirm(shop_id: int):
    shop = shop_in_scope(shop_id)
    current = _cart(shop.id)
    user = db.session.get(User, current.get("user") or 0)
    if user is None:
        return _back(shop.id)
    items = {int(g): q for g, q in current.get("items", {}).items()}
    with committing() as done:
        sale = counter.redeem(current_user, shop, user, items,
                              identified_by=current.get("how", "member_code"),
                              key=counter.request_key(current.get("key")))
    if not done:
        return _back(shop.id)
    session.pop(CART, None)
    flash(_("兑换成功，收据号 %(no)s。", no=sale.receipt_no), "success")
    return redirect(url_for("shop_counter.receipt", redemption_id=sale.id))


def _redemption(redemption_id: int) -> Redemption:
    return load_in_scope(Redemption, redemption_id, "shop.manage",
                         zone_of=lambda sale: sale.shop.zone)


@bp.get("/redemptions/<int:redemption_id>")
@policy.require_permission("shop.manage")
def receipt(redemption_id: int):
    return render_template("shop/staff/receipt.html", sale=_redemption(redemption_id),
                           paper=request.args.get("paper"))


@bp.get("/<int:shop_id>/redemptions")
@policy.require_permission("shop.manage")
def sales_today(shop_id: int):
    """Today's sales at this shop, newest first: the way back to a receipt, to void it."""
    shop = shop_in_scope(shop_id)
    return render_template("shop/staff/sales.html", shop=shop,
                           pagination=queries.sales_of_day(shop, utcnow(), page_arg()))


@bp.post("/redemptions/<int:redemption_id>/void")
@policy.require_permission("shop.manage")
def void(redemption_id: int):
    sale = _redemption(redemption_id)
    with committing() as done:
        counter.void(current_user, sale, request.form.get("reason", ""))
    if done:
        flash(_("已撤销，积分和库存已退回。"), "success")
    return redirect(url_for("shop_counter.receipt", redemption_id=sale.id))


def _pickup_lookup(shop, code: str):
    try:
        found = reservations.find_for_pickup(current_user, shop, code)
    except DomainError as error:
        flash(error.message, "error")
        return _back(shop.id)
    return redirect(url_for("shop_counter.reservation", reservation_id=found.id))


@bp.post("/<int:shop_id>/counter/pickup")
@policy.require_permission("shop.manage")
def pickup_lookup(shop_id: int):
    return _pickup_lookup(shop_in_scope(shop_id), request.form.get("code") or "")


@bp.get("/<int:shop_id>/reservations")
@policy.require_permission("shop.manage")
def reservations_list(shop_id: int):
    shop = shop_in_scope(shop_id)
    return render_template("shop/staff/reservations.html", shop=shop,
                           pagination=queries.shop_reservations(shop, page_arg()))


def _reservation(reservation_id: int) -> Reservation:
    return load_in_scope(Reservation, reservation_id, "shop.manage",
                         zone_of=lambda booked: booked.shop.zone)


@bp.get("/reservations/<int:reservation_id>")
@policy.require_permission("shop.manage")
def reservation(reservation_id: int):
    booked = _reservation(reservation_id)
    return render_template("shop/staff/reservation.html", booked=booked,
                           is_open=counter.is_open(booked.shop, utcnow()),
                           lapsed=booked.status == "held" and utcnow() >= booked.expires_dt)


@bp.post("/reservations/<int:reservation_id>/cancel")
@policy.require_permission("shop.manage")
def cancel_for(reservation_id: int):
    """The clerk cancels for the resident, with a reason: points and stock come back."""
    booked = _reservation(reservation_id)
    with committing() as done:
        reservations.cancel_for(current_user, booked, request.form.get("reason", ""))
    if done:
        flash(_("已为居民取消预约，%(p)s 分和商品库存都已退回。",
                p=format_points(booked.total_tenths)), "success")
    return redirect(url_for("shop_counter.reservation", reservation_id=booked.id))


@bp.post("/reservations/<int:reservation_id>/pickup")
@policy.require_permission("shop.manage")
def pick_up(reservation_id: int):
    booked = _reservation(reservation_id)
    with committing() as done:
        reservations.pick_up(current_user, booked)
    if done:
        flash(_("已交付：%(name)s × %(n)d。", name=booked.good.name, n=booked.quantity),
              "success")
    return redirect(url_for("shop_counter.reservation", reservation_id=booked.id))
