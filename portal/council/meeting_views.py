"""微议事 meetings: bodies and their members, meetings with QR attendance and a live quorum,
votes on a phone and on paper, the minutes, and the published outcome (公示). Staff pages live
under /staff/council/, a member's under /council/meetings, the public outcome under
/council/outcomes. What each page reads is in meeting_pages.py; the rules are the services'."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import policy, qr
from portal.codes import CodeError
from portal.council import body_views, meeting_desk, meetings, outcomes
from portal.council import meeting_pages as pages
from portal.council.meeting_bp import PERMISSION, RUN, bp
from portal.council.meeting_forms import (
    CHOICE_WORDS,
    METHOD_WORDS,
    ProgressForm,
    VoteForm,
)
from portal.council.meeting_models import AgendaItem, Meeting
from portal.council.models import BodyMember
from portal.council.rules import yes_needed
from portal.council.topic_models import Topic
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow
from portal.web.loading import load_or_404
from portal.web.navigation import base_url
from portal.web.transaction import committing

bp.add_app_template_global(CHOICE_WORDS, "council_choice_words")
bp.add_app_template_global(METHOD_WORDS, "council_method_words")
bp.add_app_template_global(yes_needed, "council_yes_needed")


# ------------------------------------------------------------------ a member's phone


@bp.get("/council/meetings")
@login_required
def mine():
    rows = pages.my_meetings(current_user, since=utcnow() - timedelta(days=30))
    return render_template("council/meetings/mine.html", meetings=rows)


def _member_meeting(meeting_id: int, *, staff_may_look: bool = False) \
        -> tuple[Meeting, BodyMember | None]:
    """The meeting and the viewer's seat on its body: 404, then 403 for anyone else (the
    community's admin may look at the page as members see it, without buttons)."""
    meeting = pages.load_meeting(meeting_id)
    if meeting is None:
        abort(404)
    member = meetings.member_of(meeting, current_user)
    if member is None and not (staff_may_look and policy.can(
            current_user, RUN, meeting.body.community)):
        abort(403)
    return meeting, member


@bp.get("/council/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    meeting, member = _member_meeting(meeting_id, staff_may_look=True)
    return render_template("council/meetings/member.html", meeting=meeting, member=member,
                           present=pages.is_present(member, meeting),
                           mine=pages.my_votes(member, meeting), form=VoteForm())


@bp.post("/council/meetings/items/<int:item_id>/vote")
@login_required
def vote(item_id: int):
    item = load_or_404(AgendaItem, item_id)
    meeting, _member = _member_meeting(item.meeting_id)
    form = VoteForm()
    back = url_for(".meeting", meeting_id=meeting.id) + f"#item-{item.id}"
    if form.validate_on_submit():
        with committing() as done:
            meetings.cast(current_user, item, form.choice.data or "")
        if done:
            flash(_("已记下您的表决：%(choice)s。表决结束前还可以改。",
                    choice=CHOICE_WORDS[form.choice.data]), "success")
    else:
        flash(_("页面已过期，请刷新后重新提交。"), "error")
    return redirect(back)


@bp.get("/council/meetings/a/<path:token>")
@login_required
def scan_in(token: str):
    """Where a member's phone lands after scanning the meeting's rotating code."""
    try:
        meeting, first = meetings.scan_in(current_user, token[:300])
        db.session.commit()
    except CodeError as error:  # a page of its own, as check-in's scan answers a stale code
        db.session.rollback()
        return render_template("council/meetings/scan_result.html", error=error.message)
    except DomainError as error:
        db.session.rollback()
        return render_template("council/meetings/scan_result.html", error=error.message), \
            error.status
    flash(_("签到成功，欢迎参会。") if first else _("您已经签到过了。"), "success")
    return redirect(url_for(".meeting", meeting_id=meeting.id))


# ------------------------------------------------------------------ the public outcome (公示)


@bp.get("/council/outcomes")
def outcomes_index():
    community = None
    if current_user.is_authenticated and current_user.home_zone is not None:
        from portal.zones.services import community_of

        community = community_of(current_user.home_zone)
    everywhere = request.args.get("all") == "1" or community is None
    rows = outcomes.published(None if everywhere else community.id)
    return render_template("council/meetings/outcomes.html", items=rows,
                           community=None if everywhere else community)


@bp.get("/council/outcomes/<int:topic_id>")
def outcome(topic_id: int):
    topic = load_or_404(Topic, topic_id)
    item = outcomes.result_of(topic.id)
    if item is None:
        abort(404)
    keeps = current_user.is_authenticated and policy.can(current_user, PERMISSION,
                                                         topic.community)
    return render_template("council/meetings/outcome.html", topic=topic, item=item,
                           names=outcomes.roll_call(item), notes=outcomes.progress_of(topic.id),
                           form=ProgressForm() if keeps else None)


@bp.post("/staff/council/outcomes/<int:topic_id>/progress")
@policy.require_permission(PERMISSION)
def add_progress(topic_id: int):
    topic = load_or_404(Topic, topic_id)
    if not policy.can(current_user, PERMISSION, topic.community):
        abort(403)
    form = ProgressForm()
    back = url_for(".outcome", topic_id=topic.id)
    if form.validate_on_submit():
        with committing(once=back) as done:
            outcomes.add_progress(current_user, topic, form.text.data)
        if done:
            flash(_("落实进展已记录，公示页上可以看到。"), "success")
            return redirect(back)
    item = outcomes.result_of(topic.id)
    if item is None:
        abort(404)
    return render_template("council/meetings/outcome.html", topic=topic, item=item,
                           names=outcomes.roll_call(item), notes=outcomes.progress_of(topic.id),
                           form=form), 400


# ------------------------------------------------------------------ the rotating code


def code_url(meeting: Meeting) -> str:
    return f"{base_url()}/council/meetings/a/{meetings.meeting_token(meeting, utcnow())}"


@bp.get("/staff/council/meetings/<int:meeting_id>/code")
@policy.require_permission(RUN)
def code(meeting_id: int):
    meeting = pages.staff_meeting(meeting_id)
    return render_template("council/meetings/code.html", meeting=meeting, url=code_url(meeting))


@bp.get("/staff/council/meetings/<int:meeting_id>/code.svg")
@policy.require_permission(RUN)
def code_image(meeting_id: int):
    return Response(qr.svg(code_url(pages.staff_meeting(meeting_id))), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})


#: their routes are on this blueprint too (imported for that)
__all__ = ["bp", "body_views", "meeting_desk"]
