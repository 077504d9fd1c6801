"""微心愿 pages for residents and party members: the wall, posting, one wish's page (what it
shows depends on who looks: access.py), claiming and after, publicity, rankings and service
records."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.errors import DomainError
from portal.uploads import photo_path, save_photo
from portal.web.params import bounded_int, page_arg
from portal.web.transaction import committing
from portal.wishes import access, queries, services
from portal.wishes.forms import ConfirmForm, FulfilForm, WishForm
from portal.wishes.models import Wish
from portal.wishes.pages import (
    detail_url,
    load_wish,
    photo_name,
    quarter_arg,
    records_csv,
    role_or_403,
    value_cap,
    with_cap,
)

bp = Blueprint("wishes", __name__)
bp.add_app_template_filter(access.poster_label, "poster_label")
bp.add_app_template_filter(access.claimer_label, "claimer_label")


@bp.get("/")
@login_required
def wall():
    kind = request.args.get("kind", "")
    grid_id = request.args.get("zone", type=bounded_int)
    pagination = queries.wall(current_user, kind=kind, grid_id=grid_id, page=page_arg())
    return render_template("wishes/wall.html", pagination=pagination, kind=kind,
                           grid_id=grid_id, grids=queries.wall_grids(current_user),
                           places=queries.grid_names(pagination.items))


def _post(form):
    return services.post_wish(current_user, current_user, title=form.title.data,
                              description=form.description.data or "", kind=form.kind.data,
                              value_yuan=form.value_yuan.data, deadline=form.deadline.data,
                              consent_name=form.consent_name.data,
                              consent_photo=form.consent_photo.data, photo=photo_name(form))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = with_cap(WishForm())
    if form.validate_on_submit():
        with committing(once=True) as done:
            wish = _post(form)
            done.answer = detail_url(wish)
        if done:
            flash(_("心愿已提交，社区审核后会出现在心愿墙上。"), "success")
            return redirect(url_for("wishes.detail", wish_id=wish.id))
    return render_template("wishes/form.html", form=form, wish=None, cap=value_cap())


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


@bp.get("/<int:wish_id>")
@login_required
def detail(wish_id: int):
    wish = load_wish(wish_id)
    role = role_or_403(wish)
    return render_template(
        "wishes/detail.html", wish=wish, role=role, actions=wish.allowed_actions(current_user),
        private=access.sees_private(role), show_contact=access.shows_contact(role, wish),
        place=queries.grid_names([wish]).get(wish.id, ""),
        release_due=services.stale_release_dt(wish),
        fulfil_form=FulfilForm(), confirm_form=ConfirmForm())


@bp.route("/<int:wish_id>/edit", methods=["GET", "POST"])
@login_required
def edit(wish_id: int):
    wish = load_wish(wish_id)
    if role_or_403(wish) not in (access.POSTER, access.STAFF):
        abort(403)
    form = with_cap(WishForm(obj=wish))
    if form.validate_on_submit():
        with committing() as done:
            services.edit_wish(
                current_user, wish, title=form.title.data,
                description=form.description.data or "", kind=form.kind.data,
                value_yuan=form.value_yuan.data, deadline=form.deadline.data,
                consent_name=form.consent_name.data, consent_photo=form.consent_photo.data,
                photo=photo_name(form))
        if done:
            flash(_("已重新提交，等待社区审核。"), "success")
            return redirect(url_for("wishes.detail", wish_id=wish.id))
    return render_template("wishes/form.html", form=form, wish=wish, cap=value_cap())


def _act(wish_id: int, service, message: str, *args, **kwargs):
    wish = load_wish(wish_id)
    role_or_403(wish)
    with committing() as done:
        service(current_user, wish, *args, **kwargs)
    if done:
        flash(message, "success")
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
    wish = load_wish(wish_id)
    with committing() as done:
        services.claim(current_user, wish)
    if done:
        flash(_("认领成功！请在 7 天内联系居民。"), "success")
    return redirect(url_for("wishes.detail", wish_id=wish.id) if done
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
    wish = load_wish(wish_id)
    if role_or_403(wish) != access.CLAIMER:
        abort(403)
    form = FulfilForm()
    if not form.validate_on_submit():
        flash(_("请简单说明完成情况。"), "error")
        return redirect(url_for("wishes.detail", wish_id=wish.id))
    with committing() as done:
        _fulfil(wish, form)
    if done:
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


@bp.get("/<int:wish_id>/photos/<name>")
def photo(wish_id: int, name: str):
    wish = load_wish(wish_id)
    if not access.photo_visible(current_user, wish, name):
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


def _own_record():
    if current_user.party is None:
        abort(404)
    year, quarter = quarter_arg()
    return year, quarter, queries.service_records([current_user], year, quarter)[0]


@bp.get("/record")
@login_required
def record():
    year, quarter, rec = _own_record()
    return render_template("wishes/record.html", records=[rec], year=year, quarter=quarter,
                           printable=request.args.get("print") == "1", unit=None)


@bp.get("/record.csv")
@login_required
def record_csv():
    year, quarter, rec = _own_record()
    return records_csv([rec], year, quarter, f"service-{year}Q{quarter}.csv")
