"""四单办结's settings, for a community's admin: the categories of matters (track, time limit,
default unit, open to claim) and the units in the area with their contact person."""

from __future__ import annotations

from operator import attrgetter

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import audit, policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.cases import services
from portal.cases import staff_pages as pages
from portal.cases import staff_queries as queries
from portal.cases.models import CaseCategory, CaseUnit
from portal.cases.staff_forms import CategoryForm, UnitForm
from portal.extensions import db
from portal.forms import options
from portal.web.loading import load_in_scope
from portal.web.transaction import committing
from portal.zones.models import Zone

bp = Blueprint("cases_settings", __name__)
COMMUNITY = attrgetter("community")


# ------------------------------------------------------------------ categories and units


def _community() -> tuple[Zone | None, list[Zone]]:
    """The community asked for (?community=<code>) among those the admin keeps, or the first."""
    places = queries.communities(current_user, "cases.categories")
    code = request.args.get("community")
    if code is None:
        return (places[0] if places else None), places
    chosen = next((c for c in places if c.code == code), None)
    if chosen is None:
        abort(404)
    return chosen, places


@bp.get("/categories")
@policy.require_permission("cases.categories")
def categories():
    community, places = _community()
    rows = queries.categories([community.id]) if community else []
    return render_template("cases/staff/categories.html", community=community, places=places,
                           categories=rows, track_words=pages.track_words)


@bp.post("/categories/defaults")
@policy.require_permission("cases.categories")
def seed_defaults():
    community, _places = _community()
    if community is None:
        abort(404)
    back = url_for(".categories", community=community.code)
    with committing(once=back) as done:
        added = services.seed_categories(community)
        audit.record(current_user, "case.category", community,
                     f"添加默认事项类别 {added} 个", community)
    if done:
        flash(_("已添加 %(n)d 个默认类别，可以逐个修改时限和默认单位。", n=added) if added
              else _("默认类别都已经有了。"), "success")
    return redirect(back)


def _unit_choices(form: CategoryForm, community: Zone) -> None:
    form.unit.choices = options([(0, _("不指定"))] + [
        (u.id, u.name if u.is_active else _("%(name)s（已停用）", name=u.name))
        for u in queries.units(community.id, active_only=False)])


@bp.route("/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@policy.require_permission("cases.categories")
def edit_category(category_id: int | None):
    if category_id is None:
        category, (community, _places) = None, _community()
        if community is None:
            abort(404)
    else:
        category = load_in_scope(CaseCategory, category_id, "cases.categories", zone_of=COMMUNITY)
        community = category.community
    form = CategoryForm(obj=category)
    if request.method == "GET" and category is not None:
        form.unit.data = category.unit_id or 0
    _unit_choices(form, community)
    if form.validate_on_submit():
        back = url_for(".categories", community=community.code)
        with committing(once=back) as done:
            unit = db.session.get(CaseUnit, form.unit.data) if form.unit.data else None
            services.save_category(current_user, category, community=community,
                                   name=form.name.data, track=form.track.data,
                                   days=form.days.data, claimable=form.claimable.data,
                                   unit=unit, is_active=form.is_active.data)
        if done:
            flash(_("类别已保存。"), "success")
            return redirect(back)
    return render_template("cases/staff/category_form.html", form=form, category=category,
                           community=community)


@bp.get("/units")
@policy.require_permission("cases.categories")
def units():
    community, places = _community()
    rows = queries.units(community.id, active_only=False) if community else []
    return render_template("cases/staff/units.html", community=community, places=places,
                           units=rows)


@bp.route("/units/new", methods=["GET", "POST"], defaults={"unit_id": None})
@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@policy.require_permission("cases.categories")
def edit_unit(unit_id: int | None):
    if unit_id is None:
        unit, (community, _places) = None, _community()
        if community is None:
            abort(404)
    else:
        unit = load_in_scope(CaseUnit, unit_id, "cases.categories", zone_of=COMMUNITY)
        community = unit.community
    form = UnitForm(obj=unit)
    if request.method == "GET" and unit is not None:
        form.contact_phone.data = unit.contact.phone
    if form.validate_on_submit():
        back = url_for(".units", community=community.code)
        with committing(once=back) as done:
            contact = db.session.scalar(select(User).where(
                User.phone == normalise_phone(form.contact_phone.data)))
            services.save_unit(current_user, unit, community=community, name=form.name.data,
                               contact=contact, is_active=form.is_active.data)
        if done:
            flash(_("单位已保存。"), "success")
            return redirect(back)
    return render_template("cases/staff/unit_form.html", form=form, unit=unit,
                           community=community)
