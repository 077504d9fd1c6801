"""The staff side of a meeting (on a phone): the community's meetings, scheduling one, the
desk with the live quorum, the clerk's scan and proxies, each agenda item's vote (open, paper
ballots and their confirmation by a second staff member, close), and the minutes on A4."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import policy
from portal.cases.staff_queries import communities
from portal.clock import to_utc
from portal.council import meeting_pages as pages
from portal.council import meetings
from portal.council.meeting_bp import PERMISSION, RUN, bp
from portal.council.meeting_forms import MeetingForm, PaperForm, ProxyForm, ScanForm
from portal.council.meeting_models import CHOICES, AgendaItem, Vote
from portal.council.models import Body, BodyMember
from portal.council.topic_models import ACCEPTED, Topic
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import PageForm, options
from portal.types import utcnow
from portal.web.loading import load_or_404
from portal.web.transaction import committing
from portal.zones.models import Zone


def community_asked(permission: str = PERMISSION) -> tuple[Zone | None, list[Zone]]:
    """The community asked for (?community=<code>) among those the viewer holds `permission`
    over, or the first."""
    places = communities(current_user, permission)
    code = request.args.get("community")
    if code is None:
        return (places[0] if places else None), places
    chosen = next((c for c in places if c.code == code), None)
    if chosen is None:
        abort(404)
    return chosen, places


@bp.get("/staff/council/meetings")
@policy.require_permission(RUN)
def staff_meetings():
    community, places = community_asked(RUN)
    rows = pages.meetings_of([community.id]) if community else []
    return render_template("council/meetings/staff_list.html", community=community,
                           places=places, meetings=rows)


def _schedule_choices(form: MeetingForm, community: Zone) -> None:
    form.body.choices = options([(b.id, b.name) for b in db.session.scalars(
        select(Body).where(Body.community_id == community.id, Body.is_active.is_(True))
        .order_by(Body.id))])
    taken = select(AgendaItem.topic_id).where(meetings.decided_or_due())
    form.topics.choices = [(t.id, t.title) for t in db.session.scalars(
        select(Topic).where(Topic.community_id == community.id, Topic.status == ACCEPTED,
                            Topic.id.not_in(taken))
        .order_by(Topic.id.desc()).limit(100))]


@bp.route("/staff/council/meetings/new", methods=["GET", "POST"])
@policy.require_permission(PERMISSION)
def schedule():
    community, _places = community_asked()
    if community is None:
        abort(404)
    form = MeetingForm()
    _schedule_choices(form, community)
    if form.validate_on_submit():
        with committing(once=True) as done:
            body = db.session.get(Body, form.body.data or 0)
            if body is None or body.community_id != community.id:
                abort(404)
            chosen = [t for t in (db.session.get(Topic, i) for i in form.topics.data[:20] if i)
                      if t is not None]
            meeting = meetings.schedule(current_user, body, title=form.title.data,
                                        start_dt=to_utc(form.day.data, form.at.data),
                                        place=form.place.data, topics=chosen)
            done.answer = url_for(".desk", meeting_id=meeting.id)
        if done:
            flash(_("会议已安排，成员会在消息里收到通知。"), "success")
            return redirect(done.answer)
    return render_template("council/meetings/new.html", form=form, community=community)


# ------------------------------------------------------------------ the desk


def _desk(meeting, forms: dict | None = None, status: int = 200):
    members = pages.members_with_users(meeting)
    rows = pages.attendance(meeting)
    here = {row.member_id for row in rows}
    forms = dict(forms or {})
    forms.setdefault("scan", ScanForm())
    forms.setdefault("proxy", ProxyForm())
    forms["proxy"].member.choices = options(
        [(0, _("请选择"))] + [(m.id, f"{m.user.name}（{m.zone.name}）")
                              for m in members if m.id not in here])
    paper = forms.setdefault("paper", PaperForm())
    paper.member.choices = options([(0, _("请选择"))] + [
        (row.member.id, row.member.user.name) for row in rows])
    return render_template("council/meetings/desk.html", meeting=meeting,
                           quorum=pages.quorum(meeting, members), attendance=rows,
                           counts=pages.live_counts(meeting),
                           ballots=pages.paper_ballots(meeting), forms=forms,
                           action_form=PageForm()), status


@bp.get("/staff/council/meetings/<int:meeting_id>")
@policy.require_permission(RUN)
def desk(meeting_id: int):
    return _desk(pages.staff_meeting(meeting_id))


@bp.get("/staff/council/meetings/<int:meeting_id>/live")
@policy.require_permission(RUN)
def live(meeting_id: int):
    meeting = pages.staff_meeting(meeting_id)
    template = "council/meetings/_live.html" if request.args.get("partial") else \
        "council/meetings/live.html"
    return render_template(template, meeting=meeting, quorum=pages.quorum(meeting),
                           counts=pages.live_counts(meeting))


def _back(meeting_id: int, anchor: str = "") -> str:
    return url_for(".desk", meeting_id=meeting_id) + (f"#{anchor}" if anchor else "")


@bp.post("/staff/council/meetings/<int:meeting_id>/scan")
@policy.require_permission(RUN)
def clerk_scan(meeting_id: int):
    meeting = pages.staff_meeting(meeting_id)
    form = ScanForm()
    if not form.validate_on_submit():
        return _desk(meeting, {"scan": form}, 400)
    with committing() as done:
        member, first = meetings.clerk_scan(current_user, meeting, form.code.data.strip())
        name = member.user.name
    if done:
        flash(_("%(name)s 已签到。", name=name) if first else
              _("%(name)s 已经签到过了。", name=name), "success")
        return redirect(_back(meeting.id, "scan"))
    return _desk(meeting, {"scan": form}, 400)


@bp.post("/staff/council/meetings/<int:meeting_id>/proxy")
@policy.require_permission(RUN)
def proxy(meeting_id: int):
    meeting = pages.staff_meeting(meeting_id)
    form = ProxyForm()
    form.member.choices = []
    if form.validate_on_submit():
        back = _back(meeting.id, "attendance")
        with committing(once=back) as done:
            member = _member(meeting, form.member.data)
            first = meetings.attend(current_user, meeting, member, method="proxy",
                                    note=form.note.data)
        if done:
            flash(_("委托出席已记录。") if first else _("这位成员已经到会了。"), "success")
            return redirect(back)
    return _desk(meeting, {"proxy": form}, 400)


def _member(meeting, member_id: int) -> BodyMember:
    member = db.session.get(BodyMember, member_id or 0)
    if member is None or member.body_id != meeting.body_id:
        raise DomainError("not_member", _("请选择本次会议的成员。"), 400)
    return member


def _item(item_id: int) -> AgendaItem:
    item = load_or_404(AgendaItem, item_id)
    pages.staff_meeting(item.meeting_id)  # 404, then 403
    return item


@bp.post("/staff/council/agenda/<int:item_id>/open")
@policy.require_permission(RUN)
def open_vote(item_id: int):
    item = _item(item_id)
    with committing() as done:
        meetings.open_vote(current_user, item)
    if done:
        flash(_("表决已开始，到会成员可以在手机上表决。"), "success")
    return redirect(_back(item.meeting_id, f"item-{item.id}"))


@bp.post("/staff/council/agenda/<int:item_id>/paper")
@policy.require_permission(RUN)
def paper(item_id: int):
    item = _item(item_id)
    form = PaperForm()
    form.member.choices = []
    if form.validate_on_submit():
        back = _back(item.meeting_id, f"item-{item.id}")
        with committing(once=back) as done:
            meetings.enter_paper(current_user, item, _member(item.meeting, form.member.data),
                                 form.choice.data)
        if done:
            flash(_("纸质票已录入，请另一位工作人员核对确认。"), "success")
            return redirect(back)
    return _desk(pages.staff_meeting(item.meeting_id), {"paper": form}, 400)


@bp.post("/staff/council/votes/<int:vote_id>/confirm")
@policy.require_permission(RUN)
def confirm_paper(vote_id: int):
    vote = load_or_404(Vote, vote_id)
    item = _item(vote.item_id)
    seen = request.form.get("seen")
    with committing() as done:
        meetings.confirm_paper(current_user, vote, seen if seen in CHOICES else None)
    if done:
        flash(_("纸质票已核对确认。"), "success")
    return redirect(_back(item.meeting_id, "ballots"))


@bp.post("/staff/council/agenda/<int:item_id>/close")
@policy.require_permission(RUN)
def close_vote(item_id: int):
    item = _item(item_id)
    with committing() as done:
        closed = meetings.close_vote(current_user, item)
        passed = closed.passed
    if done:
        flash(_("表决结束：通过。") if passed else _("表决结束：未通过。"), "success")
    return redirect(_back(item.meeting_id, f"item-{item.id}"))


@bp.get("/staff/council/meetings/<int:meeting_id>/minutes")
@policy.require_permission(RUN)
def minutes(meeting_id: int):
    meeting = pages.staff_meeting(meeting_id)
    members = pages.members_with_users(meeting)
    return render_template("council/meetings/minutes.html", meeting=meeting,
                           quorum=pages.quorum(meeting, members), members=members,
                           attendance=pages.attendance(meeting),
                           votes=pages.votes_by_member(meeting)
                           if any(item.roll_call for item in meeting.items) else {},
                           printed_dt=utcnow())


