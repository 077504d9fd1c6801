"""四单办结 for staff: the dispatch desk, a matter's staff page with the community's steps
(派单, 开放认领, 改派, 不予受理, 回访, 联席会议决定, 电话评价), filing for a resident,
the 街道's overdue board (categories and units are settings_views.py). What a page offers comes from
cases/access.py; the rules are the services'."""

from __future__ import annotations

from operator import attrgetter

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import policy
from portal.accounts.models import User
from portal.cases import access, services
from portal.cases import staff_pages as pages
from portal.cases import staff_queries as queries
from portal.cases.models import JOINT, Case, CaseUnit
from portal.cases.services.steps import link
from portal.cases.staff_forms import (
    DeclineForm,
    DispatchForm,
    FileForForm,
    JointDecisionForm,
    PhoneRatingForm,
    RevisitForm,
    TransferForm,
)
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import PageForm, int_or_zero
from portal.types import utcnow
from portal.uploads import photo_path
from portal.web.params import page_arg
from portal.web.transaction import committing
from portal.zones.services import zone_labels

bp = Blueprint("cases_staff", __name__)

#: the community's steps on a matter, in the order its page shows them, and their forms
STEPS = {"dispatch": DispatchForm, "pool": PageForm, "transfer": TransferForm,
         "joint_decision": JointDecisionForm, "rate_by_phone": PhoneRatingForm,
         "revisit": RevisitForm, "decline": DeclineForm}
COMMUNITY = attrgetter("community")


# ------------------------------------------------------------------ the desk


@bp.get("/")
@policy.require_permission("cases.view")
def desk():
    tab = request.args.get("tab", queries.DEFAULT_TAB)
    tab = tab if tab in queries.TABS else queries.DEFAULT_TAB
    pagination = queries.desk(current_user, tab, page_arg())
    return render_template("cases/staff/desk.html", pagination=pagination, tab=tab,
                           counts=queries.tab_counts(current_user),
                           grids=queries.grid_names(pagination.items), now=utcnow(),
                           days_since=queries.days_since, is_late=queries.is_late)


@bp.get("/overdue")
@policy.require_permission("cases.view")
def overdue():
    pagination = queries.overdue_board(current_user, page_arg())
    return render_template("cases/staff/overdue.html", pagination=pagination,
                           groups=queries.by_community(pagination.items),
                           totals=queries.board_counts(current_user),
                           grids=queries.grid_names(pagination.items), now=utcnow(),
                           days_since=queries.days_since)


# ------------------------------------------------------------------ one matter


def _case(case_id: int) -> Case:
    """The matter, if the viewer is staff over its zone: 404, then 403."""
    case = queries.load_case(case_id)
    if case is None:
        abort(404)
    if not policy.can(current_user, "cases.view", case.zone):
        abort(403)
    return case


def offered(case: Case) -> list[str]:
    """The community's steps this viewer may take on the matter now (access.allowed_actions);
    a joint meeting's decision only on a 商办 matter."""
    actions = access.allowed_actions(current_user, case)
    if case.track != JOINT:
        actions.discard("joint_decision")
    return [step for step in STEPS if step in actions]


def _page(case: Case, forms: dict | None = None):
    """The matter's staff page, with a form for each step it offers (`forms` keeps a refused
    one as it was sent, with its errors)."""
    forms, steps = dict(forms or {}), offered(case)
    for step in steps:
        forms.setdefault(step, STEPS[step]())
    if "dispatch" in forms:
        pages.dispatch_choices(case, forms["dispatch"])
    if "transfer" in forms:
        pages.transfer_choices(case, forms["transfer"])
    other_steps = access.allowed_actions(current_user, case) - set(STEPS)
    return render_template(
        "cases/staff/detail.html", case=case, steps=steps, forms=forms,
        events=queries.events(case), similar=queries.similar(case),
        contact=access.sees_contact(current_user, case), labels=zone_labels(),
        late=queries.is_late(case, utcnow()), handler_page=link(case) if other_steps else None)


@bp.get("/<int:case_id>")
@policy.require_permission("cases.view")
def detail(case_id: int):
    return _page(_case(case_id))


def _step(case_id: int, step: str, run, message: str):
    """A step's post: its form, the service in one once-only transaction, then the page.
    Only dispatchers over the matter's zone get this far; the service checks the step."""
    case = _case(case_id)
    if not policy.can(current_user, "cases.dispatch", case.zone):
        abort(403)
    form = STEPS[step]()
    if step == "dispatch":
        form.to.choices = []  # any value: the service checks who it is
    if form.validate_on_submit():
        back = url_for(".detail", case_id=case.id)
        with committing(once=back) as done:
            run(case, form)
        if done:
            flash(message, "success")
            return redirect(back)
    return _page(case, {step: form})


def _target(value: str) -> tuple[User | None, CaseUnit | None]:
    kind, _sep, number = (value or "").partition("-")
    ident = int_or_zero(number)
    if kind == "unit" and ident:
        unit = db.session.get(CaseUnit, ident)
        if unit is None:
            raise DomainError("bad_unit", _("请选择本社区的辖区单位。"), 400)
        return None, unit
    return (db.session.get(User, ident) if kind == "user" and ident else None), None


def _dispatch(case: Case, form: DispatchForm) -> None:
    person, unit = _target(form.to.data)
    services.dispatch(current_user, case, person, unit=unit, note=form.note.data or "")


@bp.post("/<int:case_id>/dispatch")
@policy.require_permission("cases.dispatch")
def dispatch(case_id: int):
    return _step(case_id, "dispatch", _dispatch, _("已派单，办理人会收到通知。"))


@bp.post("/<int:case_id>/pool")
@policy.require_permission("cases.dispatch")
def pool(case_id: int):
    return _step(case_id, "pool", lambda case, form: services.send_to_pool(current_user, case),
                 _("已开放认领：在职党员和网格员可以认领这件事项。"))


@bp.post("/<int:case_id>/transfer")
@policy.require_permission("cases.dispatch")
def transfer(case_id: int):
    def run(case, form):
        person = db.session.get(User, form.handler.data) if form.handler.data else None
        services.transfer(current_user, case, person, form.reason.data or "")

    return _step(case_id, "transfer", run, _("已改派，新的办理人会收到通知。"))


@bp.post("/<int:case_id>/decline")
@policy.require_permission("cases.dispatch")
def decline(case_id: int):
    return _step(case_id, "decline",
                 lambda case, form: services.decline(current_user, case, form.reason.data or ""),
                 _("已不予受理，居民会收到原因和去处。"))


@bp.post("/<int:case_id>/revisit")
@policy.require_permission("cases.dispatch")
def revisit(case_id: int):
    return _step(case_id, "revisit",
                 lambda case, form: services.revisit(current_user, case, form.note.data or ""),
                 _("回访已记录，事项回到待派单。"))


@bp.post("/<int:case_id>/joint-decision")
@policy.require_permission("cases.dispatch")
def joint_decision(case_id: int):
    return _step(case_id, "joint_decision",
                 lambda case, form: services.joint_decision(current_user, case,
                                                            form.note.data or ""),
                 _("联席会议的决定已记录，居民会收到通知。"))


@bp.post("/<int:case_id>/phone-rating")
@policy.require_permission("cases.dispatch")
def rate_by_phone(case_id: int):
    def run(case, form):
        services.rate(current_user, case, rating=form.rating.data,
                      resolution=form.resolution.data, comment=form.comment.data or "",
                      by_phone=True)

    return _step(case_id, "rate_by_phone", run, _("居民的电话评价已录入。"))


@bp.get("/<int:case_id>/photos/<name>")
@policy.require_permission("cases.view")
def photo(case_id: int, name: str):
    case = _case(case_id)
    filed = set(case.photos or ())
    for event in queries.events(case):
        filed.update(event.photos or ())
    path = photo_path("cases", name) if name.removeprefix("t_") in filed else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=600)
    response.cache_control.public = False  # a resident's photo: never in a shared cache
    response.cache_control.private = True
    return response


# ------------------------------------------------------------------ filing for a resident


@bp.route("/new", methods=["GET", "POST"])
@policy.require_permission("cases.file_for")
def new():
    form = FileForForm()
    pages.file_choices(form)
    if request.method == "GET":
        pages.prefill_from_contact(form, request.args)
    if form.validate_on_submit():
        with committing(once=True) as done:
            case = pages.file_for(form)
            visible = policy.can(current_user, "cases.view", case.zone)
            done.answer = url_for(".detail", case_id=case.id) if visible else url_for(".desk")
        if done:
            flash(_("已代居民登记，事项编号 %(number)s。", number=case.number), "success")
            return redirect(done.answer)
    return render_template("cases/staff/new.html", form=form)
