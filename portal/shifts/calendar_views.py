"""Calendar downloads: per-shift .ics, the private feed, and its management page."""

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.extensions import db, limiter
from portal.shifts import calendar
from portal.shifts.models import ACTIVE_STATUSES, Shift, SignUp
from portal.web.loading import load_or_404
from portal.web.navigation import base_url
from portal.web.transaction import committing

bp = Blueprint("shifts_calendar", __name__)


def _ics(body: bytes, filename: str, cache: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": cache,
        "Content-Type": "text/calendar; charset=utf-8"})


@bp.get("/shifts/<int:shift_id>.ics")
def shift_ics(shift_id: int):
    shift = load_or_404(Shift, shift_id)
    signup = None
    if current_user.is_authenticated:  # their post and 责任区, unless they left the shift
        signup = db.session.scalar(select(SignUp).where(
            SignUp.shift_id == shift.id, SignUp.user_id == current_user.id,
            SignUp.status.in_(ACTIVE_STATUSES)))
    return _ics(calendar.shift_ics(shift, signup), f"shift-{shift.id}.ics", "private, no-store")


@bp.get("/cal/<token>.ics")
@limiter.limit("60 per minute")
def feed(token: str):
    user_id = calendar.user_id_for_token(token)
    if user_id is None:
        return Response(_("日历链接无效或已重新生成。请登录后在“订阅日历”页面获取新链接。"),
                        status=404, mimetype="text/plain")
    return _ics(calendar.feed_ics(user_id), "portal-shifts.ics", "private, max-age=300")


@bp.get("/me/calendar")
@login_required
def my_calendar():
    feed = calendar.feed_for(current_user)
    db.session.commit()
    url = base_url() + url_for("shifts_calendar.feed", token=feed.token)
    # webcal:// makes iPhone Safari offer to subscribe in one tap
    webcal_url = "webcal://" + url.split("://", 1)[-1]
    return render_template("shifts/calendar.html", url=url, webcal_url=webcal_url)


@bp.post("/me/calendar/revoke")
@login_required
def revoke():
    with committing() as done:
        calendar.revoke_feed(current_user)
    if done:
        flash(_("已生成新的日历链接，旧链接已失效。请在日历里重新订阅。"), "success")
    return redirect(url_for("shifts_calendar.my_calendar"))
