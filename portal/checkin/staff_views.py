"""Coordinator check-in pages: the rotating code, the poster, the scan desk, the live roster."""

from __future__ import annotations

from datetime import time

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal import policy, qr
from portal.accounts.models import User
from portal.checkin import codes, desk, posters, queries, services
from portal.checkin.models import Attendance
from portal.checkin.outcomes import describe_counts, describe_result
from portal.clock import local, to_utc
from portal.errors import DomainError
from portal.extensions import db
from portal.shifts.models import Shift
from portal.types import utcnow
from portal.web.loading import load_in_scope, load_or_404
from portal.web.navigation import base_url
from portal.web.params import bounded_int
from portal.web.transaction import committing

bp = Blueprint("checkin_staff", __name__)
bp.add_app_template_global(describe_counts, "describe_counts")
PERMISSION = "shifts.manage"


def _shift(shift_id: int) -> Shift:
    """load_in_scope's rule (404, then 403), but through the prebuilt statement every scan uses."""
    shift = queries.shift_with_place(shift_id)
    if shift is None:
        abort(404)
    if not policy.can(current_user, PERMISSION, shift.zone):
        abort(403)
    return shift


def _agent() -> str:
    return request.headers.get("User-Agent", "")[:255]


def _image(body: bytes, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Cache-Control": "private, no-store"})


def _code_url(shift: Shift) -> str:
    return f"{base_url()}/c/{codes.shift_token(shift.id, utcnow())}"


@bp.get("/<int:shift_id>/code")
@policy.require_permission(PERMISSION)
def code(shift_id: int):
    shift = _shift(shift_id)
    return render_template("checkin/staff/code.html", shift=shift, url=_code_url(shift))


@bp.get("/<int:shift_id>/code.<any(svg, png):fmt>")
@policy.require_permission(PERMISSION)
def code_image(shift_id: int, fmt: str):
    url = _code_url(_shift(shift_id))
    return _image(qr.svg(url), "image/svg+xml") if fmt == "svg" else _image(qr.png(url),
                                                                          "image/png")


@bp.get("/<int:shift_id>/poster")
@policy.require_permission(PERMISSION)
def poster(shift_id: int):
    shift = _shift(shift_id)
    return render_template("checkin/staff/poster.html", shift=shift,
                           url=posters.poster_url(shift))


@bp.get("/<int:shift_id>/poster.<any(svg, png):fmt>")
@policy.require_permission(PERMISSION)
def poster_image(shift_id: int, fmt: str):
    url = posters.poster_url(_shift(shift_id))
    if url is None:
        abort(404)
    return _image(qr.svg(url), "image/svg+xml") if fmt == "svg" else _image(qr.png(url),
                                                                          "image/png")


@bp.post("/<int:shift_id>/poster")
@policy.require_permission(PERMISSION)
def issue_poster(shift_id: int):
    shift = _shift(shift_id)
    if request.form.get("action") == "revoke":
        with committing() as done:
            posters.revoke(current_user, shift)
        message = _("海报已作废，扫码会被拒绝。")
    else:
        with committing() as done:
            issued = posters.issue(current_user, shift)
        replaced = done and issued.replaced  # only then was a printed poster made void
        message = _("已生成新海报。之前打印的海报已作废。") if replaced else \
            _("已生成海报，可以打印了。")
    if done:
        flash(message, "success")
    return redirect(url_for("checkin_staff.poster", shift_id=shift.id))


def _mode() -> str:
    return "out" if (request.values.get("mode") == "out") else "in"


def _respond(shift: Shift, result: services.ScanResult | None, error: str | None = None,
             commit: bool = False):
    """The result as JSON (camera, USB scanner) or as the page (no JavaScript), each with the
    tally counted in the scan's own transaction, so it includes this scan. Worded before the
    commit, which would otherwise expire the rows and cost two more queries."""
    described = describe_result(result) if result else None
    counts = queries.counts(shift)
    if commit:
        db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        body = dict(outcome="error", ok=False, title=error, detail="") if error else described
        return jsonify({**body, "counts": describe_counts(counts)})
    return render_template("checkin/staff/scan.html", shift=shift, mode=_mode(),
                           result=described, error=error, counts=counts)


@bp.get("/<int:shift_id>/scan")
@policy.require_permission(PERMISSION)
def scan_page(shift_id: int):
    return _respond(_shift(shift_id), None)


@bp.post("/<int:shift_id>/scan")
@policy.require_permission(PERMISSION)
def scan(shift_id: int):
    shift = _shift(shift_id)
    raw = (request.form.get("code") or "").strip()
    result = services.coordinator_scan(current_user, shift, raw, mode=_mode(),
                                       user_agent=_agent())
    return _respond(shift, result, commit=True)


@bp.post("/<int:shift_id>/manual")
@policy.require_permission(PERMISSION)
def manual(shift_id: int):
    shift = _shift(shift_id)
    try:
        result = desk.manual(current_user, shift, request.form.get("phone", ""),
                             request.form.get("reason", ""), mode=_mode(),
                             user_agent=_agent())
    except DomainError as error:
        db.session.rollback()
        return _respond(shift, None, error=str(error.message))
    return _respond(shift, result, commit=True)


@bp.post("/<int:shift_id>/walk-in")
@policy.require_permission(PERMISSION)
def walk_in(shift_id: int):
    shift = _shift(shift_id)
    user = load_or_404(User, request.form.get("user_id", type=bounded_int) or 0)
    try:
        result = desk.walk_in(current_user, shift, user, user_agent=_agent())
    except DomainError as error:
        db.session.rollback()
        return _respond(shift, None, error=str(error.message))
    return _respond(shift, result, commit=True)


@bp.get("/<int:shift_id>/live")
@policy.require_permission(PERMISSION)
def live(shift_id: int):
    shift = _shift(shift_id)
    template = "checkin/staff/_live.html" if request.args.get("partial") else \
        "checkin/staff/live.html"
    return render_template(template, shift=shift, board=queries.board(shift, utcnow()),
                           failures=queries.recent_failures(shift))


def _attendance(attendance_id: int) -> Attendance:
    return load_in_scope(Attendance, attendance_id, PERMISSION,
                         zone_of=lambda record: record.shift.zone)


def _local_time(shift: Shift, field: str):
    """A 'HH:MM' form field on the shift's local day, as UTC; None when blank or bad."""
    value = (request.form.get(field) or "").strip()
    if not value:
        return None
    try:
        at = time.fromisoformat(value)
    except ValueError:
        raise DomainError("bad_times", _("时间格式不对，请填写如 07:30。"), 400) from None
    return to_utc(local(shift.start_dt).date(), at)


def _correct(record: Attendance):
    checkin = _local_time(record.shift, "checkin")
    if checkin is None:
        raise DomainError("bad_times", _("请填写签到时间。"), 400)
    return desk.correct_times(current_user, record, checkin_dt=checkin,
                              checkout_dt=_local_time(record.shift, "checkout"),
                              reason=request.form.get("reason", ""))


@bp.post("/attendances/<int:attendance_id>/<any(times, confirm, reverse):action>")
@policy.require_permission(PERMISSION)
def correct(attendance_id: int, action: str):
    record = _attendance(attendance_id)
    back = url_for("checkin_staff.live", shift_id=record.shift_id)
    with committing(once=back) as done:
        if action == "times":
            _correct(record)
        elif action == "confirm":
            desk.confirm(current_user, record)
        else:
            desk.reverse(current_user, record, request.form.get("reason", ""))
    if done:
        flash(_("已保存，记录里可以看到这次更正。"), "success")
    return redirect(back)
