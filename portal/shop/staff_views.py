"""The clerk's supermarket pages: shops, goods, stock, movements and the daily report."""

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal import policy
from portal.clock import local_today
from portal.extensions import db
from portal.forms import options
from portal.points.amounts import format_points
from portal.shop import queries, services
from portal.shop import report as shop_report
from portal.shop.forms import GoodForm, ShopForm, StockForm
from portal.shop.models import Good, Shop
from portal.types import utcnow
from portal.uploads import save_photo
from portal.web.loading import load_in_scope
from portal.web.params import page_arg
from portal.web.transaction import committing
from portal.zones.models import Zone
from portal.zones.services import zones_in_scope

bp = Blueprint("shop_staff", __name__)


def shop_in_scope(shop_id: int) -> Shop:
    """The shop, if the clerk manages it: 404, or 403 outside their zones."""
    return load_in_scope(Shop, shop_id, "shop.manage")


def _good(good_id: int) -> Good:
    return load_in_scope(Good, good_id, "shop.manage", zone_of=lambda good: good.shop.zone)


@bp.get("/")
@policy.require_permission("shop.manage")
def index():
    return render_template("shop/staff/index.html", shops=queries.shops_in_scope(current_user))


@bp.route("/new", methods=["GET", "POST"], defaults={"shop_id": None})
@bp.route("/<int:shop_id>/edit", methods=["GET", "POST"])
@policy.require_permission("shop.manage")
def edit_shop(shop_id: int | None):
    shop = shop_in_scope(shop_id) if shop_id else None
    if shop is None and not policy.can(current_user, "shop.create"):
        abort(403)
    form = ShopForm(obj=shop)
    form.zone.choices = options((z.id, z.name) for z in zones_in_scope(current_user, "shop.create")
                                if z.kind == "community" and not z.is_retired)
    if form.validate_on_submit():
        with committing() as done:
            saved = services.save_shop(
                current_user, shop, zone=db.session.get(Zone, form.zone.data or 0),
                name=form.name.data, open_days=form.open_days.data or [],
                open_time=form.open_time.data, close_time=form.close_time.data,
                address=form.address.data or "")
        if done:
            flash(_("积分超市已保存。"), "success")
            return redirect(url_for("shop_staff.goods", shop_id=saved.id))
    return render_template("shop/staff/shop_form.html", form=form, shop=shop)


@bp.get("/<int:shop_id>/goods")
@policy.require_permission("shop.manage")
def goods(shop_id: int):
    shop = shop_in_scope(shop_id)
    return render_template("shop/staff/goods.html", shop=shop,
                           goods=queries.all_goods(shop), stock_form=StockForm())


def _save_good(shop: Shop, good: Good | None, form: GoodForm):
    photo_name = save_photo(form.photo.data, "goods", thumb=320) if form.photo.data else None
    return services.save_good(current_user, shop, good, name=form.name.data,
                              category=form.category.data or "", price=form.price.data,
                              monthly_limit=form.monthly_limit.data,
                              barcode=form.barcode.data or "", low_stock=form.low_stock.data,
                              is_active=form.is_active.data, photo=photo_name)


@bp.route("/<int:shop_id>/goods/new", methods=["GET", "POST"], defaults={"good_id": None})
@bp.route("/<int:shop_id>/goods/<int:good_id>", methods=["GET", "POST"])
@policy.require_permission("shop.manage")
def edit_good(shop_id: int, good_id: int | None):
    shop = shop_in_scope(shop_id)
    good = _good(good_id) if good_id else None
    if good is not None and good.shop_id != shop.id:
        abort(404)
    form = GoodForm(obj=good)
    if request.method == "GET" and good is not None:
        form.price.data = format_points(good.price_tenths)
    if form.validate_on_submit():
        with committing(once=url_for("shop_staff.goods", shop_id=shop.id)) as done:
            _save_good(shop, good, form)
        if done:
            flash(_("商品已保存。"), "success")
            return redirect(url_for("shop_staff.goods", shop_id=shop.id))
    return render_template("shop/staff/good_form.html", form=form, shop=shop, good=good)


@bp.post("/goods/<int:good_id>/<any(restock, stocktake):action>")
@policy.require_permission("shop.manage")
def stock(good_id: int, action: str):
    good = _good(good_id)
    form = StockForm()
    quantity = form.quantity.data if form.quantity.data is not None else -1
    back = url_for("shop_staff.goods", shop_id=good.shop_id)
    with committing(once=back) as done:
        if action == "restock":
            services.restock(current_user, good, quantity, form.reason.data or "")
        else:
            services.stock_take(current_user, good, quantity, form.reason.data or "")
    if done:
        flash(_("库存已更新：%(name)s。", name=good.name), "success")
    return redirect(back)


@bp.get("/<int:shop_id>/movements")
@policy.require_permission("shop.manage")
def movements(shop_id: int):
    shop = shop_in_scope(shop_id)
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


@bp.get("/<int:shop_id>/report")
@policy.require_permission("shop.manage")
def report(shop_id: int):
    shop = shop_in_scope(shop_id)
    day = _report_day()
    return render_template("shop/staff/report.html", shop=shop,
                           report=shop_report.daily_report(shop, day),
                           labels=shop_report.COUNT_LABELS, kinds=shop_report.KIND_LABELS,
                           prev_day=day - timedelta(days=1),
                           next_day=day + timedelta(days=1)
                           if day < local_today(utcnow()) else None)


@bp.get("/<int:shop_id>/report.csv")
@policy.require_permission("shop.manage")
def report_csv(shop_id: int):
    shop = shop_in_scope(shop_id)
    day = _report_day()
    body = shop_report.to_csv(shop_report.daily_report(shop, day))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=shop-{shop.id}-{day.isoformat()}.csv"})
