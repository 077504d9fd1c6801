"""社区工作日: residents see the published receptions of their community and book a place;
staff publish receptions, see who booked, and log each reception (a matter raised there is
one tap away)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from portal import policy
from portal.cases import contact_queries as queries
from portal.cases import services, staff_queries
from portal.cases.contact_forms import BookForm, NoteForm, ReasonForm, SlotForm
from portal.cases.contact_models import ReceptionBooking, ReceptionSlot
from portal.clock import local_today, to_utc
from portal.types import utcnow
from portal.web.loading import load_or_404
from portal.web.transaction import committing
from portal.zones.services import community_of

bp = Blueprint("cases_reception", __name__)
PERMISSION = "cases.view"


@bp.get("/cases/reception")
@login_required
def index():
    now = utcnow()
    community = community_of(current_user.home_zone) if current_user.home_zone else None
    slots = queries.upcoming_slots(community.id, now) if community else []
    return render_template("cases/reception/index.html", community=community, slots=slots,
                           taken=queries.taken_counts([s.id for s in slots]),
                           mine=queries.my_bookings(current_user.id, now), form=BookForm())


@bp.post("/cases/reception/<int:slot_id>/book")
@login_required
def book(slot_id: int):
    slot = load_or_404(ReceptionSlot, slot_id)
    form = BookForm()
    if form.validate_on_submit():
        with committing() as done:
            services.book(current_user, slot, form.topic.data or "")
        if done:
            flash(_("预约成功。请按时前往，到时直接找接待人员。"), "success")
    else:
        flash(_("想反映的事最多 200 字。"), "error")
    return redirect(url_for("cases_reception.index"))


@bp.post("/cases/reception/bookings/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id: int):
    booking = load_or_404(ReceptionBooking, booking_id)
    with committing() as done:
        services.cancel_booking(current_user, booking)
    if done:
        flash(_("已取消预约。"), "success")
    return redirect(url_for("cases_reception.index"))


@bp.route("/staff/cases/reception", methods=["GET", "POST"])
@policy.require_permission(PERMISSION)
def staff_index():
    form = SlotForm()
    # the communities this person may publish receptions for: the same scope rule as the
    # cases settings pages (staff_queries.communities), not a second reading of the grants
    communities = staff_queries.communities(current_user, "cases.categories")
    may_publish = bool(communities)
    if request.method == "GET":
        form.day.data = local_today(utcnow())
    if request.method == "POST":
        if not may_publish:
            abort(403)
        if form.validate_on_submit():
            home = community_of(current_user.home_zone) if current_user.home_zone else None
            community = home if home in communities else communities[0]
            with committing() as done:
                services.save_slot(
                    current_user, None, community=community,
                    start_dt=to_utc(form.day.data, form.start.data),
                    end_dt=to_utc(form.day.data, form.end.data), place=form.place.data,
                    hosts=form.hosts.data, capacity=form.capacity.data or 10)
            if done:
                flash(_("接待时间已发布，居民可以在“社区工作日”预约。"), "success")
                return redirect(url_for("cases_reception.staff_index"))
    slots = queries.slots_in_scope(current_user, utcnow())
    return render_template("cases/reception/staff_index.html", slots=slots, form=form,
                           taken=queries.taken_counts([s.id for s in slots]),
                           may_publish=may_publish, now=utcnow())


def _slot(slot_id: int) -> ReceptionSlot:
    """A reception any staff member working in its community may open."""
    slot = load_or_404(ReceptionSlot, slot_id, options=[joinedload(ReceptionSlot.community)])
    if not policy.works_in_community(current_user, PERMISSION, slot.community):
        abort(403)
    return slot


@bp.get("/staff/cases/reception/<int:slot_id>")
@policy.require_permission(PERMISSION)
def slot(slot_id: int):
    row = _slot(slot_id)
    bookings = queries.slot_bookings(row.id)
    return render_template("cases/reception/slot.html", slot=row, bookings=bookings,
                           raised=queries.matters_raised(booking_ids=[b.id for b in bookings]),
                           note_form=NoteForm(), reason_form=ReasonForm())


@bp.post("/staff/cases/reception/<int:slot_id>/cancel")
@policy.require_permission("cases.categories")
def cancel_slot(slot_id: int):
    row = _slot(slot_id)
    form = ReasonForm()
    if form.validate_on_submit():
        with committing() as done:
            told = services.cancel_slot(current_user, row, form.reason.data)
        if done:
            flash(_("接待已取消，已通知 %(n)d 位预约的居民。", n=told), "success")
    else:
        flash(_("取消接待时请写明原因，预约的居民会看到。"), "error")
    return redirect(url_for("cases_reception.slot", slot_id=row.id))


@bp.post("/staff/cases/reception/bookings/<int:booking_id>/receive")
@policy.require_permission(PERMISSION)
def receive(booking_id: int):
    booking = load_or_404(ReceptionBooking, booking_id)
    _slot(booking.slot_id)
    form = NoteForm()
    if form.validate_on_submit():
        with committing() as done:
            services.receive(current_user, booking, form.note.data)
        if done:
            flash(_("接待情况已登记。需要办理的事，请点“登记事项”。"), "success")
    else:
        flash(_("请写下接待的情况（2 到 500 字）。"), "error")
    return redirect(url_for("cases_reception.slot", slot_id=booking.slot_id))
