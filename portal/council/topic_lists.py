"""The lists the topic pages show: a community's topics by stage, the branch's review queue,
a topic's draft versions and comments by paragraph, and a topic's meeting result. Each is a
fixed number of queries, however many rows it shows."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import joinedload

from portal import policy
from portal.accounts.models import User
from portal.council.meeting_models import AgendaItem
from portal.council.models import Body, BodyMember
from portal.council.topic_models import (
    ACCEPTED,
    BACKING,
    DECLINED,
    MOVED_UP,
    REVIEW,
    WITHDRAWN,
    Topic,
    TopicBacker,
    TopicComment,
    TopicDraft,
)
from portal.extensions import db
from portal.zones.models import Zone

PAGE_SIZE = 20
#: the review queue is what waits on the branch now; more than this is a backlog to page by
QUEUE_LIMIT = 100
#: the newest comments a draft's page shows (the page stays small on a weak signal)
COMMENT_LIMIT = 200

#: a topic's stage, as residents follow it: 联署中, 待立项, 征求意见, 已立项 (or on a meeting's
#: agenda), 已表决, 已上移街道, 未立项
STAGES = ("backing", "review", "comment", "accepted", "decided", "moved_up", "declined")


def _closed():
    return select(AgendaItem.topic_id).where(AgendaItem.vote == "closed")


def stage_filter(stage: str, now: datetime):
    """The SQL condition for topics at `stage` (any stage but withdrawn for "")."""
    in_comment = and_(Topic.comment_until_dt.is_not(None), Topic.comment_until_dt >= now)
    accepted = and_(Topic.status == ACCEPTED, not_(Topic.id.in_(_closed())))
    return {
        "backing": Topic.status == BACKING,
        "review": Topic.status == REVIEW,
        "comment": and_(accepted, in_comment),
        "accepted": and_(accepted, not_(in_comment)),
        "decided": and_(Topic.status == ACCEPTED, Topic.id.in_(_closed())),
        "moved_up": Topic.status == MOVED_UP,
        "declined": Topic.status == DECLINED,
    }.get(stage, Topic.status != WITHDRAWN)


def stage_of(topic: Topic, item: AgendaItem | None, now: datetime) -> str:
    """The stage of one topic, given its latest agenda item (agenda_items)."""
    if topic.status != ACCEPTED:
        return {BACKING: "backing", REVIEW: "review", MOVED_UP: "moved_up",
                WITHDRAWN: "withdrawn"}.get(topic.status, "declined")
    if item is not None and item.vote == "closed":
        return "decided"
    if topic.comment_until_dt is not None and topic.comment_until_dt >= now:
        return "comment"
    return "accepted"


def community_topics(community: Zone, stage: str, page: int, now: datetime):
    stmt = (select(Topic).where(Topic.community_id == community.id, stage_filter(stage, now))
            .order_by(Topic.created_dt.desc(), Topic.id.desc()))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def agenda_items(topic_ids) -> dict[int, AgendaItem]:
    """Each topic's latest agenda item (a closed one first): its meeting and result."""
    if not topic_ids:
        return {}
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.topic_id.in_(list(topic_ids)))
        .options(joinedload(AgendaItem.meeting)).order_by(AgendaItem.id))
    found: dict[int, AgendaItem] = {}
    for item in items:
        kept = found.get(item.topic_id)
        if kept is None or kept.vote != "closed" or item.vote == "closed":
            found[item.topic_id] = item
    return found


def has_backed(user, topic: Topic) -> bool:
    return db.session.scalar(select(TopicBacker.id).where(
        TopicBacker.topic_id == topic.id, TopicBacker.user_id == user.id).limit(1)) is not None


def versions(topic: Topic) -> list[TopicDraft]:
    return list(db.session.scalars(select(TopicDraft).where(TopicDraft.topic_id == topic.id)
                                   .order_by(TopicDraft.number)))


def comments_by_paragraph(draft: TopicDraft) -> dict[int, list[tuple[TopicComment, str]]]:
    """The draft's newest comments with their writer's name, by paragraph, oldest first
    under each."""
    rows = db.session.execute(
        select(TopicComment, User.name).join(User, User.id == TopicComment.user_id)
        .where(TopicComment.draft_id == draft.id)
        .order_by(TopicComment.id.desc()).limit(COMMENT_LIMIT)).all()
    grouped: dict[int, list[tuple[TopicComment, str]]] = {}
    for row, name in reversed(rows):
        grouped.setdefault(row.paragraph, []).append((row, name))
    return grouped


def comment_counts(topic: Topic) -> dict[int, int]:
    """How many comments each version of the topic's draft has had: {draft id: n}."""
    return dict(db.session.execute(
        select(TopicComment.draft_id, func.count()).join(TopicDraft)
        .where(TopicDraft.topic_id == topic.id).group_by(TopicComment.draft_id)).all())


def _in_scope(viewer):
    return (select(Topic).join(Zone, Zone.id == Topic.community_id)
            .where(policy.zone_filter(viewer, "council.review", Zone.path))
            .options(joinedload(Topic.community)))


def review_queue(viewer) -> list[Topic]:
    """Topics waiting on the viewer's branches: the soonest due (so the overdue) first."""
    return list(db.session.scalars(
        _in_scope(viewer).where(Topic.status == REVIEW)
        .order_by(Topic.review_due_dt, Topic.id).limit(QUEUE_LIMIT)))


def accepted_in_scope(viewer, page: int):
    """Accepted topics, for opening and revising their drafts; newest first."""
    stmt = (_in_scope(viewer).where(Topic.status == ACCEPTED)
            .order_by(Topic.id.desc()))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def serving_communities(user, day: date) -> list[Zone]:
    """The communities where the user serves on a body as a representative today."""
    return list(db.session.scalars(
        select(Zone).join(Body, Body.community_id == Zone.id)
        .join(BodyMember, BodyMember.body_id == Body.id)
        .where(BodyMember.user_id == user.id, BodyMember.term_start <= day,
               BodyMember.term_end.is_(None) | (BodyMember.term_end >= day)).distinct()))
