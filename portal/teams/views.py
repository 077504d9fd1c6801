"""Volunteer teams (志愿队伍): list, apply, leader approval, staff management."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal import policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import options
from portal.teams import services
from portal.teams.forms import ApplyForm, DecisionForm, TeamForm
from portal.teams.models import Team, TeamMember
from portal.web.loading import load_or_404
from portal.web.transaction import committing
from portal.zones.models import Zone
from portal.zones.services import zone_labels, zones_in_scope

bp = Blueprint("teams", __name__)


@bp.get("/")
@login_required
def index():
    counts = (select(TeamMember.team_id, func.count().label("n"))
              .where(TeamMember.status == "active").group_by(TeamMember.team_id).subquery())
    rows = db.session.execute(
        select(Team, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.team_id == Team.id)
        .where(Team.is_active.is_(True))
        .options(joinedload(Team.zone), joinedload(Team.leader)).order_by(Team.name)).all()
    mine = dict(db.session.execute(select(TeamMember.team_id, TeamMember.status).where(
        TeamMember.user_id == current_user.id)).all())
    return render_template("teams/index.html", rows=rows, mine=mine)


def _team_or_404(team_id: int) -> Team:
    return load_or_404(Team, team_id)


@bp.get("/<int:team_id>")
@login_required
def detail(team_id: int):
    team = _team_or_404(team_id)
    members = list(db.session.scalars(
        select(TeamMember).where(TeamMember.team_id == team.id)
        .options(joinedload(TeamMember.user)).order_by(TeamMember.id)))
    mine = next((m for m in members if m.user_id == current_user.id), None)
    return render_template("teams/detail.html", team=team, members=members, mine=mine,
                           manage=services.can_decide(current_user, team),
                           apply_form=ApplyForm(), decision_form=DecisionForm())


@bp.post("/<int:team_id>/apply")
@login_required
def apply(team_id: int):
    team = _team_or_404(team_id)
    with committing() as done:
        services.apply(current_user, team, ApplyForm().note.data or "")
    if done:
        flash(_("申请已提交，队长审核后会通知您。"), "success")
    return redirect(url_for("teams.detail", team_id=team.id))


@bp.post("/<int:team_id>/leave")
@login_required
def leave(team_id: int):
    team = _team_or_404(team_id)
    with committing() as done:
        services.leave(current_user, team)
    if done:
        flash(_("您已退出这支队伍。"), "success")
    return redirect(url_for("teams.detail", team_id=team.id))


def _member_or_404(member_id: int) -> TeamMember:
    return load_or_404(TeamMember, member_id)


@bp.post("/members/<int:member_id>/decide")
@login_required
def decide(member_id: int):
    member = _member_or_404(member_id)
    approve = request.form.get("decision") == "approve"
    with committing() as done:
        services.decide(current_user, member, approve=approve,
                        note=DecisionForm().note.data or "")
    if done:
        flash(_("已同意入队。") if approve else _("已回复申请人。"), "success")
    return redirect(url_for("teams.detail", team_id=member.team_id))


@bp.post("/members/<int:member_id>/remove")
@login_required
def remove(member_id: int):
    member = _member_or_404(member_id)
    with committing() as done:
        services.remove_member(current_user, member, DecisionForm().note.data or "")
    if done:
        flash(_("已移出队伍，并通知本人。"), "success")
    return redirect(url_for("teams.detail", team_id=member.team_id))


def _save(team: Team | None, form: TeamForm):
    leader = None
    if (form.leader_phone.data or "").strip():
        leader = db.session.scalar(select(User).where(
            User.phone == normalise_phone(form.leader_phone.data)))
        if leader is None:
            raise DomainError("no_such_resident", _("没有找到这个手机号对应的居民。"), 400)
    if team is None:
        return services.create_team(current_user, name=form.name.data,
                                    zone=db.session.get(Zone, form.zone.data or 0),
                                    leader=leader, description=form.description.data or "")
    return services.update_team(current_user, team, name=form.name.data,
                                description=form.description.data or "", leader=leader,
                                is_active=form.is_active.data)


@bp.route("/new", methods=["GET", "POST"], defaults={"team_id": None})
@bp.route("/<int:team_id>/edit", methods=["GET", "POST"])
@policy.require_permission("teams.manage")
def edit(team_id: int | None):
    team = _team_or_404(team_id) if team_id else None
    if team is not None and not policy.can(current_user, "teams.manage", team.zone):
        abort(403)
    form = TeamForm(obj=team)
    labels = zone_labels()
    form.zone.choices = options(
        (z.id, labels[z.id] or z.name) for z in zones_in_scope(current_user, "teams.manage")
        if z.kind in ("community", "grid") and not z.is_retired)
    if request.method == "GET" and team is not None and team.leader:
        form.leader_phone.data = team.leader.phone
    if form.validate_on_submit():
        with committing(once=True) as done:
            saved = _save(team, form)
            done.answer = url_for("teams.detail", team_id=saved.id)
        if done:
            flash(_("队伍已保存。"), "success")
            return redirect(url_for("teams.detail", team_id=saved.id))
    return render_template("teams/form.html", form=form, team=team)
