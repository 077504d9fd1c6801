"""定内容: an accepted topic's draft is open to public comment for N days, paragraph by
paragraph (a resident taps a paragraph to comment on it: no text selection needed); staff
revise the draft, every version is kept, and the changes between versions are shown."""

from __future__ import annotations

import difflib
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import audit, policy
from portal.council.topic_models import ACCEPTED, Topic, TopicComment, TopicDraft
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow

MAX_COMMENT_DAYS = 60


def latest(topic: Topic) -> TopicDraft | None:
    return db.session.scalar(select(TopicDraft).where(TopicDraft.topic_id == topic.id)
                             .order_by(TopicDraft.number.desc()).limit(1))


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not 2 <= len(text) <= 10000:
        raise DomainError("bad_draft", _l("草案 2 到 10000 字，每段一行。"), 400)
    return text


def _before_the_vote(topic: Topic) -> None:
    """The draft is settled once its vote opens: the text voted on is the text published."""
    from portal.council.meeting_models import AgendaItem

    if db.session.scalar(select(AgendaItem.id).where(
            AgendaItem.topic_id == topic.id, AgendaItem.vote != "pending").limit(1)):
        raise DomainError("voting_started", _l("议题已经开始表决，草案不能再改。"))


def open_comment(actor, topic: Topic, days, now: datetime | None = None) -> TopicDraft:
    """Open the public comment period on the accepted topic's draft (its proposal first)."""
    now = now or utcnow()
    policy.check(actor, "council.review", topic.community)
    _before_the_vote(topic)
    if topic.status != ACCEPTED:
        raise DomainError("not_accepted", _l("议题立项后才能征求意见。"))
    if not isinstance(days, int) or not 1 <= days <= MAX_COMMENT_DAYS:
        raise DomainError("bad_days", _l("征求意见的天数请填 1 到 60。"), 400)
    draft = latest(topic) or _new(actor, topic, _check_text(topic.proposal or topic.problem))
    topic.comment_until_dt = now + timedelta(days=days)
    db.session.flush()
    audit.record(actor, "council.comment_open", topic,
                 f"议题“{topic.title}”征求意见 {days} 天", topic.community)
    return draft


def _new(actor, topic: Topic, text: str) -> TopicDraft:
    number = (db.session.scalar(select(func.max(TopicDraft.number)).where(
        TopicDraft.topic_id == topic.id)) or 0) + 1
    draft = TopicDraft(topic_id=topic.id, number=number, text=text, created_by_id=actor.id)
    db.session.add(draft)
    db.session.flush()
    return draft


def revise(actor, topic: Topic, text: str) -> TopicDraft:
    """A new version of the draft; the old ones and their comments stay."""
    policy.check(actor, "council.review", topic.community)
    _before_the_vote(topic)
    if latest(topic) is None:
        raise DomainError("no_draft", _l("请先开始征求意见。"))
    draft = _new(actor, topic, _check_text(text))
    audit.record(actor, "council.revise", topic,
                 f"修改议题“{topic.title}”草案，第 {draft.number} 版", topic.community)
    return draft


def comment(user, draft: TopicDraft, paragraph, text: str,
            now: datetime | None = None) -> TopicComment:
    now = now or utcnow()
    topic = db.session.get(Topic, draft.topic_id)
    if user.home_zone is None or not topic.community.contains(user.home_zone):
        raise DomainError("other_community", _l("只能对本社区的议题提意见。"), 403)
    if topic.comment_until_dt is None or now > topic.comment_until_dt:
        raise DomainError("comment_closed", _l("征求意见已经结束了。"))
    latest_draft = latest(topic)
    if latest_draft is None or latest_draft.id != draft.id:
        raise DomainError("old_draft", _l("草案已经修改，请对最新的版本提意见。"))
    if not isinstance(paragraph, int) or not 0 <= paragraph < len(draft.paragraphs()):
        raise DomainError("bad_paragraph", _l("请点选要提意见的那一段。"), 400)
    text = (text or "").strip()
    if not 2 <= len(text) <= 500:
        raise DomainError("bad_comment", _l("意见 2 到 500 字。"), 400)
    row = TopicComment(draft_id=draft.id, paragraph=paragraph, user_id=user.id, text=text,
                       created_dt=now)
    db.session.add(row)
    db.session.flush()
    return row


def changes(old: TopicDraft, new: TopicDraft) -> list[tuple[str, str]]:
    """Paragraph by paragraph: ("same" | "removed" | "added", text)."""
    marks = {" ": "same", "-": "removed", "+": "added"}
    return [(marks[line[0]], line[2:])
            for line in difflib.ndiff(old.paragraphs(), new.paragraphs()) if line[0] in marks]
