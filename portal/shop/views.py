"""The resident's supermarket pages: the catalogue of their community's shop, reservations."""

import secrets
from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal import policy, qr
from portal.extensions import db
from portal.points import ledger
from portal.shop import counter, queries, reservations
from portal.shop.models import Good, Reservation, Shop
from portal.types import utcnow
from portal.uploads import photo_path
from portal.web.loading import load_or_404
from portal.web.params import bounded_int, page_arg
from portal.web.transaction import committing
from portal.zones.services import community_of

bp = Blueprint("shop", __name__)


def _home_shop() -> Shop | None:
    community = community_of(current_user.home_zone) if current_user.home_zone else None
    return db.session.scalar(select(Shop).where(Shop.zone_id == community.id)) \
        if community else None


@bp.get("/")
@login_required
def catalogue():
    shop = _home_shop()
    goods = queries.shelf(shop) if shop else []
    now = utcnow()
    taken = counter.taken_this_month(current_user.id, [g.id for g in goods if g.monthly_limit],
                                     now)
    return render_template("shop/catalogue.html", shop=shop, goods=goods, taken=taken,
                           balance=ledger.balance_of(current_user.id),
                           held=queries.held_reservations(current_user.id))


def _shelf_good(good_id: int) -> Good:
    """A good on the resident's own community shelf, or 404."""
    good = db.session.get(Good, good_id)
    shop = _home_shop()
    if good is None or shop is None or good.shop_id != shop.id or not good.is_active:
        abort(404)
    return good


@bp.route("/goods/<int:good_id>/reserve", methods=["GET", "POST"])
@login_required
def reserve(good_id: int):
    good = _shelf_good(good_id)
    now = utcnow()
    if request.method == "POST":
        quantity = request.form.get("quantity", type=bounded_int)
        with committing() as done:
            booked = reservations.reserve(
                current_user, good, quantity if quantity is not None else -1,
                key=counter.request_key(request.form.get("request_key")))
        if done:
            flash(_("预约成功！请凭取货码到超市领取。"), "success")
            return redirect(url_for("shop.reservation", reservation_id=booked.id))
    taken = counter.taken_this_month(current_user.id, [good.id], now).get(good.id, 0) \
        if good.monthly_limit else 0
    most = min(reservations.MAX_QUANTITY, good.stock,
               good.monthly_limit - taken if good.monthly_limit else reservations.MAX_QUANTITY)
    return render_template("shop/reserve.html", good=good, shop=good.shop, most=max(most, 0),
                           balance=ledger.balance_of(current_user.id),
                           last_day=reservations.deadline(now) - timedelta(seconds=1),
                           request_key=secrets.token_urlsafe(16))


@bp.get("/reservations")
@login_required
def my_reservations():
    return render_template("shop/reservations.html",
                           pagination=queries.my_reservations(current_user.id, page_arg()))


def _own_reservation(reservation_id: int) -> Reservation:
    """The resident's own reservation; 403 when it is someone else's."""
    booked = load_or_404(Reservation, reservation_id)
    if not policy.is_own(current_user, booked.user_id):
        abort(403)
    return booked


@bp.get("/reservations/<int:reservation_id>")
@login_required
def reservation(reservation_id: int):
    return render_template("shop/reservation.html", booked=_own_reservation(reservation_id))


@bp.get("/reservations/<int:reservation_id>/qr.svg")
@login_required
def reservation_qr(reservation_id: int):
    booked = _own_reservation(reservation_id)
    if booked.status != "held":
        abort(404)
    return Response(qr.svg(reservations.qr_content(booked)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})


@bp.post("/reservations/<int:reservation_id>/cancel")
@login_required
def cancel_reservation(reservation_id: int):
    booked = _own_reservation(reservation_id)
    with committing() as done:
        reservations.cancel(current_user, booked)
    if done:
        flash(_("预约已取消，积分已退回。"), "success")
    return redirect(url_for("shop.reservation", reservation_id=booked.id))


@bp.get("/photos/<name>")
@login_required
def photo(name: str):
    path = photo_path("goods", name)
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=3600)
