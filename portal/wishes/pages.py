"""What the wish pages (views.py for residents, staff_views.py for staff) share: loading a wish
and the viewer's role on it, a form's photo, the value cap's hint, the quarter asked for, and
the service-record CSV."""

from __future__ import annotations

import io

from flask import Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.clock import local_today
from portal.points.amounts import format_hours
from portal.types import utcnow
from portal.uploads import save_photo
from portal.web.csv_export import SafeCSVWriter
from portal.web.loading import load_or_404
from portal.wishes import access, queries
from portal.wishes.models import Wish


def load_wish(wish_id: int) -> Wish:
    """The wish, or 404; who may see or act on it is role_or_403's and the services' rule."""
    return load_or_404(Wish, wish_id)


def role_or_403(wish: Wish) -> str:
    """The viewer's role on the wish (access.role), or the 403 page when it is not theirs to
    see."""
    role = access.role(current_user, wish)
    if role is None:
        abort(403)
    return role


def detail_url(wish: Wish) -> str:
    return url_for("wishes.detail", wish_id=wish.id)


def photo_name(form) -> str | None:
    """Save the form's photo (pending until the request commits), or None without one."""
    return save_photo(form.photo.data, "wishes", thumb=320) if form.photo.data else None


def value_cap() -> int:
    return current_app.config["WISH_VALUE_CAP"]


def with_cap(form):
    """The value field's hint names the configured cap."""
    form.value_yuan.description = _("不超过 %(cap)d 元，服务类可填 0。", cap=value_cap())
    return form


def quarter_arg() -> tuple[int, int]:
    """The ?quarter= asked for ('2026Q4'), or the current quarter."""
    return queries.parse_quarter(request.args.get("quarter"), local_today(utcnow()))


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
