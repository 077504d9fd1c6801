"""Meetings and votes (开会、表决): the community's admin schedules a meeting of a body with an
agenda of accepted topics and invites its members; members are counted present (scanned in,
recorded by the clerk, or by proxy with a reason); a vote opens per topic; each present member
votes 同意 / 反对 / 弃权 and may change it until it closes; paper ballots are entered by a clerk
and confirmed by another staff member; closing counts by the body's rules (council/rules.py)
and the result never changes after. Scheduling is the admin's (council.bodies); running the
meeting on the day (the door, proxies, votes, paper ballots, the count) is any staff member's
of the community (council.run), so a coordinator clerks and the admin confirms.

Every vote on an item runs under that item's row lock (FOR UPDATE on PostgreSQL), so 30
members voting twice each from two phones end with exactly 30 current votes, and a vote that
arrives after the close is refused."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import audit, policy
from portal.codes import CodeError, check_step, signer, step_of, unsign
from portal.council import services as bodies
from portal.council.drafts import latest as latest_draft
from portal.council.meeting_models import (
    CHOICES,
    AgendaItem,
    Meeting,
    MeetingAttendance,
    Vote,
    VoteLog,
)
from portal.council.models import Body, BodyMember
from portal.council.rules import Tally, decide
from portal.council.topic_models import ACCEPTED, Topic
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.inbox.services import notify
from portal.members.codes import find_member
from portal.types import utcnow


def schedule(actor, body: Body, *, title: str, start_dt: datetime, place: str,
             topics: list[Topic], now: datetime | None = None) -> Meeting:
    now = now or utcnow()
    policy.check(actor, "council.bodies", body.community)
    title, place = (title or "").strip(), (place or "").strip()
    if not 2 <= len(title) <= 60 or not 2 <= len(place) <= 60:
        raise DomainError("bad_text", _l("请填写会议名称和地点（2 到 60 字）。"), 400)
    if not isinstance(start_dt, datetime) or not now - timedelta(days=1) <= start_dt <= \
            now + timedelta(days=366):
        raise DomainError("bad_time", _l("会议时间要在今天到一年以内。"), 400)
    if not topics or any(t.community_id != body.community_id or t.status != ACCEPTED
                         for t in topics):
        raise DomainError("bad_agenda", _l("议程只能列本社区已立项的议题。"), 400)
    if db.session.scalar(select(AgendaItem.id).where(
            AgendaItem.topic_id.in_([t.id for t in topics]), decided_or_due()).limit(1)):
        raise DomainError("on_agenda", _l(
            "议程里有议题已经列入另一次会议，或已经表决有了结果。"), 400)
    meeting = Meeting(body_id=body.id, title=title, start_dt=start_dt, place=place,
                      created_by_id=actor.id)
    db.session.add(meeting)
    db.session.flush()
    db.session.add_all(AgendaItem(meeting_id=meeting.id, topic_id=t.id)
                       for t in dict.fromkeys(topics))
    for member in bodies.serving(body, start_dt.date()):
        notify(member.user_id, "council.meeting", f"会议通知：{title}",
               f"{place}。请按时参加，到场后扫码签到。", f"/council/meetings/{meeting.id}",
               dedupe_key=f"council:meeting:{meeting.id}:{member.user_id}", sms=True)
    audit.record(actor, "council.meeting", meeting, f"安排会议“{title}”", body.community)
    return meeting


def decided_or_due():
    """An agenda item that keeps its topic off another meeting: still to be voted on, being
    voted on, or closed with a quorum (a vote without one may be held again)."""
    return (AgendaItem.vote.in_(("pending", "open"))
            | ((AgendaItem.vote == "closed") & AgendaItem.quorate.is_(True)))


def _member(meeting: Meeting, user) -> BodyMember | None:
    return db.session.scalar(select(BodyMember).where(
        BodyMember.body_id == meeting.body_id, BodyMember.user_id == user.id,
        BodyMember.term_start <= meeting.start_dt.date(),
        (BodyMember.term_end.is_(None)) | (BodyMember.term_end >= meeting.start_dt.date())))


def attend(recorder, meeting: Meeting, member: BodyMember, *, method: str = "scan",
           note: str = "") -> bool:
    """Count a serving member present: by their own scan, by the clerk, or by proxy (委托,
    with who holds it and why). Returns False when they were already counted."""
    if member.body_id != meeting.body_id or not member.serves_on(meeting.start_dt.date()):
        raise DomainError("not_member", _l("这位不是本次会议的成员。"), 400)
    if method == "scan":
        if recorder.id != member.user_id:
            raise NotAllowed()
    else:
        policy.check(recorder, "council.run", meeting.body.community)
        policy.check_not_beneficiary(recorder, member.user_id, _l(
            "不能为自己登记出席或委托出席，请本人扫码，或让另一位工作人员登记。"))
        note = (note or "").strip()
        if method not in ("clerk", "proxy") or (method == "proxy" and not 2 <= len(note) <= 200):
            raise DomainError("needs_reason", _l("委托出席请写明受托人和原因。"), 400)
    try:
        with db.session.begin_nested():
            db.session.add(MeetingAttendance(meeting_id=meeting.id, member_id=member.id,
                                             method=method, note=note[:200],
                                             recorded_by_id=recorder.id))
    except IntegrityError:
        return False
    if method == "proxy":
        audit.record(recorder, "council.proxy", meeting,
                     f"{member.user.name} 委托出席：{note}", meeting.body.community)
    elif method == "clerk":
        audit.record(recorder, "council.attend", meeting, f"登记 {member.user.name} 出席",
                     meeting.body.community)
    return True


#: a meeting's rotating code changes as a shift's does, with one step of clock skew allowed
MEETING_STEP_SECONDS = 30


def meeting_token(meeting: Meeting, now: datetime) -> str:
    """The code on the clerk's screen at the door: rotating, signed, naming only the meeting."""
    return signer("assembly").sign(
        f"a.{meeting.id}.{step_of(now, MEETING_STEP_SECONDS)}").decode()


def scan_in(user, token: str, now: datetime | None = None) -> tuple[Meeting, bool]:
    """A member scans the meeting's code with their phone: counted present once. Forged,
    expired or replayed-from-elsewhere codes raise CodeError (the view logs it)."""
    now = now or utcnow()
    first, second = unsign(token, "assembly")
    if not first.isdigit() or not second.isdigit():
        raise CodeError("invalid_code")
    check_step(int(second), now, MEETING_STEP_SECONDS)
    meeting = db.session.get(Meeting, int(first))
    if meeting is None:
        raise CodeError("invalid_code")
    member = _member(meeting, user)
    if member is None:
        raise DomainError("not_member", _l("您不是这次会议的成员，不用签到。"), 403)
    return meeting, attend(user, meeting, member)


def clerk_scan(clerk, meeting: Meeting, token: str, now: datetime | None = None) \
        -> tuple[BodyMember, bool]:
    """The clerk scans a member's own code (the member code from check-in)."""
    now = now or utcnow()
    policy.check(clerk, "council.run", meeting.body.community)
    person = find_member(token, now)
    member = _member(meeting, person)
    if member is None:
        raise DomainError("not_member", _l("这位居民不是这次会议的成员。"), 400)
    return member, attend(clerk, meeting, member, method="clerk")


def members_counted(meeting: Meeting) -> set[int]:
    """The members a meeting counts against: those serving on its day, and any who attended
    and whose term was changed since (still counted, never more present than members)."""
    serving = {m.id for m in bodies.serving(meeting.body, meeting.start_dt.date())}
    attended = set(db.session.scalars(select(MeetingAttendance.member_id).where(
        MeetingAttendance.meeting_id == meeting.id)))
    return serving | attended


def present_count(meeting_id: int) -> int:
    return db.session.scalar(select(func.count(MeetingAttendance.id)).where(
        MeetingAttendance.meeting_id == meeting_id))


def _lock(item: AgendaItem) -> AgendaItem:
    return db.session.scalar(select(AgendaItem).where(AgendaItem.id == item.id)
                             .with_for_update().execution_options(populate_existing=True))


def open_vote(actor, item: AgendaItem) -> AgendaItem:
    policy.check(actor, "council.run", item.meeting.body.community)
    item = _lock(item)
    if item.vote != "pending":
        raise DomainError("vote_not_pending", _l("这个议题的表决已经开始或结束了。"))
    body = item.meeting.body
    draft = latest_draft(item.topic)
    item.vote = "open"
    item.quorum_rule, item.pass_rule, item.roll_call = (body.quorum_rule, body.pass_rule,
                                                        body.roll_call)
    item.draft_number = draft.number if draft is not None else None
    db.session.flush()
    audit.record(actor, "council.open", item, f"议题“{item.topic.title}”开始表决",
                 body.community)
    return item


#: how often one member may change their vote on one item (the log stays bounded)
MAX_CHANGES = 20


def _present_member(item: AgendaItem, member: BodyMember, *, paper: bool) -> None:
    """Present in person to vote on a phone; a member present by proxy votes through the
    holder's paper ballot, which a clerk enters."""
    method = db.session.scalar(select(MeetingAttendance.method).where(
        MeetingAttendance.meeting_id == item.meeting_id,
        MeetingAttendance.member_id == member.id))
    if method is None:
        raise DomainError("not_present", _l("签到出席后才能表决。"), 403)
    if method == "proxy" and not paper:
        raise DomainError("proxy_votes_on_paper", _l(
            "您是委托出席的，由受托人填写纸质表决票，工作人员录入。"), 403)


def _put(item: AgendaItem, member: BodyMember, choice: str, *, actor, paper: bool) -> Vote:
    if choice not in CHOICES:
        raise DomainError("bad_choice", _l("请选择同意、反对或弃权。"), 400)
    item = _lock(item)
    if item.vote != "open":
        raise DomainError("vote_closed" if item.vote == "closed" else "vote_not_open",
                          _l("表决已经结束了。") if item.vote == "closed"
                          else _l("表决还没有开始。"))
    _present_member(item, member, paper=paper)
    vote = db.session.scalar(select(Vote).where(Vote.item_id == item.id,
                                                Vote.member_id == member.id))
    if vote is not None and paper and not vote.paper:
        raise DomainError("voted_on_phone", _l(
            "这位成员已经在手机上表决了，不能再录入纸质票。"), 400)
    changes = db.session.scalar(select(func.count(VoteLog.id)).where(
        VoteLog.item_id == item.id, VoteLog.member_id == member.id))
    if changes >= MAX_CHANGES:
        raise DomainError("too_many_changes", _l("表决意见改得太多次了，请找工作人员。"), 400)
    if vote is None:
        vote = Vote(item_id=item.id, member_id=member.id)
        db.session.add(vote)
    vote.choice, vote.paper, vote.updated_dt = choice, paper, utcnow()
    vote.entered_by_id = actor.id if paper else None
    vote.confirmed_by_id = None
    db.session.add(VoteLog(item_id=item.id, member_id=member.id, choice=choice,
                           kind="paper" if paper else "phone", actor_id=actor.id))
    db.session.flush()
    return vote


def cast(user, item: AgendaItem, choice: str) -> Vote:
    """A present member votes on their phone; a second vote changes the first."""
    member = _member(item.meeting, user)
    if member is None:
        raise DomainError("not_member", _l("只有本议事机构的成员才能表决。"), 403)
    return _put(item, member, choice, actor=user, paper=False)


def enter_paper(actor, item: AgendaItem, member: BodyMember, choice: str) -> Vote:
    """A clerk enters a paper ballot; it counts once another staff member confirms it."""
    policy.check(actor, "council.run", item.meeting.body.community)
    policy.check_not_beneficiary(actor, member.user_id, _l(
        "不能录入自己的纸质表决票，请让另一位工作人员录入。"))
    vote = _put(item, member, choice, actor=actor, paper=True)
    audit.record(actor, "council.paper", item, f"录入 {member.user.name} 的纸质表决票",
                 item.meeting.body.community)
    return vote


def confirm_paper(actor, vote: Vote, seen: str | None = None) -> Vote:
    """A second staff member confirms a paper ballot: never the one who entered it, never
    their own, and only the choice they saw (`seen`) if it has since been re-entered."""
    item = db.session.get(AgendaItem, vote.item_id)
    policy.check(actor, "council.run", item.meeting.body.community)
    item = _lock(item)
    db.session.refresh(vote)
    if vote.entered_by_id == actor.id:
        raise DomainError("self_confirm", _l("纸质票须由另一位工作人员核对确认。"), 403)
    policy.check_not_beneficiary(actor, vote.member.user_id, _l(
        "不能确认自己的表决票，请让另一位工作人员核对。"))
    if item.vote != "open" or not vote.paper or vote.confirmed_by_id is not None:
        raise DomainError("not_confirmable", _l("这张票已经确认过，或表决已经结束。"))
    if seen is not None and seen != vote.choice:
        raise DomainError("ballot_changed", _l("这张票刚被改过，请刷新后重新核对。"))
    vote.confirmed_by_id = actor.id
    db.session.add(VoteLog(item_id=item.id, member_id=vote.member_id, choice=vote.choice,
                           kind="confirm", actor_id=actor.id))
    db.session.flush()
    audit.record(actor, "council.confirm", item, f"核对确认 {vote.member.user.name} 的纸质表决票",
                 item.meeting.body.community)
    return vote


def close_vote(actor, item: AgendaItem, now: datetime | None = None) -> AgendaItem:
    """Count by the body's rules and keep the result; a closed vote never changes."""
    now = now or utcnow()
    meeting = item.meeting
    policy.check(actor, "council.run", meeting.body.community)
    item = _lock(item)
    if item.vote != "open":
        raise DomainError("vote_not_open", _l("表决没有在进行中。"))
    unconfirmed = db.session.scalar(select(func.count(Vote.id)).where(
        Vote.item_id == item.id, Vote.paper.is_(True), Vote.confirmed_by_id.is_(None)))
    if unconfirmed:
        raise DomainError("paper_unconfirmed", _l(
            "还有 %(n)d 张纸质票没有核对确认，请另一位工作人员确认后再计票。", n=unconfirmed))
    choices = dict(db.session.execute(
        select(Vote.choice, func.count()).where(Vote.item_id == item.id)
        .group_by(Vote.choice)).all())
    tally = Tally(members=len(members_counted(meeting)), present=present_count(meeting.id),
                  yes=choices.get("yes", 0), no=choices.get("no", 0),
                  abstain=choices.get("abstain", 0))
    outcome = decide(tally, quorum_rule=item.quorum_rule or meeting.body.quorum_rule,
                     pass_rule=item.pass_rule or meeting.body.pass_rule)
    item.vote, item.closed_by_id, item.closed_dt = "closed", actor.id, now
    item.members, item.present = tally.members, tally.present
    item.yes, item.no, item.abstain = tally.yes, tally.no, tally.abstain
    item.quorate, item.passed = outcome.quorate, outcome.passed
    db.session.flush()
    audit.record(actor, "council.close", item,
                 f"议题“{item.topic.title}”表决结束：同意 {tally.yes}、反对 {tally.no}、"
                 f"弃权 {tally.abstain}，到会 {tally.present}/{tally.members}，"
                 f"{'通过' if outcome.passed else '未通过'}", meeting.body.community)
    return item


def member_of(meeting: Meeting, user) -> BodyMember | None:
    """The user's seat on the meeting's body on the meeting's day, if they have one."""
    return _member(meeting, user)
