"""入户走访: a grid worker's own page of visits and open matters, and the form to log a visit.
It records work; it never tracks where the worker is or how long they are online."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import policy
from portal.cases import contact_queries as queries
from portal.cases import services
from portal.cases.contact_forms import VisitForm
from portal.clock import local_today
from portal.extensions import db
from portal.shifts.forms import zone_choices
from portal.types import utcnow
from portal.web.params import page_arg
from portal.web.transaction import committing
from portal.zones.models import Zone

bp = Blueprint("cases_visits", __name__)
PERMISSION = "cases.file_for"


@bp.route("/staff/cases/visits", methods=["GET", "POST"])
@policy.require_permission(PERMISSION)
def index():
    form = VisitForm()
    form.zone.choices = zone_choices(current_user, PERMISSION, kinds=("grid", "building"))
    if request.method == "GET":
        form.visited_on.data = local_today(utcnow())
        if any(choice.value == current_user.home_zone_id for choice in form.zone.choices):
            form.zone.data = current_user.home_zone_id
    if form.validate_on_submit():
        with committing() as done:
            visit = services.log_visit(
                current_user, zone=db.session.get(Zone, form.zone.data or 0),
                household=form.household.data or "", visited_on=form.visited_on.data,
                note=form.note.data)
        if done:
            flash(_("走访已记录。"), "success")
            return redirect(url_for("cases_visits.index", _anchor=f"visit-{visit.id}"))
    visits = queries.my_visits(current_user.id, page_arg())
    return render_template("cases/visits/index.html", form=form, visits=visits,
                           raised=queries.matters_raised(
                               visit_ids=[v.id for v in visits.items]),
                           matters=queries.my_open_matters(current_user.id), now=utcnow())
