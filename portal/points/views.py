"""Resident points pages: passbook (积分存折), hours and stars, rules, notice, leaderboard."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import policy
from portal.accounts.services import set_leaderboard_opt_in
from portal.points import awards, hours, ledger, queries
from portal.points.award_models import Award
from portal.points.forms import ObjectionForm
from portal.points.rules import active_rules
from portal.uploads import photo_path
from portal.web.loading import load_or_404
from portal.web.params import page_arg
from portal.web.transaction import committing

bp = Blueprint("points", __name__)

#: where a passbook entry links to, by source type; later features add theirs here
SOURCE_LINKS = {
    "award": lambda source_id: url_for("points.award_detail", award_id=source_id),
    "attendance": lambda source_id: url_for("checkin.attendance", attendance_id=source_id),
}


@bp.app_template_global()
def entry_source_url(entry) -> str | None:
    link = SOURCE_LINKS.get(entry.source_type)
    return link(entry.source_id) if link and entry.source_id else None


def can_see_award(award: Award) -> bool:
    """The recipient, and staff over the recipient's zone, see an award's details."""
    return policy.is_own(current_user, award.recipient_id) or policy.can(
        current_user, "points.view_resident", award.recipient.home_zone)


@bp.get("/")
@login_required
def passbook():
    page = page_arg()
    return render_template("points/passbook.html", pagination=queries.passbook(current_user.id,
                                                                                page),
                           balance=ledger.balance_of(current_user.id))


@bp.get("/hours")
@login_required
def my_hours():
    minutes = hours.credited_minutes_of(current_user.id)
    return render_template("points/hours.html", minutes=minutes,
                           progress=hours.star_progress(minutes),
                           entries=queries.hours_entries(current_user.id))


@bp.get("/rules")
def rules():
    return render_template("points/rules.html", rules=active_rules(),
                           threshold=awards.approval_threshold_tenths())


@bp.get("/notice")
@login_required
def notice():
    return render_template("points/notice.html", awards=queries.notices(current_user))


@bp.route("/notice/<int:award_id>/object", methods=["GET", "POST"])
@login_required
def object_to(award_id: int):
    award = load_or_404(Award, award_id)
    if award.status not in ("posted", "reversed"):  # only a published award can be objected to
        abort(404)
    form = ObjectionForm()
    if form.validate_on_submit():
        with committing() as done:
            awards.raise_objection(current_user, award, form.reason.data)
        if done:
            flash(_("异议已提交，社区会核实后答复。"), "success")
            return redirect(url_for("points.notice"))
    return render_template("points/object.html", award=award, form=form)


def _visible_award(award_id: int) -> Award:
    """The award, 403 unless can_see_award: its recipient, or staff over the recipient's zone."""
    award = load_or_404(Award, award_id)
    if not can_see_award(award):
        abort(403)
    return award


@bp.get("/awards/<int:award_id>")
@login_required
def award_detail(award_id: int):
    return render_template("points/award.html", award=_visible_award(award_id))


@bp.get("/awards/<int:award_id>/photo")
@login_required
def award_photo(award_id: int):
    award = _visible_award(award_id)
    path = photo_path("awards", award.evidence_photo or "")
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/leaderboard")
@login_required
def leaderboard():
    rows = [(user, minutes, hours.star_progress(minutes).stars)
            for user, minutes in queries.leaderboard(current_user)]
    return render_template("points/leaderboard.html", rows=rows)


@bp.post("/leaderboard/opt")
@login_required
def leaderboard_opt():
    join = request.form.get("join") == "1"
    with committing() as done:
        set_leaderboard_opt_in(current_user, join)
    if done:
        flash(_("已加入排行榜。") if join else _("已退出排行榜。"), "success")
    return redirect(url_for("points.leaderboard"))
