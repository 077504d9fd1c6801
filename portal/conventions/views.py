"""微公约 for residents: the conventions that apply to me, signing one for the household in
two taps (以户签署, then 确认签署), the household in the profile, and the 劝导员's log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.conventions import persuasion, queries, services
from portal.conventions.forms import HouseholdForm, PersuasionForm, SignForm
from portal.conventions.models import Convention
from portal.extensions import db
from portal.forms import options
from portal.web.loading import load_or_404
from portal.web.navigation import safe_next
from portal.web.transaction import committing
from portal.zones.models import Zone
from portal.zones.services import community_of

bp = Blueprint("conventions", __name__)


def _place(household) -> str:
    if household is None:
        return ""
    unit = _("%(unit)s单元", unit=household.unit) if household.unit else ""
    return _("%(building)s%(unit)s%(room)s室", building=household.building.name, unit=unit,
             room=household.room)


@bp.get("/")
@login_required
def index():
    household = services.household_of(current_user)
    conventions = queries.applying_to(current_user, household)
    versions = queries.current_versions(conventions)
    signed = queries.signatures_of(household, [v.id for v in versions.values()])
    return render_template("conventions/index.html", conventions=conventions,
                           versions=versions, signed=signed, household=household,
                           place=_place(household),
                           persuading=bool(persuasion.persuading_in(current_user)))


def _convention(convention_id: int):
    convention = load_or_404(Convention, convention_id)
    version = services.current(convention)
    if version is None:
        abort(404)  # a draft nobody has adopted is not shown to residents
    return convention, version


@bp.get("/<int:convention_id>")
@login_required
def detail(convention_id: int):
    convention, version = _convention(convention_id)
    household = services.household_of(current_user)
    signature = queries.signatures_of(household, [version.id]).get(version.id)
    community = community_of(convention.zone)
    return render_template(
        "conventions/detail.html", convention=convention, version=version,
        household=household, place=_place(household), signature=signature,
        applies=household is not None and convention.zone.contains(household.building),
        may_persuade=community is not None
        and community.id in persuasion.persuading_in(current_user))


@bp.route("/<int:convention_id>/sign", methods=["GET", "POST"])
@login_required
def sign(convention_id: int):
    """Tap one (GET) shows who signs for which home; tap two (POST) signs."""
    convention, version = _convention(convention_id)
    back = url_for("conventions.detail", convention_id=convention.id)
    household = services.household_of(current_user)
    if household is None:
        flash(_("请先填写您家的楼栋、单元和室号，再回来签署。"), "info")
        return redirect(url_for("conventions.household",
                                next=url_for("conventions.sign", convention_id=convention.id)))
    if not convention.zone.contains(household.building):
        flash(_("这份公约不适用于您家所在的楼栋。"), "error")
        return redirect(back)
    form = SignForm()
    if request.method == "POST" and form.validate_on_submit():
        with committing(once=back) as done:
            _signature, made = services.sign(current_user, version)
        if done:
            flash(_("已代表本户签署。感谢您一起守约！") if made
                  else _("本户已经签署过这份公约。"), "success" if made else "info")
        return redirect(back)
    signature = queries.signatures_of(household, [version.id]).get(version.id)
    if signature is not None:
        return redirect(back)
    return render_template("conventions/sign.html", convention=convention, version=version,
                           form=form, place=_place(household))


def _buildings(user) -> list[Zone]:
    """The buildings of the resident's community, grouped by grid in code order."""
    home = getattr(user, "home_zone", None)
    community = community_of(home) if home is not None else None
    if community is None:
        return []
    return list(db.session.scalars(select(Zone).where(
        Zone.path.startswith(community.path, autoescape=True), Zone.kind == "building",
        Zone.is_retired.is_(False)).order_by(Zone.path)))


@bp.route("/household", methods=["GET", "POST"])
@login_required
def household():
    back = safe_next(request.values.get("next"), url_for("conventions.household"))
    buildings = _buildings(current_user)
    mine = services.household_of(current_user)
    form = HouseholdForm(data={"building": mine.building_id, "unit": mine.unit,
                               "room": mine.room} if mine is not None else None)
    form.building.choices = options((b.id, b.name, b.parent.name if b.parent else "")
                                    for b in buildings)
    if form.validate_on_submit():
        building = next((b for b in buildings if b.id == form.building.data), None)
        with committing(once=back) as done:
            services.join_household(current_user, building, form.unit.data or "",
                                    form.room.data or "")
        if done:
            flash(_("已保存您家的门牌。"), "success")
            return redirect(back)
    return render_template("conventions/household.html", form=form, household=mine,
                           place=_place(mine), next=request.values.get("next"),
                           back=back if request.values.get("next") else None,
                           members=queries.member_count(mine) if mine is not None else 0,
                           has_buildings=bool(buildings))


@bp.route("/<int:convention_id>/persuade", methods=["GET", "POST"])
@login_required
def persuade(convention_id: int):
    """A 劝导员 logs one persuasion event: the item, the place, a note; no names."""
    convention, version = _convention(convention_id)
    persuasion.check_persuader(current_user, convention)
    form = PersuasionForm()
    form.item.choices = options((n, f"{n}. {item['text']}")
                                for n, item in enumerate(version.items, start=1))
    back = url_for("conventions.detail", convention_id=convention.id)
    if form.validate_on_submit():
        with committing(once=back) as done:
            persuasion.log(current_user, version, item_index=form.item.data - 1,
                           place=form.place.data, note=form.note.data or "")
        if done:
            flash(_("已记下这次劝导。谢谢您！"), "success")
            return redirect(back)
    return render_template("conventions/persuade.html", convention=convention, form=form)
