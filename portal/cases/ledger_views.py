"""The 台账: the staff ledger (建账、销账) with its monthly print and XLSX, and the public 晒账
page anyone can open."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import policy
from portal.cases.ledger import base, figures, public, rows, xlsx
from portal.cases.services.steps import link
from portal.clock import local_today
from portal.errors import DomainError
from portal.types import utcnow
from portal.web.params import page_arg
from portal.zones.services import community_of

bp = Blueprint("cases_ledger", __name__)

#: the printed form shortens 办理结果 to keep a row to a few lines on A4
PRINT_OUTCOME_CHARS = 100


def _month(*, strict: bool = False) -> date:
    """?month=2026-11, default this month (local time). A malformed or future month shows
    this month with a note; `strict` (a download) refuses it instead."""
    month, problem = base.parse_month(request.args.get("month"), local_today(utcnow()))
    if problem is None:
        return month
    message = (_l("还没有到这个月份，已显示本月。") if problem == "future"
               else _l("月份请按“2026-11”这样的格式填写，已显示本月。"))
    if strict:
        raise DomainError("bad_month", _l("月份请按“2026-11”这样的格式填写，且不晚于本月。"),
                          400)
    flash(message, "error")
    return month


def _nav(month: date) -> dict:
    this_month = local_today(utcnow()).replace(day=1)
    later = base.next_month(month)
    return {"month": month, "this_month": this_month, "prev_month": base.previous_month(month)
            if month > base.EARLIEST_MONTH else None,
            "next_month": later if later <= this_month else None}


@bp.get("/staff/cases/ledger")
@policy.require_permission("cases.view")
def staff_ledger():
    month, now = _month(), utcnow()
    scope = base.staff_scope(current_user)
    overdue, overdue_total = rows.overdue_list(scope, now)
    return render_template("cases/ledger/staff.html", **_nav(month),
                           communities=figures.month_figures(scope, month, now),
                           counting=figures.COUNTING, overdue=overdue,
                           overdue_total=overdue_total, case_link=link)


@bp.get("/staff/cases/ledger/print")
@policy.require_permission("cases.view")
def print_ledger():
    month, now = _month(), utcnow()
    sheets = rows.month_ledger(base.staff_scope(current_user), month, now,
                               outcome_chars=PRINT_OUTCOME_CHARS)
    return render_template("cases/ledger/print.html", **_nav(month), sheets=sheets,
                           printed_dt=now)


@bp.get("/staff/cases/ledger.xlsx")
@policy.require_permission("cases.view")
def ledger_xlsx():
    month = _month(strict=True)
    sheets = rows.month_ledger(base.staff_scope(current_user), month, utcnow())
    return Response(xlsx.ledger_workbook(sheets, month), mimetype=xlsx.MIMETYPE, headers={
        "Content-Disposition": f"attachment; filename=cases-ledger-{month:%Y-%m}.xlsx",
        "Cache-Control": "private, no-store"})


@bp.get("/cases/public")
def public_index():
    """The street's communities, each with a link to its 晒账 page; the visitor's own first."""
    month = local_today(utcnow()).replace(day=1)
    home = None
    if current_user.is_authenticated and current_user.home_zone is not None:
        home = community_of(current_user.home_zone)
    return render_template("cases/ledger/public_index.html", month=month, home=home,
                           communities=public.public_communities(month))


@bp.get("/cases/public/<code>")
def public_ledger(code: str):
    community = public.community_by_code(code)
    if community is None:
        raise DomainError("no_community",
                          _l("没有找到这个社区的晒账公示，请从社区列表进入。"), 404)
    month, now = local_today(utcnow()).replace(day=1), utcnow()
    return render_template("cases/ledger/public.html", community=community, month=month,
                           pagination=public.public_page(community, month, page_arg()),
                           tally=figures.community_figures(community, month, now),
                           counting=figures.COUNTING, code=community.code)


def month_label(month: date) -> str:
    return _("%(year)d年%(month)d月", year=month.year, month=month.month)


@bp.app_template_filter("ledger_month")
def _month_label_filter(month: date) -> str:
    return month_label(month)


@bp.app_template_filter("ledger_percent")
def _percent(rate: float | None) -> str:
    """A share as a whole percentage; '—' when there is nothing to count, never 100%."""
    return "—" if rate is None else f"{round(rate * 100)}%"
