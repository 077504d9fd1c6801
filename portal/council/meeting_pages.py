"""What the meeting pages show, read in a few flat queries: the quorum line, the live counts
per agenda item, the attendance list, the members still to come, the paper ballots waiting for
a second staff member, and the minutes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal import policy
from portal.council import services as bodies
from portal.council.meeting_bp import RUN
from portal.council.meeting_models import AgendaItem, Meeting, MeetingAttendance, Vote
from portal.council.models import Body, BodyMember
from portal.council.rules import quorum_needed
from portal.extensions import db


@dataclass(frozen=True)
class Quorum:
    #: 应到, 到会, 法定 (the fewest present that make a quorum)
    members: int
    present: int
    needed: int

    @property
    def reached(self) -> bool:
        return self.members > 0 and self.present >= self.needed


def serving(meeting: Meeting) -> list[BodyMember]:
    return bodies.serving(meeting.body, meeting.start_dt.date())


def quorum(meeting: Meeting, members: list[BodyMember] | None = None) -> Quorum:
    count = len(members if members is not None else serving(meeting))
    present = db.session.scalar(select(func.count(MeetingAttendance.id)).where(
        MeetingAttendance.meeting_id == meeting.id))
    return Quorum(count, present, quorum_needed(count, meeting.body.quorum_rule))


def attendance(meeting: Meeting) -> list[MeetingAttendance]:
    return list(db.session.scalars(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
        .options(joinedload(MeetingAttendance.member).joinedload(BodyMember.user),
                 joinedload(MeetingAttendance.member).joinedload(BodyMember.zone))
        .order_by(MeetingAttendance.created_dt, MeetingAttendance.id)))


def members_with_users(meeting: Meeting) -> list[BodyMember]:
    """The members serving on the meeting's day, with their names and zones, in one query."""
    day = meeting.start_dt.date()
    return list(db.session.scalars(
        select(BodyMember).where(BodyMember.body_id == meeting.body_id,
                                 BodyMember.term_start <= day,
                                 BodyMember.term_end.is_(None) | (BodyMember.term_end >= day))
        .options(joinedload(BodyMember.user), joinedload(BodyMember.zone))
        .order_by(BodyMember.id)))


@dataclass
class Counts:
    yes: int = 0
    no: int = 0
    abstain: int = 0
    #: paper ballots entered and not yet confirmed by a second staff member
    unconfirmed: int = 0


def live_counts(meeting: Meeting) -> dict[int, Counts]:
    """Each agenda item's votes so far, one grouped query for the whole meeting."""
    counts = {item.id: Counts() for item in meeting.items}
    rows = db.session.execute(
        select(Vote.item_id, Vote.choice,
               (Vote.paper & Vote.confirmed_by_id.is_(None)).label("waiting"), func.count())
        .join(AgendaItem, AgendaItem.id == Vote.item_id)
        .where(AgendaItem.meeting_id == meeting.id)
        .group_by(Vote.item_id, Vote.choice, "waiting")).all()
    for item_id, choice, waiting, n in rows:
        box = counts.setdefault(item_id, Counts())
        setattr(box, choice, getattr(box, choice) + n)
        box.unconfirmed += n if waiting else 0
    return counts


def paper_ballots(meeting: Meeting) -> list[Vote]:
    """Paper ballots on the meeting's open items, waiting for a second staff member."""
    return list(db.session.scalars(
        select(Vote).join(AgendaItem, AgendaItem.id == Vote.item_id)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.vote == "open",
               Vote.paper.is_(True), Vote.confirmed_by_id.is_(None))
        .options(joinedload(Vote.member).joinedload(BodyMember.user)).order_by(Vote.id)))


def votes_by_member(meeting: Meeting) -> dict[tuple[int, int], str]:
    """(item id, member id) -> choice, for the minutes' roll call."""
    rows = db.session.execute(
        select(Vote.item_id, Vote.member_id, Vote.choice)
        .join(AgendaItem, AgendaItem.id == Vote.item_id)
        .where(AgendaItem.meeting_id == meeting.id)).all()
    return {(item_id, member_id): choice for item_id, member_id, choice in rows}


def my_votes(member: BodyMember | None, meeting: Meeting) -> dict[int, str]:
    if member is None:
        return {}
    rows = db.session.execute(
        select(Vote.item_id, Vote.choice).join(AgendaItem, AgendaItem.id == Vote.item_id)
        .where(AgendaItem.meeting_id == meeting.id, Vote.member_id == member.id)).all()
    return dict(rows)


def is_present(member: BodyMember | None, meeting: Meeting) -> bool:
    return member is not None and db.session.scalar(select(MeetingAttendance.id).where(
        MeetingAttendance.meeting_id == meeting.id,
        MeetingAttendance.member_id == member.id)) is not None


def load_meeting(meeting_id: int) -> Meeting | None:
    return db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id)
        .options(joinedload(Meeting.body).joinedload(Body.community),
                 joinedload(Meeting.items).joinedload(AgendaItem.topic)))


def staff_meeting(meeting_id: int) -> Meeting:
    """The meeting, if the viewer keeps its body's community: 404, then 403."""
    meeting = load_meeting(meeting_id)
    if meeting is None:
        abort(404)
    if not policy.can(current_user, RUN, meeting.body.community):
        abort(403)
    return meeting


def meetings_of(community_ids: list[int], *, limit: int = 50) -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).join(Body, Body.id == Meeting.body_id)
        .where(Body.community_id.in_(community_ids))
        .options(joinedload(Meeting.body))
        .order_by(Meeting.start_dt.desc()).limit(limit)))


def my_meetings(user, *, since: datetime, limit: int = 30) -> list[Meeting]:
    """Meetings of the bodies the user serves on (on the meeting's day), from `since` on."""
    rows = db.session.execute(
        select(Meeting, BodyMember).join(BodyMember, BodyMember.body_id == Meeting.body_id)
        .where(BodyMember.user_id == user.id, Meeting.start_dt >= since)
        .options(joinedload(Meeting.body)).order_by(Meeting.start_dt).limit(limit)).all()
    return [meeting for meeting, seat in rows if seat.serves_on(meeting.start_dt.date())]


def method_counts(rows: list[MeetingAttendance]) -> Counter:
    return Counter(row.method for row in rows)
