"""/staff/dashboards/: the scopes a staff member may see, and each scope's dashboard."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from portal import policy
from portal.clock import local_today
from portal.dashboards import board, scopes
from portal.dashboards.forms import PeriodForm
from portal.dashboards.period import choose, month_of
from portal.errors import DomainError
from portal.types import utcnow
from portal.web.loading import load_in_scope
from portal.zones.models import Zone

bp = Blueprint("dashboards", __name__)

#: who may open a zone's dashboard: staff of that zone (coordinators, clerks, admins)
PERMISSION = "staff.dashboard"


@bp.get("/")
@policy.require_permission(PERMISSION)
def index():
    return render_template("dashboards/index.html",
                           zones=scopes.visible(current_user, PERMISSION))


@bp.get("/<int:zone_id>")
@policy.require_permission(PERMISSION)
def zone(zone_id: int):
    place = load_in_scope(Zone, zone_id, PERMISSION, zone_of=lambda z: z)
    if place.kind not in scopes.KINDS:
        abort(404)
    now = utcnow()
    today = local_today(now)
    form = PeriodForm(request.args)
    problem = None
    try:
        if not form.validate():
            raise DomainError("period_invalid", next(iter(form.errors.values()))[0])
        period = choose(form.period.data or "this", today, form.first.data, form.last.data)
    except DomainError as error:
        problem, period = error.message, month_of(today)
    return render_template("dashboards/zone.html", zone=place, form=form, period=period,
                           problem=problem, **board.build(place, period, now))
