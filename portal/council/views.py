"""微议事 for residents: the community's topics, proposing one, backing it (联署), and
commenting on its draft by paragraph.

Commenting needs no text selection: each paragraph of the draft is a link to the same page
with ?p=<n>#comment, which draws the comment form under that paragraph (JavaScript off too)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from portal import policy
from portal.cases.forms import chosen_files
from portal.clock import local_today
from portal.council import drafts, topics
from portal.council import topic_lists as lists
from portal.council.topic_forms import CommentForm, ProposeForm
from portal.council.topic_models import Topic, TopicDraft
from portal.extensions import db
from portal.forms import int_or_zero
from portal.types import utcnow
from portal.uploads import photo_path, save_photo
from portal.web.loading import load_or_404
from portal.web.params import page_arg
from portal.web.transaction import committing
from portal.zones.services import community_of

bp = Blueprint("council", __name__)

#: the public outcome page of a voted topic, until the meetings pages give its endpoint
OUTCOME_PATH = "/council/outcomes/{topic_id}"


def outcome_url(topic: Topic) -> str:
    """The public outcome page (公示) of the topic's vote: the meetings pages' endpoint when
    it exists, else its agreed path."""
    try:
        return url_for("council_meetings.outcome", topic_id=topic.id)
    except BuildError:
        return OUTCOME_PATH.format(topic_id=topic.id)


def detail_url(topic: Topic, **args) -> str:
    return url_for("council.detail", topic_id=topic.id, **args)


# ------------------------------------------------------------------ lists


@bp.get("/")
@login_required
def index():
    community = community_of(current_user.home_zone) if current_user.home_zone else None
    stage = request.args.get("stage", "")
    stage = stage if stage in lists.STAGES else ""
    now = utcnow()
    pagination = lists.community_topics(community, stage, page_arg(), now) \
        if community is not None else None
    items = lists.agenda_items([t.id for t in pagination.items]) if pagination else {}
    return render_template("council/topics/index.html", community=community, stage=stage,
                           pagination=pagination, items=items, now=now,
                           stage_of=lists.stage_of, stages=lists.STAGES)


# ------------------------------------------------------------------ proposing


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = ProposeForm()
    if form.validate_on_submit():
        with committing(once=True) as done:
            photos = [save_photo(f, "council", thumb=320) for f in chosen_files(form.photos)]
            text = dict(title=form.title.data, problem=form.problem.data,
                        proposal=form.proposal.data or "", photos=photos)
            if form.as_representative.data:
                topic = topics.raise_directly(current_user, _community(), source="representative",
                                              **text)
            else:
                topic = topics.propose(current_user, **text)
            done.answer = detail_url(topic)
        if done:
            flash(_("议题已提交社区党组织审核，2 个工作日内答复。")
                  if form.as_representative.data else
                  _("议题已提出。请邻居们来联署，人数够了就交社区党组织审核。"), "success")
            return redirect(done.answer)
    elif request.method == "POST":
        flash(_("还没有提交，请按下面标出的提示修改。"), "error")
    community = _community()
    return render_template("council/topics/new.html", form=form, community=community,
                           representative=topics.serves_as_representative(
                               current_user, community, local_today(utcnow()))), \
        400 if request.method == "POST" else 200


def _community():
    return community_of(current_user.home_zone) if current_user.home_zone else None


# ------------------------------------------------------------------ one topic


def _paragraph_arg(draft: TopicDraft | None) -> int | None:
    if draft is None:
        return None
    p = request.args.get("p", type=int_or_zero, default=0) - 1
    return p if 0 <= p < len(draft.paragraphs()) else None


def _render_detail(topic: Topic, comment_form: CommentForm | None = None,
                   chosen: int | None = None, status: int = 200):
    now = utcnow()
    draft = drafts.latest(topic) if topic.comment_until_dt else None
    is_open = draft is not None and now <= topic.comment_until_dt
    chosen = chosen if chosen is not None else (_paragraph_arg(draft) if is_open else None)
    if comment_form is None and chosen is not None:
        comment_form = CommentForm(formdata=None, data={"draft": draft.id, "paragraph": chosen})
    item = lists.agenda_items([topic.id]).get(topic.id)
    may_back = (topic.status == "backing" and current_user.id != topic.raised_by_id
                and current_user.home_zone is not None
                and topic.community.contains(current_user.home_zone))
    return render_template(
        "council/topics/detail.html", topic=topic, draft=draft, is_open=is_open, now=now,
        paragraphs=draft.paragraphs() if draft else [], chosen=chosen, form=comment_form,
        comments=lists.comments_by_paragraph(draft) if draft else {},
        stage=lists.stage_of(topic, item, now), item=item,
        outcome=outcome_url(topic) if item is not None and item.vote == "closed" else None,
        may_back=may_back, backed=lists.has_backed(current_user, topic) if may_back else False,
        may_manage=policy.can(current_user, "council.review", topic.community),
        version_count=len(lists.versions(topic)) if draft else 0), status


@bp.get("/<int:topic_id>")
@login_required
def detail(topic_id: int):
    return _render_detail(load_or_404(Topic, topic_id))


@bp.get("/<int:topic_id>/photos/<name>")
@login_required
def photo(topic_id: int, name: str):
    topic = load_or_404(Topic, topic_id)
    path = photo_path("council", name) if name.removeprefix("t_") in (topic.photos or ()) \
        else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=600)
    response.cache_control.public = False  # a resident's photo: never in a shared cache
    response.cache_control.private = True
    return response


@bp.post("/<int:topic_id>/back")
@login_required
def back(topic_id: int):
    """联署: once per resident; a second tap says so and counts nothing."""
    topic = load_or_404(Topic, topic_id)
    with committing() as done:
        backed = topics.back(current_user, topic)
    if done:
        flash(_("已联署，谢谢您的支持！") if backed else _("您已经联署过这个议题了，只算一次。"),
              "success" if backed else "info")
    return redirect(detail_url(topic))


@bp.post("/<int:topic_id>/comment")
@login_required
def comment(topic_id: int):
    topic = load_or_404(Topic, topic_id)
    form = CommentForm()
    draft = db.session.get(TopicDraft, int_or_zero(form.draft.data) or 0)
    paragraph = int_or_zero(form.paragraph.data) if (form.paragraph.data or "").isdigit() \
        else -1
    if draft is None or draft.topic_id != topic.id:
        flash(_("草案已经修改，请对最新的版本提意见。"), "error")
        return redirect(detail_url(topic))
    if form.validate_on_submit():
        with committing(once=detail_url(topic, _anchor=f"p{paragraph + 1}")) as done:
            drafts.comment(current_user, draft, paragraph, form.text.data)
        if done:
            flash(_("意见已提交，谢谢！"), "success")
            return redirect(done.answer)
    else:
        flash(_("还没有提交，请按下面标出的提示修改。"), "error")
    latest = drafts.latest(topic)
    chosen = paragraph if latest is not None and latest.id == draft.id \
        and 0 <= paragraph < len(draft.paragraphs()) else None
    return _render_detail(topic, form if chosen is not None else None, chosen, status=400)


@bp.get("/<int:topic_id>/versions")
@login_required
def versions(topic_id: int):
    """The draft's versions, and what changed in the chosen one (?v=) from the one before."""
    topic = load_or_404(Topic, topic_id)
    shown = lists.versions(topic)
    if not shown:
        abort(404)
    wanted = request.args.get("v", type=int_or_zero, default=0)
    current = next((d for d in shown if d.number == wanted), shown[-1])
    before = next((d for d in shown if d.number == current.number - 1), None)
    return render_template("council/topics/versions.html", topic=topic, drafts=shown,
                           current=current, before=before,
                           changes=drafts.changes(before, current) if before else None,
                           counts=lists.comment_counts(topic))

