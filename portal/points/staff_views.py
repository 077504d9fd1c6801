"""Staff points pages: award, approve, objections, rules, and a resident's passbook."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import options
from portal.points import awards, hours, ledger, queries
from portal.points.amounts import format_points
from portal.points.award_models import Award, Objection
from portal.points.forms import AwardForm, DecisionForm, RuleForm
from portal.points.models import PointsRule
from portal.points.rules import active_rules, save_rule
from portal.staff.queries import user_in_scope_or_abort
from portal.uploads import save_photo
from portal.web.loading import load_or_404
from portal.web.params import bounded_int, page_arg
from portal.web.transaction import committing

bp = Blueprint("points_staff", __name__)


@bp.get("/residents/<int:user_id>")
@policy.require_permission("points.view_resident")
def resident(user_id: int):
    user = user_in_scope_or_abort(current_user, user_id, "points.view_resident")
    minutes = hours.credited_minutes_of(user.id)
    page = page_arg()
    return render_template("points/staff/resident.html", user=user,
                           pagination=queries.passbook(user.id, page),
                           balance=ledger.balance_of(user.id), minutes=minutes,
                           progress=hours.star_progress(minutes))


def _record(form: AwardForm):
    recipient = db.session.scalar(select(User).where(
        User.phone == normalise_phone(form.phone.data)))
    if recipient is None:
        raise DomainError("no_such_resident", _("没有找到这个手机号对应的居民。"), 400)
    photo = save_photo(form.photo.data, "awards") if form.photo.data else None
    rule = db.session.get(PointsRule, form.rule.data) if form.rule.data else None
    return awards.record_award(current_user, recipient, rule=rule, points=form.points.data or "",
                               reason=form.reason.data, evidence_note=form.evidence_note.data,
                               evidence_photo=photo)


@bp.route("/awards/new", methods=["GET", "POST"])
@policy.require_permission("points.award")
def new_award():
    form = AwardForm()
    form.rule.choices = options(
        [(0, _("自定义奖励（填写分值和理由）"))]
        + [(r.id, f"{r.name}（{format_points(r.points_tenths)} 分）") for r in active_rules()
           if r.mode == "fixed"])
    if request.method == "GET" and request.args.get("user", type=bounded_int):
        target = db.session.get(User, request.args.get("user", type=bounded_int))
        if target is not None:
            form.phone.data = target.phone
    if form.validate_on_submit():
        with committing(once=True) as done:
            award = _record(form)
            done.answer = url_for("points_staff.resident", user_id=award.recipient_id)
        if done:
            if award.status == "pending":
                flash(_("已登记，超过审批线，等待另一位工作人员审批。"), "success")
            else:
                flash(_("已登记并入账，进入公示。"), "success")
            return redirect(url_for("points_staff.resident", user_id=award.recipient_id))
    return render_template("points/staff/award_new.html", form=form,
                           threshold=awards.approval_threshold_tenths())


@bp.get("/approvals")
@policy.require_permission("points.approve")
def approvals():
    return render_template("points/staff/approvals.html",
                           awards=queries.pending_awards(current_user), form=DecisionForm())


def _award_or_404(award_id: int) -> Award:
    return load_or_404(Award, award_id)


@bp.post("/awards/<int:award_id>/decide")
@policy.require_permission("points.approve")
def decide(award_id: int):
    award = _award_or_404(award_id)
    form = DecisionForm()
    approve = request.form.get("decision") == "approve"
    with committing(once=url_for("points_staff.approvals")) as done:
        if approve:
            awards.approve_award(current_user, award)
        else:
            awards.reject_award(current_user, award, form.note.data or "")
    if done:
        flash(_("已审批通过，积分已入账。") if approve else _("已退回，不予入账。"), "success")
    return redirect(url_for("points_staff.approvals"))


@bp.get("/objections")
@policy.require_permission("points.approve")
def objections():
    return render_template("points/staff/objections.html",
                           objections=queries.open_objections(current_user),
                           form=DecisionForm())


@bp.post("/objections/<int:objection_id>/resolve")
@policy.require_permission("points.approve")
def resolve(objection_id: int):
    objection = load_or_404(Objection, objection_id)
    form = DecisionForm()
    reverse = request.form.get("decision") == "reverse"
    with committing(once=url_for("points_staff.objections")) as done:
        awards.resolve_objection(current_user, objection, reverse=reverse,
                                 note=form.note.data or "")
    if done:
        flash(_("已撤销这条奖励。") if reverse else _("已维持这条奖励。"), "success")
    return redirect(url_for("points_staff.objections"))


@bp.get("/rules")
@policy.require_permission("points.rules")
def rules():
    return render_template("points/staff/rules.html", rules=list(
        db.session.scalars(select(PointsRule).order_by(PointsRule.id))))


@bp.route("/rules/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@policy.require_permission("points.rules")
def edit_rule(rule_id: int | None):
    rule = load_or_404(PointsRule, rule_id) if rule_id else None
    form = RuleForm(obj=rule)
    if request.method == "GET" and rule is not None:
        form.points.data = format_points(rule.points_tenths)
        form.cap.data = format_points(rule.cap_tenths) if rule.cap_tenths else ""
    if form.validate_on_submit():
        with committing() as done:
            save_rule(current_user, rule, code=form.code.data, name=form.name.data,
                      mode=form.mode.data, points=form.points.data, cap=form.cap.data or "",
                      description=form.description.data or "", is_active=form.is_active.data)
        if done:
            flash(_("规则已保存。"), "success")
            return redirect(url_for("points_staff.rules"))
    return render_template("points/staff/rule_form.html", form=form, rule=rule)
