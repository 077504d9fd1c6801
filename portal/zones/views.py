"""Admin pages for the zone tree: list, create, rename, move, retire or delete, restore."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import policy
from portal.extensions import db
from portal.forms import options
from portal.web.loading import load_in_scope
from portal.web.params import bounded_int
from portal.web.transaction import committing
from portal.zones import services
from portal.zones.forms import GeofenceForm, MoveZoneForm, NewZoneForm
from portal.zones.models import Zone

bp = Blueprint("zones", __name__)


def _zone_in_scope(zone_id: int) -> Zone:
    return load_in_scope(Zone, zone_id, "zones.manage", zone_of=lambda zone: zone)


@bp.get("/")
@policy.require_permission("zones.manage")
def index():
    zones = services.zones_in_scope(current_user)
    top = min((z.depth for z in zones), default=0)
    return render_template("zones/index.html", zones=zones, top=top,
                           kind_labels=services.KIND_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@policy.require_permission("zones.manage")
def create():
    parent_id = request.args.get("parent", type=bounded_int)
    parent = _zone_in_scope(parent_id) if parent_id else None
    if parent is None and not policy.is_superadmin(current_user):
        abort(403)
    form = NewZoneForm()
    if request.method == "GET" and parent is not None:
        next_kind = {"street": "community", "community": "grid", "grid": "building"}
        form.kind.data = next_kind.get(parent.kind, "building")
    if form.validate_on_submit():
        with committing() as done:
            zone = services.create_zone(current_user, parent=parent, code=form.code.data,
                                        name=form.name.data, kind=form.kind.data)
        if done:
            flash(_("已新建 %(name)s。", name=zone.name), "success")
            return redirect(url_for("zones.index"))
    return render_template("zones/new.html", form=form, parent=parent)


def _save(zone, form):
    fence = services.parse_fence(form.geo_lat.data, form.geo_lng.data, form.geo_radius_m.data)
    return services.update_zone(current_user, zone, name=form.name.data, code=form.code.data,
                                fence=fence)


@bp.route("/<int:zone_id>", methods=["GET", "POST"])
@policy.require_permission("zones.manage")
def edit(zone_id: int):
    zone = _zone_in_scope(zone_id)
    form = GeofenceForm(obj=zone)
    move_form = MoveZoneForm(prefix="move")
    labels = services.zone_labels()
    move_form.parent.choices = options(
        (z.id, labels[z.id] or z.name)
        for z in services.zones_in_scope(current_user)
        if not z.is_retired and z.level < zone.level and not zone.contains(z)
    )
    if request.method == "GET":
        move_form.parent.data = zone.parent_id
    if form.validate_on_submit():
        with committing() as done:
            _save(zone, form)
        if done:
            flash(_("已保存。"), "success")
            return redirect(url_for("zones.edit", zone_id=zone.id))
    return render_template("zones/edit.html", zone=zone, form=form, move_form=move_form,
                           kind_labels=services.KIND_LABELS,
                           in_use=services.zone_in_use(zone))


@bp.post("/<int:zone_id>/move")
@policy.require_permission("zones.manage")
def move(zone_id: int):
    zone = _zone_in_scope(zone_id)
    form = MoveZoneForm(prefix="move")
    new_parent = db.session.get(Zone, form.parent.data or 0)
    if new_parent is None:
        flash(_("请选择新的上级区域。"), "error")
    else:
        with committing() as done:
            services.move_zone(current_user, zone, new_parent)
        if done:
            flash(_("已移动。"), "success")
    return redirect(url_for("zones.edit", zone_id=zone_id))


@bp.post("/<int:zone_id>/remove")
@policy.require_permission("zones.manage")
def remove(zone_id: int):
    zone = _zone_in_scope(zone_id)
    name = zone.name
    with committing() as done:
        outcome = services.remove_zone(current_user, zone)
    if done and outcome == "deleted":
        flash(_("已删除 %(name)s。", name=name), "success")
        return redirect(url_for("zones.index"))
    if done:
        flash(_("%(name)s 仍有居民或记录，已停用（保留历史）。", name=name), "success")
    return redirect(url_for("zones.edit", zone_id=zone_id))


@bp.post("/<int:zone_id>/restore")
@policy.require_permission("zones.manage")
def restore(zone_id: int):
    zone = _zone_in_scope(zone_id)
    with committing() as done:
        services.restore_zone(current_user, zone)
    if done:
        flash(_("已恢复 %(name)s。", name=zone.name), "success")
    return redirect(url_for("zones.edit", zone_id=zone_id))
