"""After the vote: the published outcome (公示) of a topic's closed vote, kept on the public
list for COUNCIL_PUBLISH_DAYS days, its roll call where the body's rule says so, and the
progress notes on carrying it out (落实进展). Flushes, never commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import audit, policy
from portal.council.meeting_models import AgendaItem, Meeting, TopicProgress, Vote
from portal.council.models import BodyMember
from portal.council.topic_models import Topic
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow

#: progress notes a topic's outcome page shows, newest first
PROGRESS_SHOWN = 50


def _closed():
    return (select(AgendaItem).where(AgendaItem.vote == "closed")
            .options(joinedload(AgendaItem.topic),
                     joinedload(AgendaItem.meeting).joinedload(Meeting.body)))


def published(community_id: int | None, now: datetime | None = None, *, limit: int = 100) \
        -> list[AgendaItem]:
    """Votes closed within the last COUNCIL_PUBLISH_DAYS days, newest first: in one community,
    or in all of them."""
    now = now or utcnow()
    days = max(int(current_app.config.get("COUNCIL_PUBLISH_DAYS", 7)), 0)
    stmt = _closed().where(AgendaItem.closed_dt >= now - timedelta(days=days))
    if community_id is not None:
        stmt = stmt.join(Topic, Topic.id == AgendaItem.topic_id).where(
            Topic.community_id == community_id)
    return list(db.session.scalars(stmt.order_by(AgendaItem.closed_dt.desc(),
                                                 AgendaItem.id.desc()).limit(limit)))


def result_of(topic_id: int) -> AgendaItem | None:
    """The topic's latest closed vote (a vote without a quorum may be held again)."""
    return db.session.scalar(_closed().where(AgendaItem.topic_id == topic_id)
                             .order_by(AgendaItem.closed_dt.desc(), AgendaItem.id.desc())
                             .limit(1))


def roll_call(item: AgendaItem) -> list[tuple[str, str]]:
    """(name, choice) for each counted vote, only where the body votes by roll call; an empty
    list otherwise, so no page can show names the rule keeps back."""
    if not item.roll_call:  # as it stood when the vote opened
        return []
    rows = db.session.execute(
        select(BodyMember, Vote.choice).join(Vote, Vote.member_id == BodyMember.id)
        .where(Vote.item_id == item.id)
        .options(joinedload(BodyMember.user)).order_by(BodyMember.id)).all()
    return [(member.user.name, choice) for member, choice in rows]


def add_progress(actor, topic: Topic, text: str, now: datetime | None = None) -> TopicProgress:
    """Staff note how a decided topic is being carried out; it shows on the public outcome."""
    policy.check(actor, "council.bodies", topic.community)
    if result_of(topic.id) is None:
        raise DomainError("not_decided", _l("这个议题还没有表决结果，不能记录落实进展。"), 400)
    text = (text or "").strip()
    if not 2 <= len(text) <= 500:
        raise DomainError("bad_text", _l("落实进展 2 到 500 字。"), 400)
    note = TopicProgress(topic_id=topic.id, text=text, by_id=actor.id,
                         created_dt=now or utcnow())
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "council.progress", topic, f"记录议题“{topic.title}”的落实进展",
                 topic.community)
    return note


def progress_of(topic_id: int) -> list[TopicProgress]:
    return list(db.session.scalars(
        select(TopicProgress).where(TopicProgress.topic_id == topic_id)
        .order_by(TopicProgress.created_dt.desc(), TopicProgress.id.desc())
        .limit(PROGRESS_SHOWN)))


