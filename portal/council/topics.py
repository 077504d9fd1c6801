"""Raising and reviewing topics (议题): a resident proposes and others back it (联署) until the
community's threshold; staff, the party branch or a representative raise one directly; the
branch accepts it, declines it with a reason, or moves it up to the 街道 (议题上移), within 2
working days of it reaching them. Each count and step is a guarded UPDATE: 20 residents
backing at once give 20 backers and one move to review."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal import audit, policy
from portal.accounts.models import User
from portal.cases.models import JOINT, Case
from portal.cases.workdays import due_after
from portal.conventions.services import household_of
from portal.council import services as bodies
from portal.council.models import Body, BodyMember
from portal.council.topic_models import (
    BACKING,
    REVIEW,
    TRANSITIONS,
    Topic,
    TopicBacker,
)
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.inbox.services import notify
from portal.types import utcnow
from portal.zones.models import Zone
from portal.zones.services import community_of

#: working days the party branch has to decide
REVIEW_DAYS = 2
DECISIONS = {"accept": "已立项", "decline": "未立项", "move_up": "已上移街道"}
#: photos a resident may add to a topic
MAX_PHOTOS = 3


def link(topic: Topic) -> str:
    """The topic's page, for inbox messages (made outside a request too)."""
    return f"/council/{topic.id}"


def _take(topic: Topic, action: str, *where, **values) -> bool:
    step = TRANSITIONS[action]
    moved = db.session.execute(
        update(Topic).where(Topic.id == topic.id, Topic.status.in_(step.frm), *where)
        .values(status=step.to, **values).execution_options(synchronize_session=False)).rowcount
    db.session.expire(topic)
    return moved == 1


def _text(title: str, problem: str, proposal: str) -> tuple[str, str, str]:
    title, problem, proposal = ((v or "").strip() for v in (title, problem, proposal))
    if not 2 <= len(title) <= 40:
        raise DomainError("bad_title", _l("议题标题 2 到 40 个字。"), 400)
    if not 2 <= len(problem) <= 2000:
        raise DomainError("bad_problem", _l("请说明遇到的问题（2 到 2000 字）。"), 400)
    if len(proposal) > 5000:
        raise DomainError("bad_proposal", _l("建议的办法最多 5000 字。"), 400)
    return title, problem, proposal


def _review_values(now: datetime) -> dict:
    return {"review_dt": now, "review_due_dt": due_after(now, REVIEW_DAYS)}


def propose(user: User, *, title: str, problem: str, proposal: str = "",
            photos: list[str] | None = None, now: datetime | None = None) -> Topic:
    """A resident proposes a topic of their own community (with up to 3 photos, already
    saved by the view); it collects backers first."""
    now = now or utcnow()
    community = community_of(user.home_zone) if user.home_zone else None
    if community is None:
        raise DomainError("no_home", _l("请先在“我的”里填写居住的小区或楼栋。"), 400)
    title, problem, proposal = _text(title, problem, proposal)
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise DomainError("too_many_photos", _l("最多上传 3 张照片。"), 400)
    threshold, by_household = bodies.backing_rule(community)
    topic = Topic(community_id=community.id, title=title, problem=problem, proposal=proposal,
                  photos=photos, source="resident", raised_by_id=user.id, threshold=threshold,
                  by_household=by_household,
                  status=BACKING if threshold else REVIEW, created_dt=now,
                  **({} if threshold else _review_values(now)))
    db.session.add(topic)
    db.session.flush()
    return topic


def _may_raise_as(actor, community: Zone, source: str, day) -> bool:
    if source == "staff":
        return policy.can(actor, "council.raise", community)
    if source == "branch":
        return policy.can(actor, "council.review", community)
    if source == "representative":
        return db.session.scalar(
            select(BodyMember.id).join(Body).where(
                BodyMember.user_id == actor.id, Body.community_id == community.id,
                BodyMember.term_start <= day,
                (BodyMember.term_end.is_(None)) | (BodyMember.term_end >= day)).limit(1)
        ) is not None
    return False


def serves_as_representative(user, community: Zone | None, day) -> bool:
    return community is not None and _may_raise_as(user, community, "representative", day)


def raise_directly(actor, community: Zone | None, *, source: str, title: str, problem: str,
                   proposal: str = "", photos: list[str] | None = None,
                   now: datetime | None = None) -> Topic:
    """Staff, the party branch or a serving representative put a topic straight to review."""
    now = now or utcnow()
    if community is None or community.kind != "community":
        raise DomainError("bad_zone", _l("请选择社区。"), 400)
    if not _may_raise_as(actor, community, source, now.date()):
        if source == "representative":
            raise DomainError("not_representative", _l("您不是本社区在任的居民代表。"), 400)
        raise NotAllowed()
    title, problem, proposal = _text(title, problem, proposal)
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise DomainError("too_many_photos", _l("最多上传 3 张照片。"), 400)
    topic = Topic(community_id=community.id, title=title, problem=problem, proposal=proposal,
                  photos=photos, source=source, raised_by_id=actor.id, threshold=0,
                  status=REVIEW, created_dt=now, **_review_values(now))
    db.session.add(topic)
    db.session.flush()
    audit.record(actor, "council.raise", topic, f"直接提出议题“{title}”", community)
    return topic


def from_case(actor, case: Case, now: datetime | None = None) -> Topic:
    """A 商办 matter of the 四单办结 loop becomes a topic (source "case"), straight to the
    party branch's review; once per matter."""
    now = now or utcnow()
    policy.check(actor, "council.raise", case.community)
    if case.track != JOINT:
        raise DomainError("not_joint", _l("只有“商办”的事项可以转为议题。"), 400)
    if db.session.scalar(select(Topic.id).where(Topic.case_id == case.id).limit(1)):
        raise DomainError("already_topic", _l("这件事项已经转为议题了。"))
    title, problem, _proposal = _text(case.title, case.details or case.title, "")
    topic = Topic(community_id=case.community_id, title=title, problem=problem, proposal="",
                  source="case", case_id=case.id, raised_by_id=actor.id, threshold=0,
                  status=REVIEW, created_dt=now, **_review_values(now))
    db.session.add(topic)
    db.session.flush()
    audit.record(actor, "council.raise", topic,
                 f"事项 {case.number} 转为议题“{title}”", case.community)
    return topic


def back(user: User, topic: Topic, now: datetime | None = None) -> bool:
    """联署: a resident of the community backs a topic once (and, where the topic counts by
    household, one member of each household). Returns False when they already had. The
    backing that reaches the threshold sends the topic to the party branch."""
    now = now or utcnow()
    if user.id == topic.raised_by_id:
        raise DomainError("own_topic", _l("这是您自己提出的议题，不用再联署。"))
    if user.home_zone is None or not topic.community.contains(user.home_zone):
        raise DomainError("other_community", _l("只能联署本社区的议题。"), 403)
    if topic.status != BACKING:
        raise DomainError("not_backing", _l("这个议题已经不再征集联署了。"))
    household = household_of(user) if topic.by_household else None
    if topic.by_household and household is None:
        raise DomainError("no_household", _l(
            "这个议题按户联署：请先在“我的 → 我家”填写您家的门牌。"), 400)
    try:
        with db.session.begin_nested():
            db.session.add(TopicBacker(topic_id=topic.id, user_id=user.id, created_dt=now,
                                       household_id=household.id if household else None))
    except IntegrityError:
        if household is None or db.session.scalar(select(TopicBacker.id).where(
                TopicBacker.topic_id == topic.id, TopicBacker.user_id == user.id)):
            return False
        raise DomainError("household_backed", _l(
            "您家已经有人联署了这个议题，每户算一次。")) from None
    db.session.execute(update(Topic).where(Topic.id == topic.id)
                       .values(backers=Topic.backers + 1))
    if _take(topic, "to_review", Topic.backers >= Topic.threshold, **_review_values(now)):
        notify(topic.raised_by_id, "council.review", f"议题联署已满：{topic.title}",
               "议题已提交社区党组织审核，2 个工作日内答复。", link(topic))
    db.session.expire(topic)
    return True


def review(actor, topic: Topic, decision: str, note: str = "",
           now: datetime | None = None) -> Topic:
    """定议题: the party branch accepts, declines (with a reason) or moves up (with a reason)."""
    now = now or utcnow()
    policy.check(actor, "council.review", topic.community)
    policy.check_not_beneficiary(actor, topic.raised_by_id, _l(
        "不能审核自己提出的议题，请让党组织的另一位成员审核。"))
    if decision not in DECISIONS:
        raise DomainError("bad_decision", _l("请选择立项、不立项或上移街道。"), 400)
    note = (note or "").strip()
    if decision != "accept" and not 2 <= len(note) <= 300:
        raise DomainError("needs_reason", _l("不立项或上移街道时请写明原因（2 到 300 字）。"), 400)
    if len(note) > 300:
        raise DomainError("needs_reason", _l("说明最多 300 字。"), 400)
    if not _take(topic, decision, decided_by_id=actor.id, decided_dt=now, decision_note=note):
        raise DomainError("not_in_review", _l("这个议题已经审核过了，或还在征集联署。"))
    people = [topic.raised_by_id, *db.session.scalars(
        select(TopicBacker.user_id).where(TopicBacker.topic_id == topic.id))]
    for user_id in dict.fromkeys(people):
        notify(user_id, "council.reviewed", f"议题{DECISIONS[decision]}：{topic.title}",
               note, link(topic))
    audit.record(actor, "council.review", topic,
                 f"议题“{topic.title}”{DECISIONS[decision]}{'：' + note if note else ''}",
                 topic.community)
    return topic


def overdue_reviews(viewer, now: datetime | None = None) -> list[Topic]:
    """Topics waiting on the branch past their 2 working days, in the viewer's scope."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(Topic).join(Zone, Zone.id == Topic.community_id)
        .where(Topic.status == REVIEW, Topic.review_due_dt < now,
               policy.zone_filter(viewer, "council.review", Zone.path))
        .order_by(Topic.review_due_dt)))
