"""Resident shift pages: the list with filters, a shift's detail and sign-up, my shifts."""

from datetime import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.clock import to_utc
from portal.extensions import db
from portal.forms import int_or_zero, options
from portal.shifts import queries, signups
from portal.shifts.forms import FilterForm
from portal.teams.models import Team
from portal.types import utcnow
from portal.web.formatting import local_dt
from portal.web.params import page_arg
from portal.web.transaction import committing
from portal.zones.models import Zone
from portal.zones.services import community_of

bp = Blueprint("shifts", __name__)


@bp.app_template_filter("shift_when")
def shift_when(shift) -> str:
    """'11月28日 周六 07:00–11:00' in local time (the date pattern is translated)."""
    day = local_dt(shift.start_dt, _("M月d日 EEE"))
    return f"{day} {local_dt(shift.start_dt, 'HH:mm')}–{local_dt(shift.end_dt, 'HH:mm')}"


def place_choices() -> list[tuple[int, str, str]]:
    """Communities and their grids, grouped by community, for filters and forms."""
    zones = db.session.execute(
        select(Zone.id, Zone.name, Zone.kind, Zone.parent_id)
        .where(Zone.kind.in_(("community", "grid")), Zone.is_retired.is_(False))
        .order_by(Zone.code)).all()
    names = {z.id: z.name for z in zones if z.kind == "community"}
    choices = []
    for zone in zones:
        community = zone.id if zone.kind == "community" else zone.parent_id
        label = _("%(name)s（全社区）", name=zone.name) if zone.kind == "community" else zone.name
        choices.append((zone.id, label, names.get(community, "")))
    return choices


def team_choices() -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in db.session.execute(
        select(Team.id, Team.name).where(Team.is_active.is_(True)).order_by(Team.name))]


@bp.get("/")
def index():
    form = FilterForm(request.args)
    form.zone.choices = options([(0, _("全部地点")), *place_choices()])
    form.team.choices = options([(0, _("全部（含不限队伍）")), *team_choices()])
    if "zone" not in request.args and current_user.is_authenticated:
        home = community_of(current_user.home_zone)
        form.zone.data = home.id if home else 0
    if not form.validate() and form.day.errors:
        flash(_("日期格式不对，请用日历选择。已显示全部日期。"), "error")
        form.day.data = None
    now = utcnow()
    start_from = to_utc(form.day.data, time(0)) if form.day.data else None
    zone = db.session.get(Zone, form.zone.data) if form.zone.data else None
    pagination, rows = queries.shift_list(
        now=now, viewer_id=current_user.id if current_user.is_authenticated else None,
        start_from=start_from,
        zone=zone, team_id=form.team.data or None, has_free=bool(form.free.data),
        page=page_arg())
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("shifts/index.html", form=form, rows=rows, pagination=pagination,
                           page_args=args)


def _detail_or_404(shift_id: int):
    """The shift as a list row (counts, the viewer's own sign-up), or 404; every shift is public."""
    viewer = current_user.id if current_user.is_authenticated else None
    row = queries.shift_detail(shift_id, viewer)
    if row is None:
        abort(404)
    return row


@bp.get("/<int:shift_id>")
def detail(shift_id: int):
    row = _detail_or_404(shift_id)
    position = None
    if row.mine is not None and row.mine.status == "waitlisted":
        position = signups.waitlist_position(row.mine)
    return render_template("shifts/detail.html", row=row, shift=row.shift, position=position,
                           now=utcnow())


@bp.route("/<int:shift_id>/signup", methods=["GET", "POST"])
@login_required
def sign_up(shift_id: int):
    row = _detail_or_404(shift_id)
    if request.method == "GET":  # back from the login page: show the shift, sign up there
        return redirect(url_for("shifts.detail", shift_id=shift_id))
    post_id = int_or_zero(request.form.get("post_id")) or None
    with committing() as done:
        signup = signups.sign_up(current_user, row.shift, post_id=post_id)
    if done and signup.status == "confirmed":
        flash(_("报名成功！开始前一天会提醒您。"), "success")
    elif done:
        flash(_("名额已满，您已进入候补，第 %(n)d 位。有人取消会自动转正并通知您。",
                n=signups.waitlist_position(signup)), "info")
    return redirect(url_for("shifts.detail", shift_id=shift_id))


@bp.post("/signups/<int:signup_id>/cancel")
@login_required
def cancel(signup_id: int):
    with committing() as done:
        signup = signups.cancel_signup(current_user, signup_id)
    if done:
        flash(_("已取消报名。"), "success")
        return redirect(url_for("shifts.detail", shift_id=signup.shift_id))
    return redirect(url_for("shifts.mine"))


@bp.get("/mine")
@login_required
def mine():
    return render_template("shifts/mine.html", mine=queries.my_shifts(current_user.id, utcnow()),
                           now=utcnow())
