"""Supermarket pages: the resident's catalogue; the clerk's shops, goods, stock and movements."""

import secrets
from datetime import date, timedelta

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

from portal import policy
from portal.checkin import qr
from portal.clock import local_today
from portal.extensions import db
from portal.forms import options
from portal.points import ledger
from portal.shop import counter, queries, reservations, services
from portal.shop import report as shop_report
from portal.shop.forms import GoodForm, ShopForm, StockForm
from portal.shop.models import Good, Reservation, Shop
from portal.types import utcnow
from portal.uploads import photo_path, save_photo
from portal.web.params import bounded_int, page_arg
from portal.web.transaction import attempt
from portal.zones.models import Zone
from portal.zones.services import community_of, zones_in_scope

bp = Blueprint("shop", __name__)
staff = Blueprint("shop_staff", __name__)


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
        ok, booked = attempt(reservations.reserve, current_user, good,
                             quantity if quantity is not None else -1,
                             key=counter.request_key(request.form.get("request_key")))
        if ok:
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
    booked = db.session.get(Reservation, reservation_id)
    if booked is None:
        abort(404)
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
    ok, _r = attempt(reservations.cancel, current_user, booked)
    if ok:
        flash(_("预约已取消，积分已退回。"), "success")
    return redirect(url_for("shop.reservation", reservation_id=booked.id))


@bp.get("/photos/<name>")
@login_required
def photo(name: str):
    path = photo_path("goods", name)
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=3600)


def _shop(shop_id: int) -> Shop:
    shop = db.session.get(Shop, shop_id)
    if shop is None:
        abort(404)
    if not policy.can(current_user, "shop.manage", shop.zone):
        abort(403)
    return shop


def _good(good_id: int) -> Good:
    good = db.session.get(Good, good_id)
    if good is None:
        abort(404)
    _shop(good.shop_id)
    return good


@staff.get("/")
@policy.require_permission("shop.manage")
def index():
    return render_template("shop/staff/index.html", shops=queries.shops_in_scope(current_user))


@staff.route("/new", methods=["GET", "POST"], defaults={"shop_id": None})
@staff.route("/<int:shop_id>/edit", methods=["GET", "POST"])
@policy.require_permission("shop.manage")
def edit_shop(shop_id: int | None):
    shop = _shop(shop_id) if shop_id else None
    if shop is None and not policy.can(current_user, "shop.create"):
        abort(403)
    form = ShopForm(obj=shop)
    form.zone.choices = options((z.id, z.name) for z in zones_in_scope(current_user, "shop.create")
                                if z.kind == "community" and not z.is_retired)
    if form.validate_on_submit():
        ok, saved = attempt(services.save_shop, current_user, shop,
                            zone=db.session.get(Zone, form.zone.data or 0), name=form.name.data,
                            open_days=form.open_days.data or [], open_time=form.open_time.data,
                            close_time=form.close_time.data, address=form.address.data or "")
        if ok:
            flash(_("积分超市已保存。"), "success")
            return redirect(url_for("shop_staff.goods", shop_id=saved.id))
    return render_template("shop/staff/shop_form.html", form=form, shop=shop)


@staff.get("/<int:shop_id>/goods")
@policy.require_permission("shop.manage")
def goods(shop_id: int):
    shop = _shop(shop_id)
    return render_template("shop/staff/goods.html", shop=shop,
                           goods=queries.all_goods(shop), stock_form=StockForm())


def _save_good(shop: Shop, good: Good | None, form: GoodForm):
    photo_name = save_photo(form.photo.data, "goods", thumb=320) if form.photo.data else None
    return services.save_good(current_user, shop, good, name=form.name.data,
                              category=form.category.data or "", price=form.price.data,
                              monthly_limit=form.monthly_limit.data,
                              barcode=form.barcode.data or "", low_stock=form.low_stock.data,
                              is_active=form.is_active.data, photo=photo_name)


@staff.route("/<int:shop_id>/goods/new", methods=["GET", "POST"], defaults={"good_id": None})
@staff.route("/<int:shop_id>/goods/<int:good_id>", methods=["GET", "POST"])
@policy.require_permission("shop.manage")
def edit_good(shop_id: int, good_id: int | None):
    shop = _shop(shop_id)
    good = _good(good_id) if good_id else None
    if good is not None and good.shop_id != shop.id:
        abort(404)
    form = GoodForm(obj=good)
    if request.method == "GET" and good is not None:
        from portal.points.amounts import format_points

        form.price.data = format_points(good.price_tenths)
    if form.validate_on_submit():
        ok, saved = attempt(_save_good, shop, good, form,
                            once=url_for("shop_staff.goods", shop_id=shop.id))
        if ok:
            flash(_("商品已保存。"), "success")
            return redirect(url_for("shop_staff.goods", shop_id=shop.id))
    return render_template("shop/staff/good_form.html", form=form, shop=shop, good=good)


@staff.post("/goods/<int:good_id>/<any(restock, stocktake):action>")
@policy.require_permission("shop.manage")
def stock(good_id: int, action: str):
    good = _good(good_id)
    form = StockForm()
    quantity = form.quantity.data if form.quantity.data is not None else -1
    back = url_for("shop_staff.goods", shop_id=good.shop_id)
    if action == "restock":
        ok, _m = attempt(services.restock, current_user, good, quantity, form.reason.data or "",
                         once=back)
    else:
        ok, _m = attempt(services.stock_take, current_user, good, quantity,
                         form.reason.data or "", once=back)
    if ok:
        flash(_("库存已更新：%(name)s。", name=good.name), "success")
    return redirect(back)


@staff.get("/<int:shop_id>/movements")
@policy.require_permission("shop.manage")
def movements(shop_id: int):
    shop = _shop(shop_id)
    page = page_arg()
    return render_template("shop/staff/movements.html", shop=shop,
                           pagination=queries.movements(shop, page))


def _report_day() -> date:
    """?day=YYYY-MM-DD, default today (Shanghai); junk falls back to today with a note."""
    today = local_today(utcnow())
    raw = request.args.get("day") or ""
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw[:10])
    except ValueError:
        flash(_("日期格式不对，已显示今天。"), "error")
        return today
    return day if date(2000, 1, 1) <= day <= today else today


@staff.get("/<int:shop_id>/report")
@policy.require_permission("shop.manage")
def report(shop_id: int):
    shop = _shop(shop_id)
    day = _report_day()
    return render_template("shop/staff/report.html", shop=shop,
                           report=shop_report.daily_report(shop, day),
                           labels=shop_report.COUNT_LABELS, kinds=shop_report.KIND_LABELS,
                           prev_day=day - timedelta(days=1),
                           next_day=day + timedelta(days=1)
                           if day < local_today(utcnow()) else None)


@staff.get("/<int:shop_id>/report.csv")
@policy.require_permission("shop.manage")
def report_csv(shop_id: int):
    shop = _shop(shop_id)
    day = _report_day()
    body = shop_report.to_csv(shop_report.daily_report(shop, day))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=shop-{shop.id}-{day.isoformat()}.csv"})
