"""Self check-in from a scanned code (/c/<token>, a permanent path printed on posters), the
resident's member code, and an attendance record."""

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal import policy, qr
from portal.checkin import codes, fence, queries, services
from portal.checkin.models import Attendance
from portal.checkin.outcomes import describe_result, outcome_title
from portal.extensions import db
from portal.members import codes as members
from portal.members.cards import active_card
from portal.shifts.models import Shift
from portal.types import utcnow
from portal.web.loading import load_or_404

bp = Blueprint("checkin", __name__)
bp.add_app_template_global(describe_result, "describe_result")
bp.add_app_template_global(outcome_title, "describe_outcome")


def _agent() -> str:
    return request.headers.get("User-Agent", "")[:255]


def result_page(result: services.ScanResult, status: int = 200):
    """Render before committing: the commit would expire the rows the page reads."""
    page = render_template("checkin/result.html", result=result)
    db.session.commit()
    return page, status


@bp.get("/c/<path:token>")
def scanned(token: str):
    """Where a phone's camera lands. The code is checked now (it rotates), then a 15-minute
    pass carries the volunteer through logging in, if need be, to the check-in."""
    result = services.open_link(
        token, opener_id=current_user.id if current_user.is_authenticated else None,
        user_agent=_agent())
    if not result.ok:
        return result_page(result)
    target = url_for("checkin.confirm", value=codes.make_pass(result.code))
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=target))
    return redirect(target)


def _pass_or_404(value: str) -> tuple[codes.ShiftCode, Shift]:
    """The pass's code and shift: 404 for a forged or stale pass, not only a missing shift."""
    code = codes.read_pass(value)
    shift = queries.shift_with_place(code.shift_id) if code else None
    if shift is None:
        abort(404)
    return code, shift


@bp.get("/checkin/<value>")
@login_required
def confirm(value: str):
    code, shift = _pass_or_404(value)
    signup_row = services.confirmed_signup(current_user.id, shift.id)
    attendance = services.attendance_of(signup_row.id) if signup_row else None
    return render_template("checkin/confirm.html", shift=shift, attendance=attendance,
                           fence=fence.fence_of(shift), signed_up=signup_row is not None,
                           now=utcnow())


def _location():
    try:
        lat, lng = float(request.form["lat"]), float(request.form["lng"])
    except (KeyError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


@bp.post("/checkin/<value>")
@login_required
def submit(value: str):
    code, _shift = _pass_or_404(value)
    action = "out" if request.form.get("action") == "out" else "in"
    return result_page(services.self_scan(current_user, code, action=action,
                                          location=_location(), user_agent=_agent()))


@bp.get("/me/code")
@login_required
def member_code():
    members.member_key(current_user)
    db.session.commit()
    return render_template("checkin/member_code.html", card=active_card(current_user.id))


@bp.get("/me/code.svg")
@login_required
def member_code_svg():
    token = members.member_code(current_user)
    db.session.commit()
    return Response(qr.svg(token), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})


@bp.get("/checkin/attendances/<int:attendance_id>")
@login_required
def attendance(attendance_id: int):
    record = load_or_404(Attendance, attendance_id)
    if not (policy.is_own(current_user, record.user_id)
            or policy.can(current_user, "shifts.manage", record.shift.zone)):
        abort(403)
    return render_template("checkin/attendance.html", attendance=record)
