"""微心愿 pages for residents and party members: the wall, posting, one wish's page (what it
shows depends on who looks), claiming and after, publicity, rankings and service records."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.clock import local_today
from portal.errors import DomainError
from portal.extensions import db
from portal.points.amounts import format_hours
from portal.types import utcnow
from portal.uploads import photo_path, save_photo
from portal.web.csv_export import SafeCSVWriter
from portal.web.formatting import mask_name
from portal.web.params import bounded_int, page_arg
from portal.web.transaction import attempt
from portal.wishes import queries, services
from portal.wishes.forms import ConfirmForm, FulfilForm, WishForm
from portal.wishes.models import CLAIMED, Wish

bp = Blueprint("wishes", __name__)


@bp.get("/")
@login_required
def wall():
    kind = request.args.get("kind", "")
    grid_id = request.args.get("zone", type=bounded_int)
    pagination = queries.wall(current_user, kind=kind, grid_id=grid_id, page=page_arg())
    return render_template("wishes/wall.html", pagination=pagination, kind=kind,
                           grid_id=grid_id, grids=queries.wall_grids(current_user),
                           places=queries.grid_names(pagination.items))


def _photo_name(form) -> str | None:
    return save_photo(form.photo.data, "wishes", thumb=320) if form.photo.data else None


def _post(form):
    return services.post_wish(current_user, current_user, title=form.title.data,
                              description=form.description.data or "", kind=form.kind.data,
                              value_yuan=form.value_yuan.data, deadline=form.deadline.data,
                              consent_name=form.consent_name.data,
                              consent_photo=form.consent_photo.data, photo=_photo_name(form))


def detail_url(wish) -> str:
    return url_for("wishes.detail", wish_id=wish.id)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = with_cap(WishForm())
    if form.validate_on_submit():
        ok, wish = attempt(_post, form, once=detail_url)
        if ok:
            flash(_("心愿已提交，社区审核后会出现在心愿墙上。"), "success")
            return redirect(url_for("wishes.detail", wish_id=wish.id))
    return render_template("wishes/form.html", form=form, wish=None,
                           cap=_cap())


def _cap() -> int:
    from flask import current_app

    return current_app.config["WISH_VALUE_CAP"]


def with_cap(form):
    """The value field's hint names the configured cap."""
    form.value_yuan.description = _("不超过 %(cap)d 元，服务类可填 0。", cap=_cap())
    return form


@bp.get("/mine")
@login_required
def mine():
    return render_template("wishes/mine.html", pagination=queries.my_wishes(current_user.id,
                                                                            page_arg()))


@bp.get("/claims")
@login_required
def claims():
    return render_template("wishes/claims.html", wishes=queries.my_claims(current_user.id),
                           open_count=services.open_claims(current_user.id))


def _wish(wish_id: int) -> Wish:
    wish = db.session.get(Wish, wish_id)
    if wish is None:
        abort(404)
    return wish


def _role(wish: Wish) -> str:
    """poster | claimer | staff | public (the wall's view) — or 404/403 for anyone else."""
    if wish.poster_id == current_user.id:
        return "poster"
    if wish.claimer_id == current_user.id and wish.status in CLAIMED:
        return "claimer"
    if services.is_staff_for(current_user, wish):
        return "staff"
    if wish.status == "published":
        return "public"
    abort(403)


@bp.get("/<int:wish_id>")
@login_required
def detail(wish_id: int):
    wish = _wish(wish_id)
    role = _role(wish)
    membership = current_user.party
    return render_template(
        "wishes/detail.html", wish=wish, role=role,
        place=queries.grid_names([wish]).get(wish.id, ""),
        can_claim=role == "public" and membership is not None
        and membership.status == "verified",
        show_contact=role in ("claimer", "staff"),
        release_due=services.stale_release_dt(wish) if role == "claimer" else None,
        fulfil_form=FulfilForm(), confirm_form=ConfirmForm())


@bp.route("/<int:wish_id>/edit", methods=["GET", "POST"])
@login_required
def edit(wish_id: int):
    wish = _wish(wish_id)
    if _role(wish) not in ("poster", "staff"):
        abort(403)
    form = with_cap(WishForm(obj=wish))
    if form.validate_on_submit():
        ok, _w = attempt(lambda: services.edit_wish(
            current_user, wish, title=form.title.data, description=form.description.data or "",
            kind=form.kind.data, value_yuan=form.value_yuan.data, deadline=form.deadline.data,
            consent_name=form.consent_name.data, consent_photo=form.consent_photo.data,
            photo=_photo_name(form)))
        if ok:
            flash(_("已重新提交，等待社区审核。"), "success")
            return redirect(url_for("wishes.detail", wish_id=wish.id))
    return render_template("wishes/form.html", form=form, wish=wish, cap=_cap())


def _act(wish_id: int, service, done: str, *args, **kwargs):
    wish = _wish(wish_id)
    _role(wish)
    ok, _w = attempt(service, current_user, wish, *args, **kwargs)
    if ok:
        flash(done, "success")
    return redirect(url_for("wishes.detail", wish_id=wish.id))


@bp.post("/<int:wish_id>/withdraw")
@login_required
def withdraw(wish_id: int):
    return _act(wish_id, services.withdraw, _("心愿已撤回。"), request.form.get("reason", ""))


@bp.post("/<int:wish_id>/consent")
@login_required
def consent(wish_id: int):
    return _act(wish_id, services.set_consent, _("公示设置已保存。"),
                consent_name=request.form.get("consent_name") == "y",
                consent_photo=request.form.get("consent_photo") == "y")


@bp.post("/<int:wish_id>/claim")
@login_required
def claim(wish_id: int):
    wish = _wish(wish_id)
    ok, _w = attempt(services.claim, current_user, wish)
    if ok:
        flash(_("认领成功！请在 7 天内联系居民。"), "success")
    return redirect(url_for("wishes.detail", wish_id=wish.id) if ok
                    else url_for("wishes.wall"))


@bp.post("/<int:wish_id>/release")
@login_required
def release(wish_id: int):
    return _act(wish_id, services.release, _("已放弃认领，心愿回到了心愿墙。"),
                request.form.get("reason", ""))


@bp.post("/<int:wish_id>/progress")
@login_required
def progress(wish_id: int):
    return _act(wish_id, services.add_progress, _("进展已记录。"), request.form.get("note", ""))


def _fulfil(wish: Wish, form: FulfilForm):
    files = [f for f in (form.photos.data or []) if f and f.filename]
    if len(files) > 6:
        raise DomainError("too_many_photos", _("最多上传 6 张照片。"), 400)
    names = [save_photo(f, "wishes", thumb=320) for f in files]
    return services.fulfil(current_user, wish, form.note.data or "", names)


@bp.post("/<int:wish_id>/fulfil")
@login_required
def fulfil(wish_id: int):
    wish = _wish(wish_id)
    if _role(wish) != "claimer":
        abort(403)
    form = FulfilForm()
    if not form.validate_on_submit():
        flash(_("请简单说明完成情况。"), "error")
        return redirect(url_for("wishes.detail", wish_id=wish.id))
    ok, _w = attempt(_fulfil, wish, form)
    if ok:
        flash(_("已标记完成，等待居民确认。"), "success")
    return redirect(url_for("wishes.detail", wish_id=wish.id))


@bp.post("/<int:wish_id>/confirm")
@login_required
def confirm(wish_id: int):
    form = ConfirmForm()
    rating = form.rating.data if form.validate_on_submit() else None
    return _act(wish_id, services.confirm, _("谢谢您的评价！"),
                rating if isinstance(rating, int) else -1, form.comment.data or "")


@bp.post("/<int:wish_id>/send-back")
@login_required
def send_back(wish_id: int):
    return _act(wish_id, services.send_back, _("已退回给认领人。"), request.form.get("reason", ""))


def _photo_visible(wish: Wish, name: str) -> bool:
    """The wish's own photo: whoever may see the wish. Evidence: poster, claimer and staff;
    anyone once confirmed, if the poster consented to photos."""
    is_evidence = name.removeprefix("t_") in {p.name for p in wish.evidence}
    if not is_evidence and name.removeprefix("t_") != wish.photo:
        return False
    public = wish.status == "confirmed" and wish.consent_photo
    if public:
        return True
    if not current_user.is_authenticated:
        return False
    if wish.poster_id == current_user.id or wish.claimer_id == current_user.id \
            or services.is_staff_for(current_user, wish):
        return True
    return not is_evidence and wish.status == "published"


@bp.get("/<int:wish_id>/photos/<name>")
def photo(wish_id: int, name: str):
    wish = _wish(wish_id)
    if not _photo_visible(wish, name):
        abort(404)
    path = photo_path("wishes", name)
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=600)


@bp.get("/thanks")
def thanks():
    """公示: open to everyone, within each poster's consent."""
    pagination = queries.thanks(page_arg())
    return render_template("wishes/thanks.html", pagination=pagination,
                           places=queries.grid_names(pagination.items))


@bp.get("/ranking")
@login_required
def ranking():
    units, members = queries.rankings()
    return render_template("wishes/ranking.html", units=units, members=members)


# ------------------------------------------------------------------ service record


def _quarter():
    return queries.parse_quarter(request.args.get("quarter"), local_today(utcnow()))


def _own_record():
    if current_user.party is None:
        abort(404)
    year, quarter = _quarter()
    return year, quarter, queries.service_records([current_user], year, quarter)[0]


@bp.get("/record")
@login_required
def record():
    year, quarter, rec = _own_record()
    return render_template("wishes/record.html", records=[rec], year=year, quarter=quarter,
                           printable=request.args.get("print") == "1", unit=None)


def records_csv(records, year: int, quarter: int, filename: str) -> Response:
    out = io.StringIO()
    out.write("\ufeff")
    writer = SafeCSVWriter(out)
    writer.writerow(["在职党员服务反馈卡", f"{year}年第{quarter}季度"])
    writer.writerow(["姓名", "工作单位", "党支部", "完成心愿（件）", "心愿明细", "平均评价",
                     "参加排班（次）", "志愿时长（小时）"])
    for rec in records:
        party = rec.user.party
        writer.writerow([rec.user.name, party.work_unit if party else "",
                         party.branch if party else "", len(rec.wishes),
                         "；".join(w.title for w in rec.wishes), rec.average_rating or "",
                         rec.shifts, format_hours(rec.minutes)])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.get("/record.csv")
@login_required
def record_csv():
    year, quarter, rec = _own_record()
    return records_csv([rec], year, quarter, f"service-{year}Q{quarter}.csv")


@bp.app_template_filter("poster_label")
def poster_label(wish: Wish) -> str:
    """How the publicity page names the recipient: masked, and only with consent."""
    return mask_name(wish.poster.name) if wish.consent_name else _("一位居民")


@bp.app_template_filter("claimer_label")
def claimer_label(wish: Wish) -> str:
    """How the publicity page names the claimer: in full only if they opted in to leaderboards."""
    claimer = wish.claimer
    return claimer.name if claimer.is_on_leaderboard else mask_name(claimer.name)
