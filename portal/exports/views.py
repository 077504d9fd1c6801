"""Excel exports for staff: the page listing the kinds the viewer may take, with scope and
period, and the .xlsx download (written to a temporary file, streamed, then deleted)."""

from __future__ import annotations

import os

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal import policy
from portal.clock import local_today
from portal.exports import kinds, period, services
from portal.exports.workbook import MIMETYPE, remove_quietly, stream_and_delete
from portal.types import utcnow
from portal.web.loading import load_or_404
from portal.web.params import bounded_int
from portal.web.transaction import committing
from portal.zones.models import Zone

bp = Blueprint("exports", __name__)
#: what the page's form sends, kept when a bad period sends the person back to it
FIELDS = ("zone", "period", "start", "end")


def _zone() -> Zone | None:
    """?zone=<id>: a zone of the export's scope; none (or 0) means all of the viewer's."""
    zone_id = request.args.get("zone", 0, type=bounded_int)
    return load_or_404(Zone, zone_id) if zone_id > 0 else None


def _period() -> period.Period:
    return period.parse(request.args.get("period"), request.args.get("start"),
                        request.args.get("end"), local_today(utcnow()))


@bp.get("/")
@policy.require_permission("staff.dashboard")
def index():
    today = local_today(utcnow())
    return render_template(
        "exports/index.html", kinds=kinds.allowed(current_user),
        scopes=services.scopes(current_user), args=request.args,
        this_month=period.month_of(today), today=today, max_days=period.MAX_DAYS,
        ledger=policy.can(current_user, "cases.view"))


@bp.get("/<kind>.xlsx")
@policy.require_permission("staff.dashboard")
def download(kind: str):
    found = kinds.KINDS.get(kind)
    if found is None:
        abort(404)
    back = url_for(".index", **{k: v for k, v in request.args.items() if k in FIELDS})
    made = None
    try:
        with committing() as done:
            zone = _zone()
            made = services.export(current_user, found, zone, _period())
    except BaseException:
        if made is not None:
            remove_quietly(made.path)
        raise
    if not done:  # a bad period: flashed in Chinese, nothing exported
        return redirect(back)
    return Response(stream_and_delete(made.path), mimetype=MIMETYPE, headers={
        "Content-Disposition": f"attachment; filename={made.filename}",
        "Content-Length": str(os.path.getsize(made.path)),
        "Cache-Control": "private, no-store", "X-Export-Rows": str(made.rows)})

