"""Staff pages for 微心愿: the review queue, posting for a resident after a home visit, and the
quarterly service feedback cards by work unit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import policy
from portal.accounts.models import User
from portal.accounts.services import normalise_phone
from portal.errors import DomainError
from portal.extensions import db
from portal.web.params import page_arg
from portal.web.transaction import committing
from portal.wishes import queries, services
from portal.wishes.forms import OnBehalfForm
from portal.wishes.models import CLAIMED, CONFIRMED, FULFILLED, PENDING, PUBLISHED, STATUSES
from portal.wishes.pages import (
    detail_url,
    load_wish,
    photo_name,
    quarter_arg,
    records_csv,
    value_cap,
    with_cap,
)

bp = Blueprint("wishes_staff", __name__)

#: the queue's status filters, pending (the work to do) first; then "all"
QUEUE_FILTERS = (PENDING, PUBLISHED, CLAIMED, FULFILLED, CONFIRMED)


@bp.get("/")
@policy.require_permission("wishes.review")
def queue():
    status = request.args.get("status", PENDING)
    status = status if status in STATUSES or status == "" else PENDING
    pagination = queries.review_queue(current_user, status, page_arg())
    return render_template("wishes/staff/queue.html", pagination=pagination, status=status,
                           filters=QUEUE_FILTERS, places=queries.grid_names(pagination.items))


@bp.post("/<int:wish_id>/review")
@policy.require_permission("wishes.review")
def review(wish_id: int):
    wish = load_wish(wish_id)
    approve = request.form.get("decision") == "approve"
    with committing(once=url_for("wishes_staff.queue")) as done:
        services.review(current_user, wish, approve=approve, note=request.form.get("note", ""))
    if done:
        flash(_("已发布到心愿墙。") if approve else _("已退回，发布人会看到原因。"), "success")
    return redirect(url_for("wishes_staff.queue"))


def _post_for(form: OnBehalfForm):
    poster = db.session.scalar(select(User).where(User.phone == normalise_phone(form.phone.data)))
    if poster is None:
        raise DomainError("no_resident", _("没有找到这个手机号的居民，请先在“居民与账号”里建档。"),
                          404)
    return services.post_wish(current_user, poster, title=form.title.data,
                              description=form.description.data or "", kind=form.kind.data,
                              value_yuan=form.value_yuan.data, deadline=form.deadline.data,
                              consent_name=form.consent_name.data,
                              consent_photo=form.consent_photo.data, photo=photo_name(form))


@bp.route("/new", methods=["GET", "POST"])
@policy.require_permission("wishes.review")
def new():
    form = with_cap(OnBehalfForm())
    if form.validate_on_submit():
        with committing(once=True) as done:
            wish = _post_for(form)
            done.answer = detail_url(wish)
        if done:
            flash(_("已代居民提交心愿，审核后发布。"), "success")
            return redirect(url_for("wishes.detail", wish_id=wish.id))
    return render_template("wishes/form.html", form=form, wish=None, on_behalf=True,
                           cap=value_cap())


@bp.get("/units")
@policy.require_permission("wishes.review")
def units():
    year, quarter = quarter_arg()
    return render_template("wishes/staff/units.html", units=queries.work_units(current_user),
                           year=year, quarter=quarter)


def _unit_records():
    unit = (request.args.get("unit") or "").strip()
    members = queries.unit_members(current_user, unit) if unit else []
    if not members:
        abort(404)
    year, quarter = quarter_arg()
    return unit, year, quarter, queries.service_records(members, year, quarter)


@bp.get("/units/cards")
@policy.require_permission("wishes.review")
def unit_cards():
    unit, year, quarter, records = _unit_records()
    return render_template("wishes/record.html", records=records, year=year, quarter=quarter,
                           printable=True, unit=unit)


@bp.get("/units/cards.csv")
@policy.require_permission("wishes.review")
def unit_csv():
    unit, year, quarter, records = _unit_records()
    return records_csv(records, year, quarter, f"service-unit-{year}Q{quarter}.csv")
