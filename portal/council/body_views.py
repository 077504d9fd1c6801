"""A community admin's bodies (居民代表会议, 居民议事会, 党群联席会, …): their rules (quorum, pass
rule, roll call) and their members, each for a grid or building with a term; and the
community's backing rule for residents' topics."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import audit, policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.council import services
from portal.council.meeting_bp import PERMISSION, bp
from portal.council.meeting_desk import community_asked
from portal.council.meeting_forms import BackingForm, BodyForm, EndTermForm, MemberForm
from portal.council.models import Body, BodyMember
from portal.extensions import db
from portal.forms import options
from portal.types import utcnow
from portal.web.loading import load_in_scope
from portal.web.transaction import committing
from portal.zones.models import Zone


def _community(row):
    return row.community


@bp.get("/staff/council/bodies")
@policy.require_permission(PERMISSION)
def bodies():
    community, places = community_asked()
    rows = list(db.session.scalars(select(Body).where(Body.community_id == community.id)
                                   .order_by(Body.id))) if community else []
    return _bodies_page(community, places, rows)


def _bodies_page(community, places, rows, form: BackingForm | None = None, status: int = 200):
    setting = services.setting_of(community) if community else None
    if form is None:
        form = BackingForm(formdata=None, data={
            "threshold": setting.backing_threshold if setting else
            current_app.config["COUNCIL_BACKING_THRESHOLD"] or 1,
            "households_fifth": bool(setting and setting.households_fifth)})
    threshold = services.backing_threshold(community) if community else 0
    return render_template("council/bodies/index.html", community=community, places=places,
                           bodies=rows, backing=form, threshold=threshold), status


@bp.post("/staff/council/settings")
@policy.require_permission(PERMISSION)
def backing():
    """The community's backing rule for residents' topics."""
    community, places = community_asked()
    if community is None:
        abort(404)
    form = BackingForm()
    back = url_for(".bodies", community=community.code)
    if form.validate_on_submit():
        with committing(once=back) as done:
            services.save_setting(current_user, community, threshold=form.threshold.data,
                                  households_fifth=form.households_fifth.data)
        if done:
            flash(_("联署门槛已保存，之后提出的议题按新门槛。"), "success")
            return redirect(back)
    rows = list(db.session.scalars(select(Body).where(Body.community_id == community.id)
                                   .order_by(Body.id)))
    return _bodies_page(community, places, rows, form, 400)


@bp.post("/staff/council/bodies/defaults")
@policy.require_permission(PERMISSION)
def seed_bodies():
    community, _places = community_asked()
    if community is None:
        abort(404)
    back = url_for(".bodies", community=community.code)
    with committing(once=back) as done:
        added = services.seed_bodies(community)
        audit.record(current_user, "council.body", community, f"添加默认议事机构 {added} 个",
                     community)
    if done:
        flash(_("已添加 %(n)d 个议事机构。", n=added) if added else
              _("默认的议事机构都已经有了。"), "success")
    return redirect(back)


def _zone_choices(form: MemberForm, community: Zone) -> None:
    zones = db.session.scalars(
        select(Zone).where(Zone.path.startswith(community.path), Zone.path != community.path,
                           Zone.kind.in_(("grid", "building")), Zone.is_retired.is_(False))
        .order_by(Zone.path))
    form.zone.choices = options([(0, _("请选择"))] + [(z.id, z.name) for z in zones])


def _page(body: Body, community: Zone, form: BodyForm, member_form: MemberForm | None = None,
          status: int = 200):
    members = list(db.session.scalars(
        select(BodyMember).where(BodyMember.body_id == body.id)
        .options(joinedload(BodyMember.user), joinedload(BodyMember.zone))
        .order_by(BodyMember.id))) if body is not None else []
    member_form = member_form or MemberForm()
    _zone_choices(member_form, community)
    return render_template("council/bodies/edit.html", body=body, community=community,
                           form=form, member_form=member_form, members=members,
                           end_form=EndTermForm(), today=utcnow().date()), status


@bp.route("/staff/council/bodies/new", methods=["GET", "POST"], defaults={"body_id": None})
@bp.route("/staff/council/bodies/<int:body_id>", methods=["GET", "POST"])
@policy.require_permission(PERMISSION)
def edit_body(body_id: int | None):
    if body_id is None:
        body, (community, _places) = None, community_asked()
        if community is None:
            abort(404)
    else:
        body = load_in_scope(Body, body_id, PERMISSION, zone_of=_community)
        community = body.community
    form = BodyForm(obj=body)
    if form.validate_on_submit():
        with committing(once=True) as done:
            saved = services.save_body(current_user, body, community=community,
                                       name=form.name.data, quorum_rule=form.quorum_rule.data,
                                       pass_rule=form.pass_rule.data,
                                       roll_call=form.roll_call.data,
                                       is_active=form.is_active.data)
            done.answer = url_for(".edit_body", body_id=saved.id)
        if done:
            flash(_("议事机构已保存。"), "success")
            return redirect(done.answer)
    return _page(body, community, form, status=400 if request.method == "POST" else 200)


@bp.post("/staff/council/bodies/<int:body_id>/members")
@policy.require_permission(PERMISSION)
def add_member(body_id: int):
    body = load_in_scope(Body, body_id, PERMISSION, zone_of=_community)
    form = MemberForm()
    form.zone.choices = []
    if form.validate_on_submit():
        back = url_for(".edit_body", body_id=body.id) + "#members"
        with committing(once=back) as done:
            person = db.session.scalar(select(User).where(
                User.phone == normalise_phone(form.phone.data)))
            member = services.add_member(current_user, body, person,
                                         zone=db.session.get(Zone, form.zone.data or 0),
                                         term_start=form.term_start.data,
                                         term_end=form.term_end.data,
                                         households=form.households.data)
            name = member.user.name
        if done:
            flash(_("%(name)s 已是“%(body)s”的成员。", name=name, body=body.name), "success")
            return redirect(back)
    return _page(body, body.community, BodyForm(obj=body), form, 400)


@bp.post("/staff/council/members/<int:member_id>/end")
@policy.require_permission(PERMISSION)
def end_term(member_id: int):
    member = load_in_scope(BodyMember, member_id, PERMISSION,
                           zone_of=lambda row: row.body.community)
    form = EndTermForm()
    back = url_for(".edit_body", body_id=member.body_id) + "#members"
    if form.validate_on_submit():
        with committing(once=back) as done:
            services.end_term(current_user, member, form.day.data)
        if done:
            flash(_("任期已结束。"), "success")
    else:
        flash(_("请填写任期结束日期。"), "error")
    return redirect(back)
