"""Coordinator shift pages: activities, shifts, posts, weekly templates, rosters."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.clock import local, to_utc
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import options
from portal.points.models import PointsRule
from portal.shifts import activities, queries, recurring, roster
from portal.shifts.forms import (
    ActivityForm,
    AddVolunteerForm,
    AssignForm,
    ReasonForm,
    ShiftForm,
    TemplateForm,
    fill_defaults_choices,
    fill_place_choices,
    fill_posts,
    place_fields,
    row_or_none,
    zone_choices,
)
from portal.shifts.models import Activity, Shift, ShiftTemplate, SignUp
from portal.teams.models import Team
from portal.types import utcnow
from portal.web.loading import load_in_scope
from portal.web.transaction import committing
from portal.zones.models import Zone

bp = Blueprint("shifts_staff", __name__)
PERMISSION = "shifts.manage"


def _activity(activity_id: int) -> Activity:
    return load_in_scope(Activity, activity_id, PERMISSION)


def _shift(shift_id: int) -> Shift:
    return load_in_scope(Shift, shift_id, PERMISSION)


def _signup(signup_id: int) -> SignUp:
    return load_in_scope(SignUp, signup_id, PERMISSION, zone_of=lambda row: row.shift.zone)


@bp.get("/")
@policy.require_permission(PERMISSION)
def index():
    now = utcnow()
    return render_template("shifts/staff/index.html",
                           upcoming=queries.upcoming_in_scope(current_user, now),
                           activities=queries.activities_in_scope(current_user))


@bp.route("/activities/new", methods=["GET", "POST"], defaults={"activity_id": None})
@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@policy.require_permission(PERMISSION)
def edit_activity(activity_id: int | None):
    activity = _activity(activity_id) if activity_id else None
    form = ActivityForm(obj=activity)
    form.zone.choices = zone_choices(current_user, PERMISSION, kinds=("community", "grid"))
    fill_defaults_choices(form)
    if request.method == "GET" and activity is not None:
        form.zone.data, form.team.data = activity.zone_id, activity.team_id or 0
        form.points_rule.data = activity.points_rule_id or 0
    if form.validate_on_submit():
        fields = dict(title=form.title.data, description=form.description.data or "",
                      team=row_or_none(Team, form.team.data),
                      points_rule=row_or_none(PointsRule, form.points_rule.data),
                      signup_window_days=form.signup_window_days.data or 0,
                      cancel_cutoff_hours=form.cancel_cutoff_hours.data or 0,
                      credit_on=form.credit_on.data or "checkout")
        with committing(once=True) as done:
            if activity is None:
                saved = activities.create_activity(
                    current_user, zone=row_or_none(Zone, form.zone.data), **fields)
            else:
                saved = activities.update_activity(current_user, activity, **fields)
            done.answer = _activity_url(saved)
        if done:
            flash(_("活动已保存。"), "success")
            return redirect(url_for("shifts_staff.activity", activity_id=saved.id))
    return render_template("shifts/staff/activity_form.html", form=form, activity=activity)


def _activity_url(activity: Activity) -> str:
    return url_for("shifts_staff.activity", activity_id=activity.id)


@bp.get("/activities/<int:activity_id>")
@policy.require_permission(PERMISSION)
def activity(activity_id: int):
    activity = _activity(activity_id)
    return render_template("shifts/staff/activity.html", activity=activity,
                           rows=queries.activity_shifts(activity, utcnow()),
                           templates=queries.activity_templates(activity),
                           weekdays=recurring.WEEKDAYS)


@bp.route("/activities/<int:activity_id>/shifts/new", methods=["GET", "POST"])
@policy.require_permission(PERMISSION)
def new_shift(activity_id: int):
    activity = _activity(activity_id)
    form = ShiftForm()
    fill_place_choices(form, current_user, PERMISSION, activity.zone)
    if request.method == "GET":
        form.zone.data, form.team.data = activity.zone_id, activity.team_id or 0
        form.points_rule.data = activity.points_rule_id or 0
    if form.validate_on_submit():
        with committing(once=_activity_url(activity)) as done:
            activities.add_shift(current_user, activity,
                                 start_dt=to_utc(form.day.data, form.start.data),
                                 end_dt=to_utc(form.day.data, form.end.data),
                                 **place_fields(form))
        if done:
            flash(_("班次已发布，居民可以报名了。"), "success")
            return redirect(url_for("shifts_staff.activity", activity_id=activity.id))
    return render_template("shifts/staff/shift_form.html", form=form, activity=activity,
                           shift=None)


@bp.route("/<int:shift_id>/edit", methods=["GET", "POST"])
@policy.require_permission(PERMISSION)
def edit_shift(shift_id: int):
    shift = _shift(shift_id)
    form = ShiftForm(obj=shift)
    fill_place_choices(form, current_user, PERMISSION, shift.activity.zone)
    if request.method == "GET":
        start, end = local(shift.start_dt), local(shift.end_dt)
        form.day.data, form.start.data, form.end.data = start.date(), start.time(), end.time()
        form.zone.data = shift.zone_id
        form.team.data, form.points_rule.data = shift.team_id or 0, shift.points_rule_id or 0
        fill_posts(form, [(p.name, p.capacity) for p in shift.posts])
    if form.validate_on_submit():
        with committing(once=url_for("shifts_staff.roster_page", shift_id=shift.id)) as done:
            activities.update_shift(current_user, shift,
                                    start_dt=to_utc(form.day.data, form.start.data),
                                    end_dt=to_utc(form.day.data, form.end.data),
                                    **place_fields(form))
        if done:
            flash(_("班次已修改，报名的人已收到通知。"), "success")
            return redirect(url_for("shifts_staff.roster_page", shift_id=shift.id))
    return render_template("shifts/staff/shift_form.html", form=form, activity=shift.activity,
                           shift=shift, cancel_form=ReasonForm(prefix="cancel"))


@bp.post("/<int:shift_id>/cancel")
@policy.require_permission(PERMISSION)
def cancel_shift(shift_id: int):
    shift = _shift(shift_id)
    form = ReasonForm(prefix="cancel")
    with committing() as done:
        activities.cancel_shift(current_user, shift, form.reason.data or "")
    if done:
        flash(_("班次已取消，已通知所有报名的人。"), "success")
        return redirect(url_for("shifts_staff.activity", activity_id=shift.activity_id))
    return redirect(url_for("shifts_staff.edit_shift", shift_id=shift.id))


def _template_fields(form) -> dict:
    return dict(start_time=form.start.data, end_time=form.end.data,
                weeks_ahead=form.weeks_ahead.data)


@bp.route("/activities/<int:activity_id>/templates/new", methods=["GET", "POST"])
@policy.require_permission(PERMISSION)
def new_template(activity_id: int):
    activity = _activity(activity_id)
    form = TemplateForm()
    fill_place_choices(form, current_user, PERMISSION, activity.zone)
    if request.method == "GET":
        form.weekday.data, form.zone.data = 5, activity.zone_id
        form.team.data, form.points_rule.data = activity.team_id or 0, activity.points_rule_id or 0
    if form.validate_on_submit():
        with committing(once=_activity_url(activity)) as done:
            result = recurring.create_template(current_user, activity,
                                               weekday=form.weekday.data,
                                               **_template_fields(form), **place_fields(form))
        if done:
            flash(_("每周排班已建立，已生成 %(n)d 个班次。", n=len(result[1])), "success")
            return redirect(url_for("shifts_staff.activity", activity_id=activity.id))
    return render_template("shifts/staff/template_form.html", form=form, activity=activity,
                           template=None, affected=[])


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@policy.require_permission(PERMISSION)
def edit_template(template_id: int):
    template = load_in_scope(ShiftTemplate, template_id, PERMISSION)
    form = TemplateForm(obj=template)
    fill_place_choices(form, current_user, PERMISSION, template.activity.zone)
    if request.method == "GET":
        form.start.data, form.end.data = template.start_time, template.end_time
        form.zone.data = template.zone_id
        form.team.data, form.points_rule.data = template.team_id or 0, \
            template.points_rule_id or 0
        fill_posts(form, [(p["name"], p["capacity"]) for p in template.posts])
    affected = [(s, n) for s, n in recurring.future_shifts(template, utcnow()) if n]
    if form.validate_on_submit():
        with committing(once=_activity_url(template.activity)) as done:
            result = recurring.update_template(current_user, template,
                                               is_active=form.is_active.data,
                                               signed_up=form.signed_up.data,
                                               **_template_fields(form), **place_fields(form))
        if done:
            message = _("已保存：%(free)d 个班次已更新，%(signed)d 个已报名班次已同步并通知，"
                        "%(kept)d 个保持不变。", free=result.updated_free,
                        signed=result.updated_signed_up, kept=len(result.kept))
            flash(message, "success")
            return redirect(url_for("shifts_staff.activity", activity_id=template.activity_id))
    return render_template("shifts/staff/template_form.html", form=form,
                           activity=template.activity, template=template, affected=affected)


@bp.get("/<int:shift_id>/roster")
@policy.require_permission(PERMISSION)
def roster_page(shift_id: int):
    shift = _shift(shift_id)
    add_form = AddVolunteerForm()
    post_choices = [(0, _("不指定岗位"))] if not shift.posts else []
    add_form.post.choices = options(post_choices + [(p.id, p.name) for p in shift.posts])
    return render_template("shifts/staff/roster.html", shift=shift,
                           roster=queries.roster(shift), add_form=add_form,
                           reason_form=ReasonForm(), now=utcnow(),
                           row=queries.shift_detail(shift.id, None))


def _to_roster(shift_id: int):
    return redirect(url_for("shifts_staff.roster_page", shift_id=shift_id))


def _add(shift: Shift, form: AddVolunteerForm):
    user = db.session.scalar(select(User).where(User.phone == normalise_phone(form.phone.data)))
    if user is None:
        raise DomainError("no_such_resident", _("没有找到这个手机号对应的居民。"), 400)
    return roster.add_volunteer(current_user, shift, user, post_id=form.post.data or None,
                                reason=form.reason.data or "")


@bp.post("/<int:shift_id>/roster/add")
@policy.require_permission(PERMISSION)
def add_volunteer(shift_id: int):
    shift = _shift(shift_id)
    form = AddVolunteerForm()
    with committing() as done:
        signup = _add(shift, form)
    if done:
        flash(_("已将 %(name)s 加入名单，并通知本人。", name=signup.user.name), "success")
    return _to_roster(shift.id)


@bp.post("/signups/<int:signup_id>/remove")
@policy.require_permission(PERMISSION)
def remove_volunteer(signup_id: int):
    signup = _signup(signup_id)
    with committing() as done:
        roster.remove_volunteer(current_user, signup, reason=ReasonForm().reason.data or "")
    if done:
        flash(_("已移出名单，并通知本人。"), "success")
    return _to_roster(signup.shift_id)


@bp.post("/signups/<int:signup_id>/assign")
@policy.require_permission(PERMISSION)
def assign(signup_id: int):
    signup = _signup(signup_id)
    form = AssignForm()
    with committing() as done:
        roster.assign(current_user, signup, post_id=form.post.data or None,
                      duty_area=form.duty_area.data or "")
    if done:
        flash(_("安排已保存。"), "success")
    return _to_roster(signup.shift_id)


@bp.post("/signups/<int:signup_id>/no-show")
@policy.require_permission(PERMISSION)
def no_show(signup_id: int):
    signup = _signup(signup_id)
    mark = request.form.get("mark") == "1"
    with committing() as done:
        roster.set_no_show(current_user, signup, mark)
    if done:
        flash(_("已标记未到岗。") if mark else _("已撤销未到岗标记。"), "success")
    return _to_roster(signup.shift_id)
