"""Demo shifts: 七色花志愿服务队, Saturday market duty at 桥头市场, sorting duty. Idempotent."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.clock import local_today, to_utc
from portal.demo import lookup
from portal.extensions import db
from portal.points.models import PointsRule
from portal.shifts import activities, recurring, signups
from portal.shifts.models import Activity, Shift
from portal.teams.models import Team, TeamMember
from portal.types import utcnow


def _team(coordinator: User) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == "七色花志愿服务队"))
    if team is None:
        leader = lookup.user("13900000002")  # 李建国, a verified party member, leads the team
        team = Team(name="七色花志愿服务队", zone_id=lookup.zone("DC-XA").id, leader_id=leader.id,
                    created_by_id=coordinator.id,
                    description="新安路社区党委牵头，由物业、驻区单位和退休党员组成，"
                                "送服务进市场、进摊位。")
        db.session.add(team)
        db.session.flush()
        for phone, status in (("13900000002", "active"), ("13900000001", "active"),
                              ("13900000012", "active"), ("13900000014", "pending")):
            db.session.add(TeamMember(team_id=team.id, user_id=lookup.user(phone).id, status=status,
                                      note="周六上午有空，愿意参加市场执勤。"))
        db.session.flush()
    return team


def _seed_patrol_under_way(coordinator: User, rule, now) -> None:
    """A fire-safety patrol that started half an hour before seeding, so QR check-in can be
    tried at once: 王秀英, 李建国 and 刘强 are on it."""
    patrol = activities.create_activity(
        coordinator, title="新安小区消防安全巡查", zone=lookup.zone("DC-XA-02"), points_rule=rule,
        description="检查楼道堆物、电动车充电和消防通道，发现隐患拍照登记。")
    begins = now.replace(second=0, microsecond=0) - timedelta(minutes=30)
    shift = activities.build_shift(patrol, start_dt=begins, end_dt=begins + timedelta(hours=4),
                                   capacity=6, zone=lookup.zone("DC-XA-02"),
                                   place="新安小区物业门口",
                                   posts=[], team=None, points_rule=rule)
    db.session.flush()
    for phone in ("13900000001", "13900000002", "13900000012"):
        signups._place(shift, lookup.user(phone).id, None, begins - timedelta(days=1))


def seed_shifts() -> None:
    coordinator = lookup.user("13900000003")
    if db.session.scalar(select(Activity.id).where(Activity.title == "桥头市场周六执勤")):
        return
    now = utcnow()
    team = _team(coordinator)
    hourly = db.session.scalar(select(PointsRule).where(PointsRule.code == "volunteer_hour"))
    fixed = db.session.scalar(select(PointsRule).where(PointsRule.code == "volunteer_activity"))
    market_grid = lookup.zone("DC-XA-01")

    market = activities.create_activity(
        coordinator, title="桥头市场周六执勤", zone=lookup.zone("DC-XA"), points_rule=hourly,
        description="每周六桥头市场营业期间，按摊位分布划分责任区：消防巡查、交通疏导、"
                    "维护停车秩序。请穿红马甲，戴好志愿者证。")
    _template, saturdays = recurring.create_template(
        coordinator, market, weekday=5, start_time=time(7), end_time=time(11), capacity=None,
        zone=market_grid, place="桥头市场东入口集合",
        posts=[("消防巡查", 2), ("交通疏导", 3), ("停车秩序", 2)], points_rule=hourly,
        weeks_ahead=4, now=now)

    sorting = activities.create_activity(
        coordinator, title="锦绣花园垃圾分类督导", zone=lookup.zone("DC-XA-03"), points_rule=fixed,
        description="晚上投放高峰在垃圾房旁督导分类，提醒居民“不落地、分好类”。")
    today = local_today(now)
    evening = today + timedelta(days=2)
    activities.add_shift(coordinator, sorting, start_dt=to_utc(evening, time(18, 30)),
                         end_dt=to_utc(evening, time(20, 30)), capacity=4,
                         zone=lookup.zone("DC-XA-03-05"), place="5栋垃圾房", points_rule=fixed)

    visits = activities.create_activity(
        coordinator, title="七色花助老上门理发", zone=lookup.zone("DC-XA"), team=team,
        points_rule=fixed,
        description="为新安小区独居老人上门理发、量血压。限七色花志愿服务队队员。")
    sunday = today + timedelta(days=(6 - today.weekday()) % 7 or 7)
    activities.add_shift(coordinator, visits, start_dt=to_utc(sunday, time(9)),
                         end_dt=to_utc(sunday, time(11, 30)), capacity=3,
                         zone=lookup.zone("DC-XA-02"), place="新安小区1栋楼下", team=team,
                         points_rule=fixed)
    db.session.flush()
    _seed_patrol_under_way(coordinator, hourly, now)

    first = next((s for s in saturdays
                  if s.start_dt - timedelta(days=market.signup_window_days) <= now), None)
    if first is None:
        return
    posts = {p.name: p.id for p in first.posts}
    for phone, post in (("13900000001", "交通疏导"), ("13900000002", "消防巡查"),
                        ("13900000012", "消防巡查"), ("13900000015", "停车秩序"),
                        ("13900000013", "消防巡查")):  # the last one waits: 消防巡查 is full
        signups.sign_up(lookup.user(phone), db.session.get(Shift, first.id), post_id=posts[post],
                        now=now)
    db.session.flush()
