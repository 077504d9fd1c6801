"""四单办结 for residents and handlers: file a matter, follow it, rate it; a handler's tasks.

Filing is two pages, so that it works without JavaScript: what kind of matter and where (a
GET form), then open matters like it nearby ("me too") above the rest of the form. A matter's
page offers one form per step access.allowed_actions gives the viewer, each posting to its
own route; the staff's steps are on /staff/cases."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts.models import User
from portal.cases import access, lists, services
from portal.cases.forms import (
    CaseForm,
    ExtendForm,
    HandBackForm,
    PlaceForm,
    ProgressForm,
    RateForm,
    ResolveForm,
    TransferForm,
    WithdrawForm,
    chosen_files,
)
from portal.cases.models import Case
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.forms import int_or_zero, options
from portal.types import utcnow
from portal.uploads import photo_path, save_photo
from portal.web.loading import load_or_404
from portal.web.params import page_arg
from portal.web.transaction import committing

bp = Blueprint("cases", __name__)

#: the steps whose form the matter's page draws: action -> (form, field prefix). The prefix
#: keeps field ids apart when several forms share one page.
FORMS = {"withdraw": (WithdrawForm, "withdraw"), "hand_back": (HandBackForm, "back"),
         "transfer": (TransferForm, "transfer"), "progress": (ProgressForm, "progress"),
         "extend": (ExtendForm, "extend"), "resolve": (ResolveForm, "resolve"),
         "rate": (RateForm, "rate")}


def detail_url(case: Case) -> str:
    return url_for("cases.detail", case_id=case.id)


# ------------------------------------------------------------------ filing (提单)


def _pick(categories, places, category_id, zone_id):
    """The chosen category and place, if they are among those offered."""
    category = next((c for c in categories if c.id == int_or_zero(category_id)), None)
    zone = next((z for z, _label in places if z.id == int_or_zero(zone_id)), None)
    return category, zone


def _step_two(form, category, zone, places):
    similar = services.similar_open(category, zone)
    return render_template(
        "cases/new.html", step=2, form=form, category=category, zone=zone,
        place_label=dict((z.id, label) for z, label in places)[zone.id], similar=similar,
        joined=lists.followed_ids(current_user, [c.id for c in similar]))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    community = lists.home_community(current_user)
    categories, places = lists.categories_of(community), lists.places_of(community)
    if request.method == "POST":
        form = CaseForm()
        category, zone = _pick(categories, places, form.category.data, form.zone.data)
        if category is None or zone is None:
            flash(_("请先选择事项类别和所在的网格或楼栋。"), "error")
            return redirect(url_for("cases.new"))
        if form.validate_on_submit():
            with committing(once=True) as done:
                photos = [save_photo(f, "cases", thumb=320) for f in chosen_files(form.photos)]
                case = services.file_case(
                    current_user, current_user, category=category, zone=zone,
                    title=form.title.data, details=form.details.data or "",
                    place=form.place.data or "", public=form.public.data, photos=photos,
                    point=(form.lat.data or None, form.lng.data or None))
                done.answer = detail_url(case)
            if done:
                flash(_("事项已提交，编号 %(number)s。社区会尽快安排办理，进展会发到“消息”里。",
                        number=case.number), "success")
                return redirect(done.answer)
        return _step_two(form, category, zone, places)

    pick = PlaceForm(formdata=request.args or None)
    pick.category.choices = options((c.id, c.name) for c in categories)
    pick.zone.choices = options((z.id, label) for z, label in places)
    if not pick.zone.data:
        pick.zone.data = current_user.home_zone_id
    if request.args.get("step") == "2":
        category, zone = _pick(categories, places, pick.category.data, pick.zone.data)
        if category is not None and zone is not None:
            form = CaseForm(formdata=None, data={"category": category.id, "zone": zone.id})
            return _step_two(form, category, zone, places)
        if category is None:
            pick.category.errors = [_("请选择事项的类别。")]
        if zone is None:
            pick.zone.errors = [_("请选择事项所在的网格或楼栋（本社区内）。")]
    return render_template("cases/new.html", step=1, pick=pick, community=community,
                           categories=categories)


# ------------------------------------------------------------------ lists


@bp.get("/mine")
@login_required
def mine():
    return render_template("cases/mine.html", pagination=lists.my_cases(current_user, page_arg()),
                           now=utcnow())


@bp.get("/tasks")
@login_required
def tasks():
    return render_template("cases/tasks.html", tasks=lists.my_tasks(current_user),
                           pool=lists.pool_for(current_user), now=utcnow())


# ------------------------------------------------------------------ one matter


def _viewable(case_id: int) -> Case:
    case = load_or_404(Case, case_id)
    if not access.may_view(current_user, case):
        abort(403)
    return case


def _handler_choices(form: TransferForm, case: Case) -> None:
    """Who the matter may go to (access.handler_query), told apart by their phone's last digits."""
    people = db.session.scalars(access.handler_query(case)).all()
    form.handler.choices = options([(0, _("请选择")), *(
        (p.id, _("%(name)s（尾号 %(tail)s）", name=p.name, tail=p.phone[-4:]))
        for p in people if p.id != case.handler_id)])


def _render_detail(case_id: int, bound: tuple[str, object] | None = None):
    """The matter's page; after a refused step, with that step's form as it was sent."""
    case = lists.with_timeline(case_id)
    actions = access.allowed_actions(current_user, case)
    forms = {}
    for action in actions & FORMS.keys():
        form_class, prefix = FORMS[action]
        forms[action] = (bound[1] if bound and bound[0] == action
                         else form_class(prefix=prefix, formdata=None))
    if "transfer" in forms:
        _handler_choices(forms["transfer"], case)
    return render_template(
        "cases/detail.html", case=case, actions=actions, forms=forms,
        opened=bound[0] if bound else None, contact=access.sees_contact(current_user, case),
        may_join=access.may_join(current_user, case), place=lists.place_label(case.zone),
        now=utcnow())


@bp.get("/<int:case_id>")
@login_required
def detail(case_id: int):
    _viewable(case_id)
    return _render_detail(case_id)


@bp.get("/<int:case_id>/photos/<name>")
@login_required
def photo(case_id: int, name: str):
    case = _viewable(case_id)
    shown = set(case.photos or ()).union(*(e.photos or () for e in case.events))
    path = photo_path("cases", name) if name.removeprefix("t_") in shown else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=600)
    response.cache_control.public = False  # a resident's photo: never in a shared cache
    response.cache_control.private = True
    return response


def _may(case: Case, action: str) -> bool:
    """The 403 page unless the viewer takes this kind of step on this matter at all; False,
    with the reason flashed, when the matter has moved on since their page was drawn."""
    try:
        access.check_step(current_user, case, action)
    except NotAllowed:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return False
    return True


def _after(case: Case) -> str:
    """Where a step's answer goes: the matter, or my tasks once it is no longer mine to see."""
    return detail_url(case) if access.may_view(current_user, case) else url_for("cases.tasks")


def _step(case_id: int, action: str, run, done_words: str):
    """A step with a form: check the step, the form's shape, then run it once."""
    case = _viewable(case_id)
    if not _may(case, action):
        return redirect(detail_url(case))
    form_class, prefix = FORMS[action]
    form = form_class(prefix=prefix)
    if action == "transfer":
        _handler_choices(form, case)
    if form.validate_on_submit():
        with committing(once=True) as done:
            run(case, form)
            done.answer = _after(case)
        if done:
            flash(done_words, "success")
            return redirect(done.answer)
    else:
        flash(_("还没有提交，请按下面标出的提示修改。"), "error")
    return _render_detail(case.id, (action, form))


def _photos(form) -> list[str]:
    return [save_photo(f, "cases", thumb=320) for f in chosen_files(form.photos)]


@bp.post("/<int:case_id>/withdraw")
@login_required
def withdraw(case_id: int):
    return _step(case_id, "withdraw",
                 lambda case, form: services.withdraw(current_user, case, form.reason.data),
                 _("事项已撤回。"))


@bp.post("/<int:case_id>/hand-back")
@login_required
def hand_back(case_id: int):
    return _step(case_id, "hand_back",
                 lambda case, form: services.hand_back(current_user, case, form.reason.data),
                 _("已退回，社区会重新派单。"))


@bp.post("/<int:case_id>/transfer")
@login_required
def transfer(case_id: int):
    return _step(case_id, "transfer", lambda case, form: services.transfer(
        current_user, case,
        db.session.get(User, form.handler.data) if form.handler.data else None,
        form.reason.data), _("已转办，新的办理人会收到通知。"))


@bp.post("/<int:case_id>/progress")
@login_required
def progress(case_id: int):
    return _step(case_id, "progress", lambda case, form: services.progress(
        current_user, case, form.note.data, _photos(form)), _("进展已记录，居民会收到通知。"))


@bp.post("/<int:case_id>/extend")
@login_required
def extend(case_id: int):
    return _step(case_id, "extend", lambda case, form: services.extend(
        current_user, case, form.days.data, form.reason.data), _("已延期，居民会收到通知。"))


@bp.post("/<int:case_id>/resolve")
@login_required
def resolve(case_id: int):
    return _step(case_id, "resolve", lambda case, form: services.resolve(
        current_user, case, form.reply.data, _photos(form)), _("已办结，等待居民评价。"))


@bp.post("/<int:case_id>/rate")
@login_required
def rate(case_id: int):
    def run(case, form):
        services.rate(current_user, case, rating=form.rating.data,
                      resolution=form.resolution.data, comment=form.comment.data or "")

    return _step(case_id, "rate", run, _("谢谢您的评价！"))


@bp.post("/<int:case_id>/accept")
@login_required
def accept(case_id: int):
    case = _viewable(case_id)
    if _may(case, "accept"):
        with committing(once=detail_url(case)) as done:
            services.accept(current_user, case)
        if done:
            flash(_("已接单，请按时限办理。"), "success")
    return redirect(detail_url(case))


@bp.post("/<int:case_id>/claim")
@login_required
def claim(case_id: int):
    """抢单, from my tasks or the matter's page. Whoever comes second is told it was taken."""
    case = load_or_404(Case, case_id)
    if not access.may_claim(current_user, case):
        abort(403)
    with committing(once=detail_url(case)) as done:
        services.claim(current_user, case)
    if done:
        flash(_("认领成功，请尽快联系居民办理。"), "success")
        return redirect(detail_url(case))
    return redirect(url_for("cases.tasks"))


@bp.post("/<int:case_id>/join")
@login_required
def join(case_id: int):
    """"我也遇到了": from the similar matters shown before filing, or the matter's page."""
    case = load_or_404(Case, case_id)
    with committing() as done:
        joined = services.join(current_user, case)
    if done:
        flash(_("已加入。这件事项有进展时，会通知您。") if joined
              else _("您已经加入过这件事项了。"), "success")
        return redirect(detail_url(case))
    return redirect(detail_url(case) if access.may_view(current_user, case)
                    else url_for("cases.mine"))
