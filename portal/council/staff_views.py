"""微议事 for staff: the party branch's review queue (定议题), raising a topic directly,
opening the draft to comment and revising it (定内容), and turning a 商办 matter into a topic."""

from __future__ import annotations

from operator import attrgetter

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import policy
from portal.cases import staff_queries
from portal.council import drafts, topics
from portal.council import topic_lists as lists
from portal.council.topic_forms import (
    OpenCommentForm,
    RaiseForm,
    ReviewForm,
    ReviseForm,
    source_choices,
)
from portal.council.topic_models import REVIEW, Topic
from portal.council.views import detail_url
from portal.forms import options
from portal.types import utcnow
from portal.web.loading import load_in_scope
from portal.web.params import page_arg
from portal.web.transaction import committing
from portal.zones.models import Zone

bp = Blueprint("council_staff", __name__)

COMMUNITY = attrgetter("community")


def staff_url(topic: Topic) -> str:
    return url_for("council_staff.topic", topic_id=topic.id)


# ------------------------------------------------------------------ the queue


@bp.get("/")
@policy.require_permission("council.review")
def queue():
    return render_template("council/topics/staff_queue.html",
                           waiting=lists.review_queue(current_user),
                           accepted=lists.accepted_in_scope(current_user, page_arg()),
                           now=utcnow())


# ------------------------------------------------------------------ one topic


def _topic(topic_id: int) -> Topic:
    return load_in_scope(Topic, topic_id, "council.review", zone_of=COMMUNITY)


def _page(topic: Topic, forms: dict | None = None, status: int = 200):
    forms = dict(forms or {})
    draft = drafts.latest(topic)
    if topic.status == REVIEW:
        forms.setdefault("review", ReviewForm(formdata=None))
    if topic.status == "accepted":
        forms.setdefault("open", OpenCommentForm(formdata=None))
        if draft is not None:
            forms.setdefault("revise", ReviseForm(formdata=None, data={"text": draft.text}))
    shown = lists.versions(topic)
    return render_template(
        "council/topics/staff_topic.html", topic=topic, forms=forms, draft=draft,
        versions=shown, now=utcnow(), counts=lists.comment_counts(topic),
        changes=drafts.changes(shown[-2], shown[-1]) if len(shown) > 1 else None,
        own=topic.raised_by_id == current_user.id), status


@bp.get("/<int:topic_id>")
@policy.require_permission("council.review")
def topic(topic_id: int):
    return _page(_topic(topic_id))


def _step(topic_id: int, name: str, form_class, run, words: str):
    """A step's post: its form, the service once, then the staff page (or the refused form)."""
    topic = _topic(topic_id)
    form = form_class()
    if form.validate_on_submit():
        with committing(once=staff_url(topic)) as done:
            run(topic, form)
        if done:
            flash(words, "success")
            return redirect(done.answer)
    else:
        flash(_("还没有提交，请按下面标出的提示修改。"), "error")
    return _page(topic, {name: form}, status=400)


@bp.post("/<int:topic_id>/review")
@policy.require_permission("council.review")
def review(topic_id: int):
    return _step(topic_id, "review", ReviewForm, lambda topic, form: topics.review(
        current_user, topic, form.decision.data, form.note.data or ""),
        _("审核结果已保存，提议人和联署居民会收到通知。"))


@bp.post("/<int:topic_id>/open")
@policy.require_permission("council.review")
def open_comment(topic_id: int):
    return _step(topic_id, "open", OpenCommentForm, lambda topic, form: drafts.open_comment(
        current_user, topic, form.days.data), _("草案已公开征求意见。"))


@bp.post("/<int:topic_id>/revise")
@policy.require_permission("council.review")
def revise(topic_id: int):
    return _step(topic_id, "revise", ReviseForm, lambda topic, form: drafts.revise(
        current_user, topic, form.text.data), _("草案已修改，旧的版本已保留。"))


# ------------------------------------------------------------------ raising


def _communities() -> list[Zone]:
    """Where the viewer may raise a topic: the communities of their council.raise scope, and
    those where they serve as a representative."""
    mine = staff_queries.communities(current_user, "council.raise")
    serving = lists.serving_communities(current_user, utcnow().date())
    return list(dict.fromkeys([*mine, *serving]))


def _raise_form(communities: list[Zone]) -> RaiseForm:
    form = RaiseForm()
    form.community.choices = options((z.id, z.name) for z in communities)
    sources = ["staff"] + (["branch"] if policy.can(current_user, "council.review") else []) \
        + ["representative"]
    form.source.choices = source_choices(sources)
    if request.method == "GET":
        form.source.data = "staff"
    return form


@bp.route("/new", methods=["GET", "POST"])
@policy.require_permission("council.raise")
def new():
    communities = _communities()
    form = _raise_form(communities)
    if form.validate_on_submit():
        community = next((z for z in communities if z.id == form.community.data), None)
        with committing(once=True) as done:
            topic = topics.raise_directly(
                current_user, community, source=form.source.data, title=form.title.data,
                problem=form.problem.data, proposal=form.proposal.data or "")
            done.answer = detail_url(topic)
        if done:
            flash(_("议题已提出，交社区党组织在 2 个工作日内审核。"), "success")
            return redirect(done.answer)
    elif request.method == "POST":
        flash(_("还没有提交，请按下面标出的提示修改。"), "error")
    return render_template("council/topics/staff_new.html", form=form), \
        400 if request.method == "POST" else 200


@bp.post("/cases/<int:case_id>/topic")
@policy.require_permission("council.raise")
def from_case(case_id: int):
    """A 商办 matter becomes a topic, from the matter's staff page."""
    case = staff_queries.load_case(case_id)
    if case is None:
        abort(404)
    if not policy.can(current_user, "cases.view", case.zone):
        abort(403)
    with committing(once=True) as done:
        topic = topics.from_case(current_user, case)
        done.answer = detail_url(topic)
    if done:
        flash(_("事项已转为议题，交社区党组织审核。"), "success")
        return redirect(done.answer)
    return redirect(url_for("cases_staff.detail", case_id=case.id))
