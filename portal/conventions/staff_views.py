"""微公约 for staff: conventions and their versions (draft, amend with the changes shown,
adopt), paper signatures, coverage by building and grid, and the A4 print for the notice
board and 备案. 劝导员 and the 劝导 counts are in staff_persuasion.py."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import policy
from portal.conventions import queries, services, staff_households, staff_persuasion
from portal.conventions.forms import AdoptForm, ConventionForm, ItemsForm, PaperForm, items_text
from portal.conventions.models import Convention, ConventionVersion, Signature
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import options
from portal.types import utcnow
from portal.uploads import photo_path, save_photo
from portal.web.loading import load_or_404
from portal.web.transaction import committing
from portal.zones.models import Zone
from portal.zones.services import community_of

bp = Blueprint("conventions_staff", __name__)


def _convention(convention_id: int) -> Convention:
    convention = load_or_404(Convention, convention_id)
    if not queries.may_see(current_user, convention):
        abort(403)
    return convention


def _managed(convention_id: int) -> Convention:
    convention = load_or_404(Convention, convention_id)
    policy.check(current_user, "conventions.manage", convention.zone)
    return convention


def detail_url(convention: Convention) -> str:
    return url_for("conventions_staff.detail", convention_id=convention.id)


@bp.get("/")
@policy.require_permission("conventions.record")
def index():
    conventions = queries.in_scope(current_user)
    current = queries.current_versions(conventions)
    counts = queries.signature_counts(v.id for v in current.values())
    return render_template("conventions/staff/index.html", conventions=conventions,
                           current=current, counts=counts,
                           may_manage=policy.can(current_user, "conventions.manage"))


def _zones() -> list[Zone]:
    """Where the admin may set a convention: communities, compounds and buildings in scope."""
    return list(db.session.scalars(select(Zone).where(
        policy.zone_filter(current_user, "conventions.manage", Zone.path),
        Zone.kind.in_(("community", "grid", "building")), Zone.is_retired.is_(False))
        .order_by(Zone.path).limit(500)))


@bp.route("/new", methods=["GET", "POST"])
@policy.require_permission("conventions.manage")
def new():
    zones = _zones()
    form = ConventionForm()
    form.zone.choices = options((z.id, ("\u3000" * max(z.depth - 1, 0)) + z.name) for z in zones)
    if form.validate_on_submit():
        zone = next((z for z in zones if z.id == form.zone.data), None)
        with committing(once=True) as done:
            convention = services.create(current_user, zone, title=form.title.data,
                                         preamble=form.preamble.data, items=form.items())
            done.answer = detail_url(convention)
        if done:
            flash(_("公约草稿已保存。经议事表决或居民会议通过后，居民就可以签署。"), "success")
            return redirect(done.answer)
    return render_template("conventions/staff/edit.html", form=form, convention=None)


@bp.get("/<int:convention_id>")
@policy.require_permission("conventions.record")
def detail(convention_id: int):
    convention = _convention(convention_id)
    versions = convention.versions
    latest = versions[-1]
    changes = queries.changes(versions[-2], latest) if len(versions) > 1 else []
    adopt_form = None
    may_manage = policy.can(current_user, "conventions.manage", convention.zone)
    if may_manage and latest.adopted_on is None:
        adopt_form = _adopt_form(convention, formdata=None)
    return render_template(
        "conventions/staff/detail.html", convention=convention, versions=versions,
        latest=latest, current=services.current(convention), changes=changes,
        counts=queries.signature_counts(v.id for v in versions), adopt_form=adopt_form,
        votes=queries.adopting_items(versions), may_manage=may_manage)


@bp.route("/<int:convention_id>/amend", methods=["GET", "POST"])
@policy.require_permission("conventions.manage")
def amend(convention_id: int):
    convention = _managed(convention_id)
    latest = convention.versions[-1]
    form = ItemsForm(data={"preamble": latest.preamble,
                           "do_items": items_text(latest.items, "do"),
                           "dont_items": items_text(latest.items, "dont")})
    if form.validate_on_submit():
        with committing(once=detail_url(convention)) as done:
            version = services.amend(current_user, convention, preamble=form.preamble.data,
                                     items=form.items())
        if done:
            flash(_("已保存为第 %(n)d 版，改动见下方。通过后居民签署新的一版。",
                    n=version.number), "success")
            return redirect(detail_url(convention))
    return render_template("conventions/staff/edit.html", form=form, convention=convention)


def _adopt_form(convention: Convention, formdata=...) -> AdoptForm:
    form = AdoptForm() if formdata is ... else AdoptForm(formdata=None)
    items = queries.passed_items(community_of(convention.zone))
    form.item.choices = options([(0, _("（不选）"))] + [
        (i.id, f"{i.meeting.start_dt.date().isoformat()} {i.meeting.body.name}：{i.topic.title}")
        for i in items])
    form.item_rows = items
    return form


@bp.post("/<int:convention_id>/versions/<int:version_id>/adopt")
@policy.require_permission("conventions.manage")
def adopt(convention_id: int, version_id: int):
    convention = _managed(convention_id)
    version = load_or_404(ConventionVersion, version_id)
    if version.convention_id != convention.id:
        abort(404)
    form = _adopt_form(convention)
    back = detail_url(convention)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(errors[0], "error")
        return redirect(back)
    item = None
    if form.how.data == "vote":
        item = next((i for i in form.item_rows if i.id == form.item.data), None)
        if item is None:
            flash(_("请选择已表决通过的议题。"), "error")
            return redirect(back)
    on = form.on.data or (item.closed_dt.date() if item is not None and item.closed_dt else None)
    with committing(once=back) as done:
        if on is None:
            raise DomainError("bad_date", _("请填写通过的日期。"), 400)
        services.adopt(current_user, version, on=on, minutes=form.minutes.data or "", item=item)
    if done:
        flash(_("第 %(n)d 版已通过，居民现在可以签署。", n=version.number), "success")
    return redirect(back)


def _buildings(convention: Convention) -> list[Zone]:
    zone = convention.zone
    return list(db.session.scalars(select(Zone).where(
        Zone.path.startswith(zone.path, autoescape=True), Zone.kind == "building",
        policy.overlap_filter(current_user, "conventions.record", Zone.path))
        .order_by(Zone.path).limit(500)))


@bp.route("/<int:convention_id>/paper", methods=["GET", "POST"])
@policy.require_permission("conventions.record")
def paper(convention_id: int):
    """Record a household's signature given on paper, with a photo of the sheet."""
    convention = _convention(convention_id)
    version = services.current(convention)
    if version is None:
        flash(_("公约还没有通过，暂不能录入签名。"), "error")
        return redirect(detail_url(convention))
    buildings = _buildings(convention)
    form = PaperForm()
    form.building.choices = options((b.id, b.name) for b in buildings)
    back = url_for("conventions_staff.paper", convention_id=convention.id)
    if form.validate_on_submit():
        building = next((b for b in buildings if b.id == form.building.data), None)
        with committing(once=back) as done:
            if building is None:
                raise DomainError("bad_zone", _("请选择所在的楼栋。"), 400)
            household = services.find_or_make_household(building, form.unit.data or "",
                                                        form.room.data or "")
            photo = save_photo(form.photo.data, "conventions") if form.photo.data else ""
            _signature, made = services.record_paper(current_user, version, household,
                                                     photo=photo)
        if done:
            flash(_("已录入纸质签名。") if made else _("这户已经签署过了，未重复录入。"),
                  "success" if made else "info")
            return redirect(back)
    return render_template("conventions/staff/paper.html", convention=convention,
                           version=version, form=form,
                           recorded=queries.paper_signatures(current_user, version))


@bp.get("/signatures/<int:signature_id>/photo")
@policy.require_permission("conventions.record")
def paper_photo(signature_id: int):
    """The photo of a paper sheet, for staff whose scope covers the household's building."""
    signature = load_or_404(Signature, signature_id)
    if not policy.can(current_user, "conventions.record", signature.household.building):
        abort(403)
    path = photo_path("conventions", signature.photo) if signature.photo else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=600)
    response.cache_control.public = False  # a household's signature: never in a shared cache
    response.cache_control.private = True
    return response


def _coverage(convention: Convention):
    version = services.current(convention)
    rows = services.coverage(version) if version is not None else []
    return version, rows


@bp.get("/<int:convention_id>/coverage")
@policy.require_permission("conventions.record")
def coverage(convention_id: int):
    convention = _convention(convention_id)
    version, rows = _coverage(convention)
    return render_template("conventions/staff/coverage.html", convention=convention,
                           version=version, rows=rows, grids=queries.by_grid(rows),
                           total=queries.totals(rows), percent=queries.percent)


@bp.get("/<int:convention_id>/print")
@policy.require_permission("conventions.record")
def print_sheet(convention_id: int):
    """A4 for the notice board and for 备案 to the 街道."""
    convention = _convention(convention_id)
    version, rows = _coverage(convention)
    if version is None:
        flash(_("公约还没有通过，暂不能打印。"), "error")
        return redirect(detail_url(convention))
    signed, known = queries.totals(rows)
    return render_template("conventions/staff/print.html", convention=convention,
                           version=version, signed=signed, known=known,
                           votes=queries.adopting_items([version]),
                           percent=queries.percent(signed, known),
                           community=community_of(convention.zone), printed_dt=utcnow(),
                           filing=request.args.get("for") == "filing")


bp.add_url_rule("/persuaders", view_func=staff_persuasion.persuaders, methods=["GET", "POST"])
bp.add_url_rule("/persuaders/<int:persuader_id>/end", view_func=staff_persuasion.end_persuader,
                methods=["POST"])
bp.add_url_rule("/<int:convention_id>/persuasions", view_func=staff_persuasion.persuasions)
bp.add_url_rule("/households", view_func=staff_households.households, methods=["GET", "POST"])
