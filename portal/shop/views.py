"""Supermarket pages: the resident's catalogue; the clerk's shops, goods, stock and movements."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal import policy
from portal.extensions import db
from portal.forms import options
from portal.points import ledger
from portal.points.queries import community_of
from portal.shop import queries, services
from portal.shop.forms import GoodForm, ShopForm, StockForm
from portal.shop.models import Good, Shop
from portal.uploads import photo_path, save_photo
from portal.web import attempt, page_arg
from portal.zones.models import Zone
from portal.zones.services import zones_in_scope

bp = Blueprint("shop", __name__)
staff = Blueprint("shop_staff", __name__)


@bp.get("/")
@login_required
def catalogue():
    community = community_of(current_user.home_zone)
    shop = db.session.scalar(select(Shop).where(Shop.zone_id == community.id)) \
        if community else None
    goods = queries.shelf(shop) if shop else []
    return render_template("shop/catalogue.html", shop=shop, goods=goods,
                           balance=ledger.balance_of(current_user.id))


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
        ok, saved = attempt(_save_good, shop, good, form)
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
    if action == "restock":
        ok, _m = attempt(services.restock, current_user, good, quantity, form.reason.data or "")
    else:
        ok, _m = attempt(services.stock_take, current_user, good, quantity,
                         form.reason.data or "")
    if ok:
        flash(_("库存已更新：%(name)s。", name=good.name), "success")
    return redirect(url_for("shop_staff.goods", shop_id=good.shop_id))


@staff.get("/<int:shop_id>/movements")
@policy.require_permission("shop.manage")
def movements(shop_id: int):
    shop = _shop(shop_id)
    page = page_arg()
    return render_template("shop/staff/movements.html", shop=shop,
                           pagination=queries.movements(shop, page))
