"""在职党员报到: a resident declares party membership, a community admin verifies it (or
returns it with a reason), and admins keep the list of service posts members choose from."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import audit, policy
from portal.accounts.models import PartyMembership, ServicePost, User
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow

#: the posts the seed documents name; the list an admin edits starts with these
SERVICE_POSTS = ("政策宣传", "扶贫帮困", "环境整治", "治安巡逻", "文化活动", "医疗保健",
                 "法律服务", "助老助残")


def declare_party_membership(user: User, *, work_unit: str, branch: str, skills: str,
                             service_posts: list[str]) -> PartyMembership:
    """A resident declares (or re-declares after a rejection) in-service party membership."""
    work_unit, branch = (work_unit or "").strip(), (branch or "").strip()
    if not work_unit or len(work_unit) > 100:
        raise DomainError("bad_work_unit", _l("请填写工作单位（最多 100 字）。"), 400)
    if not branch or len(branch) > 100:
        raise DomainError("bad_branch", _l("请填写所在党支部（最多 100 字）。"), 400)
    if any(post not in service_post_names() for post in service_posts):
        raise DomainError("bad_post", _l("请从列表中选择服务岗位。"), 400)
    membership = user.party
    if membership is not None and membership.status == "verified":
        raise DomainError("already_verified", _l("您的党员身份已经核验，如需修改请联系社区。"))
    if membership is None:
        membership = PartyMembership(user=user)
        db.session.add(membership)
    membership.work_unit = work_unit
    membership.branch = branch
    membership.skills = (skills or "").strip()[:500]
    membership.service_posts = list(service_posts)
    membership.status = "pending"
    membership.review_note = ""
    membership.declared_dt = utcnow()
    db.session.flush()
    audit.record(user, "party.declare", membership, f"{user.name} 申报在职党员报到", user.home_zone)
    return membership


def review_party_membership(actor, membership: PartyMembership, *, approve: bool,
                            note: str = "") -> PartyMembership:
    """A community admin verifies (报到) or rejects, with a reason for a rejection."""
    user = membership.user
    policy.check(actor, "party.verify", user.home_zone)
    policy.check_not_beneficiary(actor, user.id, _l(
        "不能核验自己的党员报到，请让另一位管理员核验。"))
    if membership.status != "pending":
        raise DomainError("not_pending", _l("这条申报已经处理过了。"))
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError("needs_reason", _l("退回时请写明原因。"), 400)
    membership.status = "verified" if approve else "rejected"
    membership.review_note = note[:200]
    membership.reviewed_by_id = actor.id
    membership.reviewed_dt = utcnow()
    verb = "核验通过" if approve else "退回"
    audit.record(actor, "party.review", membership, f"{verb} {user.name} 的党员报到",
                 user.home_zone)
    db.session.flush()
    return membership


# ------------------------------------------------------------------ service posts (岗位)


def service_post_names() -> list[str]:
    """The posts a declaration may name: the admins' list, or the default eight until then."""
    rows = db.session.execute(select(ServicePost.name, ServicePost.is_active)
                              .order_by(ServicePost.sort, ServicePost.id)).all()
    if not rows:
        return list(SERVICE_POSTS)
    return [name for name, active in rows if active]


def all_service_posts():
    """Every post, retired ones too, writing the default eight down on first use."""
    posts = list(db.session.scalars(select(ServicePost).order_by(ServicePost.sort,
                                                                 ServicePost.id)))
    if not posts:
        posts = [ServicePost(name=name, sort=i) for i, name in enumerate(SERVICE_POSTS)]
        db.session.add_all(posts)
        db.session.flush()
    return posts


def save_service_post(actor, post, *, name: str, is_active: bool = True):
    """Add a post, or rename or retire one. Declarations keep the names they chose."""
    policy.check(actor, "party.posts")
    all_service_posts()
    name = (name or "").strip()
    if not 2 <= len(name) <= 20:
        raise DomainError("bad_name", _l("岗位名称 2 到 20 个字。"), 400)
    clash = db.session.scalar(select(ServicePost.id).where(ServicePost.name == name))
    if clash is not None and (post is None or clash != post.id):
        raise DomainError("name_taken", _l("已经有这个岗位了。"))
    if post is None:
        top = db.session.scalar(select(func.max(ServicePost.sort))) or 0
        post = ServicePost(name=name, sort=top + 1)
        db.session.add(post)
    post.name, post.is_active = name, bool(is_active)
    db.session.flush()
    audit.record(actor, "party.post", post, f"保存服务岗位“{name}”"
                 f"{'' if post.is_active else '（停用）'}", None)
    return post
