"""议题: a topic raised by a resident (and backed by others until the community's threshold),
or directly by staff, a party branch or a representative; reviewed by the community's party
branch (定议题) within 2 working days: accepted, declined with a reason, or moved up to the
街道 (议题上移)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.states import Step, sql_list, step
from portal.types import UTCDateTime, utcnow

STATUSES = ("backing", "review", "accepted", "declined", "moved_up", "withdrawn")
#: 征集联署, 待审核, 已立项, 未立项, 已上移街道, 已撤回
BACKING, REVIEW, ACCEPTED, DECLINED, MOVED_UP, WITHDRAWN = STATUSES
SOURCES = ("resident", "staff", "branch", "representative", "case")
#: who may take a step: the resident who raised it, the branch that reviews (council.review)
PROPOSER, BRANCH = "proposer", "branch"

TRANSITIONS: dict[str, Step] = {
    # the backing that reaches the threshold moves it on: no viewer takes this step
    "to_review": step({BACKING}, REVIEW, ()),
    "accept": step({REVIEW}, ACCEPTED, {BRANCH}),
    "decline": step({REVIEW}, DECLINED, {BRANCH}),
    "move_up": step({REVIEW}, MOVED_UP, {BRANCH}),
    "withdraw": step({BACKING, REVIEW}, WITHDRAWN, {PROPOSER}),
}


class Topic(db.Model):
    __tablename__ = "council_topics"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_list(STATUSES)})", name="status"),
        CheckConstraint(f"source IN ({sql_list(SOURCES)})", name="source"),
        CheckConstraint("backers >= 0 AND threshold >= 0", name="counts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    title: Mapped[str] = mapped_column(String(40))
    problem: Mapped[str] = mapped_column(Text, default="")
    proposal: Mapped[str] = mapped_column(Text, default="")
    photos: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(16), default="resident")
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: a 商办 matter of the 四单办结 loop this topic came from
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    status: Mapped[str] = mapped_column(String(10), default=BACKING, index=True)
    #: residents backing it (TopicBacker), the raiser not counted, and the number it needs
    backers: Mapped[int] = mapped_column(default=0)
    threshold: Mapped[int] = mapped_column(default=0)
    #: backed by households, one each (the community's one-fifth-of-households rule)
    by_household: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: when it reached the branch, and by when the branch should decide (2 working days)
    review_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_due_dt: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: why it was declined or moved up, shown to the raiser and its backers
    decision_note: Mapped[str] = mapped_column(String(300), default="")
    #: the public comment period (定内容) on its draft ends then
    comment_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    community = relationship("Zone")
    raised_by = relationship("User", foreign_keys=[raised_by_id])

    def allows(self, action: str) -> bool:
        return self.status in TRANSITIONS[action].frm


class TopicBacker(db.Model):
    """A resident backing a topic (联署): once per resident per topic, and once per household
    where the community counts backing by households (household_id set; NULLs never clash)."""

    __tablename__ = "council_topic_backers"
    __table_args__ = (
        UniqueConstraint("topic_id", "user_id", name="council_topic_backer"),
        UniqueConstraint("topic_id", "household_id", name="council_topic_backer_household"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("council_topics.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TopicDraft(db.Model):
    """A version of a topic's draft proposal: staff revise it and every version is kept."""

    __tablename__ = "council_topic_drafts"
    __table_args__ = (UniqueConstraint("topic_id", "number", name="council_topic_draft"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("council_topics.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def paragraphs(self) -> list[str]:
        """The draft by paragraph, as residents tap them: one per non-empty line."""
        return [line.strip() for line in self.text.splitlines() if line.strip()]


class TopicComment(db.Model):
    """A resident's comment on one paragraph of one draft."""

    __tablename__ = "council_topic_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("council_topic_drafts.id"), index=True)
    paragraph: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
