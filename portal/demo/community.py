"""The demo street's people: zones, residents, staff roles, party members, points, a move."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from portal.accounts import moves
from portal.accounts.models import PartyMembership, RoleGrant, User
from portal.accounts.move_models import MoveRequest
from portal.demo import lookup
from portal.extensions import db
from portal.points import awards, hours, ledger
from portal.points.award_models import Award
from portal.points.models import PointsRule
from portal.points.rules import seed_default_rules
from portal.types import utcnow
from portal.zones.models import Zone

DEMO_PASSWORD = "demo1234"

#: (code, name, kind, parent code)
ZONES = [
    ("DC", "东川街道", "street", None),
    ("DC-XA", "新安路社区", "community", "DC"),
    ("DC-XA-01", "桥头市场网格", "grid", "DC-XA"),
    ("DC-XA-02", "新安小区网格", "grid", "DC-XA"),
    ("DC-XA-02-01", "新安小区1栋", "building", "DC-XA-02"),
    ("DC-XA-02-02", "新安小区2栋", "building", "DC-XA-02"),
    ("DC-XA-02-03", "新安小区3栋", "building", "DC-XA-02"),
    ("DC-XA-03", "锦绣花园网格", "grid", "DC-XA"),
    ("DC-XA-03-05", "锦绣花园5栋", "building", "DC-XA-03"),
    ("DC-XA-03-06", "锦绣花园6栋", "building", "DC-XA-03"),
    ("DC-DM", "东梅社区", "community", "DC"),
    ("DC-DM-01", "东梅小区网格", "grid", "DC-DM"),
    ("DC-DM-01-08", "东梅小区8栋", "building", "DC-DM-01"),
    ("DC-DM-01-09", "东梅小区9栋", "building", "DC-DM-01"),
    ("DC-DM-02", "拱辰里网格", "grid", "DC-DM"),
    ("DC-DM-02-12", "拱辰里12号楼", "building", "DC-DM-02"),
]

#: (phone, name, home zone code, label printed by seed-demo or None)
USERS = [
    ("13900000001", "王秀英", "DC-XA-02-01", "居民 resident"),
    ("13900000002", "李建国", "DC-XA-02-02", "在职党员 party member"),
    ("13900000003", "陈志强", "DC-XA-02-03", "协调员 coordinator"),
    ("13900000004", "林美华", "DC-XA-03-05", "超市管理员 clerk"),
    ("13900000005", "张丽", "DC-XA-03-06", "社区管理员 admin"),
    ("13900000009", "黄志永", "DC-DM-02-12", "街道超级管理员 superadmin"),
    ("13900000011", "赵桂兰", "DC-XA-02-01", None),
    ("13900000012", "刘强", "DC-XA-01", None),
    ("13900000013", "周敏", "DC-DM-01-08", None),
    ("13900000014", "吴海燕", "DC-XA-03-05", None),
    ("13900000015", "郑晓东", "DC-DM-01-09", None),
]

#: (phone, role, zone code)
GRANTS = [
    ("13900000003", "coordinator", "DC-XA"),
    ("13900000004", "clerk", "DC-XA"),
    ("13900000005", "admin", "DC-XA"),
    ("13900000009", "superadmin", None),
]

#: (phone, work unit, branch, skills, posts, status)
PARTY = [
    ("13900000002", "东川区税务局", "区税务局第二党支部", "熟悉税务和社保政策，会修小家电",
     ["政策宣传", "助老助残"], "verified"),
    ("13900000014", "东川区人民医院", "区人民医院内科党支部", "护士，会量血压、做健康宣教",
     ["医疗保健", "助老助残"], "pending"),
]




def seed_community() -> User:
    """The street's zones, its people, their roles and party records, where missing.
    Returns the community admin (张丽), who stands behind the other seeders' staff acts."""
    for code, name, kind, parent_code in ZONES:
        if lookup.zone(code) is None:
            parent = lookup.zone(parent_code) if parent_code else None
            zone = Zone(code=code, name=name, kind=kind, parent=parent)
            db.session.add(zone)
            db.session.flush()
            zone.path = f"{parent.path if parent else '/'}{zone.id}/"
    db.session.flush()

    password_hash = generate_password_hash(DEMO_PASSWORD)
    admin = lookup.user("13900000005")
    for phone, name, zone_code, _label in USERS:
        if lookup.user(phone) is None:
            db.session.add(User(phone=phone, name=name, home_zone=lookup.zone(zone_code),
                                password_hash=password_hash))
            db.session.flush()
    admin = lookup.user("13900000005")
    elderly = lookup.user("13900000011")
    if elderly.created_by_id is None:  # 赵桂兰 has no smartphone; 张丽 opened her account
        elderly.created_by_id = admin.id

    for phone, role, zone_code in GRANTS:
        user = lookup.user(phone)
        zone = lookup.zone(zone_code) if zone_code else None
        if not any(g.role == role and g.zone_id == (zone.id if zone else None)
                   for g in user.grants):
            db.session.add(RoleGrant(user=user, role=role, zone=zone))

    for phone, unit, branch, skills, posts, status in PARTY:
        user = lookup.user(phone)
        if user.party is None:
            db.session.add(PartyMembership(
                user=user, work_unit=unit, branch=branch, skills=skills, service_posts=posts,
                status=status,
                reviewed_by_id=admin.id if status == "verified" else None,
                reviewed_dt=utcnow() if status == "verified" else None,
            ))
    db.session.flush()
    return admin


def logins() -> list[tuple[str, str, str]]:
    """(role label, phone, name) of the demo logins `flask seed-demo` prints."""
    return [(label, phone, name) for phone, name, _z, label in USERS if label]


def seed_move() -> None:
    """郑晓东 of 东梅 is moving into 新安小区1栋: his request waits at 张丽's 迁居确认."""
    mover = lookup.user("13900000015")
    if db.session.scalar(select(MoveRequest.id).where(MoveRequest.user_id == mover.id)) is None:
        moves.request_move(mover, lookup.zone("DC-XA-02-01"))


#: (recipient phone, rule code or None, points, reason, evidence)
AWARDS = [
    ("13900000001", "volunteer_activity", None, "参与志愿活动",
     "参加新安小区垃圾分类宣传，在2栋门口值守两小时。"),
    ("13900000001", "mediation", None, "调处纠纷", "协助调解3栋楼上楼下漏水纠纷，双方已和解。"),
    ("13900000002", "rescue", None, "救灾救人", "暴雨夜协助转移桥头市场被困摊贩三人。"),
    ("13900000012", None, "8", "扑灭楼道电动车起火",
     "11月18日晚锦绣花园5栋楼道电动车起火，用灭火器扑灭，无人员受伤。"),
]

#: (phone, minutes, memo): service hours carried over from the paper records
HOURS = [
    ("13900000001", 38 * 60, "2025 年志愿服务时长（纸质台账导入）"),
    ("13900000002", 126 * 60, "2025 年志愿服务时长（纸质台账导入）"),
    ("13900000003", 312 * 60, "2023—2025 年志愿服务时长（纸质台账导入）"),
]


#: (phone, points in tenths, memo): balances carried over from the paper points book
CARRIED_POINTS = [
    ("13900000001", 600, "2025 年积分结余（纸质积分簿导入）"),
    ("13900000011", 450, "2025 年积分结余（纸质积分簿导入）"),
    ("13900000015", 235, "2025 年积分结余（东梅社区纸质积分簿导入）"),  # he brings it to 新安
]


def seed_points(admin) -> None:
    seed_default_rules()
    coordinator = lookup.user("13900000003")
    for phone, code, points, reason, evidence in AWARDS:
        recipient = lookup.user(phone)
        if db.session.scalar(select(Award.id).where(Award.recipient_id == recipient.id,
                                                    Award.reason == reason)) is not None:
            continue
        rule = db.session.scalar(select(PointsRule).where(PointsRule.code == code)) \
            if code else None
        awards.record_award(coordinator, recipient, rule=rule, points=points or "",
                            reason=reason, evidence_note=evidence)
    for phone, minutes, memo in HOURS:
        user = lookup.user(phone)
        hours.credit_hours(user.id, minutes, source_type="import", source_id=user.id, memo=memo)
    for phone, tenths, memo in CARRIED_POINTS:  # keyed by user: a rerun posts nothing new
        user = lookup.user(phone)
        ledger.earn(user.id, tenths, source_type="import", source_id=user.id, memo=memo)
    for phone in ("13900000002", "13900000003"):
        lookup.user(phone).is_on_leaderboard = True
    db.session.flush()
