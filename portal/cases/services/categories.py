"""The community admin's settings for matters: categories (each with its track, time limit,
default unit, and whether it is open to claim) and the units in the area with their contact."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, policy
from portal.accounts.models import User
from portal.cases.models import TRACKS, CaseCategory, CaseUnit
from portal.errors import DomainError
from portal.extensions import db
from portal.zones.models import Zone

#: the seeds' kinds of matter: (name, track, working days, open to claim)
DEFAULT_CATEGORIES = (
    ("环境卫生", "timed", 3, False),
    ("市场秩序", "timed", 2, False),
    ("停车", "joint", 15, False),
    ("邻里纠纷", "timed", 3, False),
    ("房屋漏水", "timed", 5, False),
    ("安全隐患", "instant", 0, False),
    ("助老助残", "timed", 3, True),
    ("政策咨询", "instant", 0, False),
)


def _check_community(actor, community: Zone | None) -> Zone:
    if community is None or community.kind != "community":
        raise DomainError("bad_zone", _l("请选择社区。"), 400)
    policy.check(actor, "cases.categories", community)
    return community


def seed_categories(community: Zone) -> int:
    """Add the default categories a community lacks; returns how many were added."""
    have = set(db.session.scalars(select(CaseCategory.name)
                                  .where(CaseCategory.community_id == community.id)))
    added = 0
    for sort, (name, track, days, claimable) in enumerate(DEFAULT_CATEGORIES):
        if name not in have:
            db.session.add(CaseCategory(community_id=community.id, name=name, track=track,
                                        days=days, claimable=claimable, sort=sort))
            added += 1
    db.session.flush()
    return added


def save_category(actor, category: CaseCategory | None, *, community: Zone | None, name: str,
                  track: str, days, claimable: bool = False, unit: CaseUnit | None = None,
                  is_active: bool = True) -> CaseCategory:
    community = _check_community(actor, community if category is None else category.community)
    name = (name or "").strip()
    if not 2 <= len(name) <= 20:
        raise DomainError("bad_name", _l("类别名称 2 到 20 个字。"), 400)
    if track not in TRACKS:
        raise DomainError("bad_track", _l("请选择办理方式：即办、限时办或商办。"), 400)
    if not isinstance(days, int) or not 0 <= days <= 60:
        raise DomainError("bad_days", _l("办理时限请填 0 到 60 个工作日。"), 400)
    if unit is not None and unit.community_id != community.id:
        raise DomainError("bad_unit", _l("请选择本社区的辖区单位。"), 400)
    taken = db.session.scalar(select(CaseCategory.id).where(
        CaseCategory.community_id == community.id, CaseCategory.name == name))
    if taken is not None and (category is None or taken != category.id):
        raise DomainError("name_taken", _l("已经有同名的类别了。"), 400)
    if category is None:
        category = CaseCategory(community_id=community.id)
        db.session.add(category)
    category.name, category.track, category.claimable = name, track, bool(claimable)
    category.days = 0 if track == "instant" else days
    category.unit_id, category.is_active = (unit.id if unit else None), bool(is_active)
    db.session.flush()
    audit.record(actor, "case.category", category, f"保存事项类别“{name}”", community)
    return category


def save_unit(actor, unit: CaseUnit | None, *, community: Zone | None, name: str,
              contact: User | None, is_active: bool = True) -> CaseUnit:
    community = _check_community(actor, community if unit is None else unit.community)
    name = (name or "").strip()
    if not 2 <= len(name) <= 40:
        raise DomainError("bad_name", _l("单位名称 2 到 40 个字。"), 400)
    if contact is None or not contact.is_active_account:
        raise DomainError("bad_contact", _l("请填写联系人的手机号（须已注册）。"), 400)
    taken = db.session.scalar(select(CaseUnit.id).where(
        CaseUnit.community_id == community.id, CaseUnit.name == name))
    if taken is not None and (unit is None or taken != unit.id):
        raise DomainError("name_taken", _l("已经有同名的单位了。"), 400)
    if unit is None:
        unit = CaseUnit(community_id=community.id)
        db.session.add(unit)
    unit.name, unit.contact_id, unit.is_active = name, contact.id, bool(is_active)
    db.session.flush()
    audit.record(actor, "case.unit", unit, f"保存辖区单位“{name}”", community)
    return unit
