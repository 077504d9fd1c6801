"""积分规则: admins keep the rules; residents read them."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, policy
from portal.errors import DomainError
from portal.extensions import db
from portal.points.amounts import format_points, parse_points
from portal.points.models import PointsRule

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")

#: from the seed documents: 参与志愿活动 1 分, 调处纠纷 1.5 分, 救灾救人 3 分; plus hourly service
DEFAULT_RULES = [
    ("volunteer_activity", "参与志愿活动", "fixed", 10, None,
     "参加社区组织的一次志愿活动，记 1 分。"),
    ("mediation", "调处纠纷", "fixed", 15, None, "协助调解邻里纠纷并化解矛盾，每次记 1.5 分。"),
    ("rescue", "救灾救人", "fixed", 30, None, "在灾情或险情中救助他人，每次记 3 分。"),
    ("volunteer_hour", "志愿服务（按小时）", "per_hour", 10, 40,
     "排班志愿服务按实际服务时长计分，每小时 1 分，每个班次最多 4 分。"),
    ("wish_fulfilled", "圆梦微心愿", "fixed", 20, None,
     "认领并完成一个微心愿，经居民确认后给认领的党员记 2 分。停用本规则则不记分。"),
    ("convention_signed", "签署微公约", "fixed", 10, None,
     "每户在手机上签署一份微公约，给最先签署的家庭成员记 1 分，每户每份公约只记一次；"
     "纸质签名不记分。本规则默认停用，社区启用后才记分。"),
]

#: optional rules: seeded switched off, so a community turns them on deliberately
OFF_BY_DEFAULT = {"convention_signed"}


def active_rules() -> list[PointsRule]:
    return list(db.session.scalars(
        select(PointsRule).where(PointsRule.is_active.is_(True)).order_by(PointsRule.id)))


def save_rule(actor, rule: PointsRule | None, *, code: str, name: str, mode: str, points: str,
              cap: str, description: str, is_active: bool) -> PointsRule:
    """Create (rule None) or update a rule. Only admins; rules are community-wide."""
    policy.check(actor, "points.rules")
    code = (code or "").strip().lower()
    name = (name or "").strip()
    if not CODE_RE.match(code):
        raise DomainError("bad_code", _l("编码用小写字母、数字和下划线，2 到 32 位。"), 400)
    clash = db.session.scalar(select(PointsRule.id).where(PointsRule.code == code))
    if clash is not None and (rule is None or clash != rule.id):
        raise DomainError("code_taken", _l("编码 %(code)s 已被使用。", code=code))
    if not 1 <= len(name) <= 60:
        raise DomainError("bad_name", _l("名称不能为空，最多 60 个字。"), 400)
    if mode not in ("fixed", "per_hour"):
        raise DomainError("bad_mode", _l("请选择计分方式。"), 400)
    points_tenths = parse_points(points)
    cap_tenths = parse_points(cap) if (cap or "").strip() and mode == "per_hour" else None
    if rule is None:
        rule = PointsRule(code=code)
        db.session.add(rule)
    rule.code, rule.name, rule.mode = code, name, mode
    rule.points_tenths, rule.cap_tenths = points_tenths, cap_tenths
    rule.description = (description or "").strip()[:1000]
    rule.is_active = bool(is_active)
    db.session.flush()
    audit.record(actor, "rule.save", rule,
                 f"保存积分规则 {name}（{format_points(points_tenths)} 分）", None)
    return rule


def seed_default_rules() -> None:
    for code, name, mode, points, cap, description in DEFAULT_RULES:
        if db.session.scalar(select(PointsRule.id).where(PointsRule.code == code)) is None:
            db.session.add(PointsRule(code=code, name=name, mode=mode, points_tenths=points,
                                      cap_tenths=cap, description=description,
                                      is_active=code not in OFF_BY_DEFAULT))
    db.session.flush()
