"""Coordinators' verbs on activities and shifts: create, edit, posts, cancel."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, policy
from portal.errors import DomainError
from portal.extensions import db
from portal.inbox.services import notify
from portal.shifts.models import ACTIVE_STATUSES, Activity, Shift, ShiftPost, SignUp
from portal.shifts.signups import confirmed_counts, describe, lock_shift, promote
from portal.types import utcnow

MAX_CAPACITY = 500
MAX_SHIFT_HOURS = 24


def _check_zone(zone) -> None:
    if zone is None or zone.is_retired or zone.kind not in ("community", "grid", "building"):
        raise DomainError("bad_zone", _l("请选择社区、网格或楼栋。"), 400)


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not 2 <= len(title) <= 80:
        raise DomainError("bad_title", _l("活动名称 2 到 80 个字。"), 400)
    return title


def _check_credit_on(credit_on: str) -> str:
    if credit_on not in ("checkout", "confirmation"):
        raise DomainError("bad_credit_on", _l("请选择入账方式。"), 400)
    return credit_on


def _check_rules(window_days: int, cutoff_hours: int) -> None:
    if not 0 <= window_days <= 365:
        raise DomainError("bad_window", _l("提前开放报名的天数为 0 到 365。"), 400)
    if not 0 <= cutoff_hours <= 168:
        raise DomainError("bad_cutoff", _l("截止取消的小时数为 0 到 168。"), 400)


def _check_team(team) -> None:
    if team is not None and not team.is_active:
        raise DomainError("team_inactive", _l("这支队伍已停用。"), 400)


def _check_rule(rule) -> None:
    if rule is not None and not rule.is_active:
        raise DomainError("rule_inactive", _l("这条积分规则已停用。"), 400)


def create_activity(actor, *, title: str, description: str = "", zone, team=None,
                    points_rule=None, signup_window_days: int = 14,
                    cancel_cutoff_hours: int = 3, credit_on: str = "checkout") -> Activity:
    _check_zone(zone)
    policy.check(actor, "shifts.manage", zone)
    _check_team(team)
    _check_rule(points_rule)
    _check_rules(signup_window_days, cancel_cutoff_hours)
    activity = Activity(title=_check_title(title), description=(description or "").strip()[:2000],
                        zone_id=zone.id, team_id=team.id if team else None,
                        points_rule_id=points_rule.id if points_rule else None,
                        signup_window_days=signup_window_days,
                        cancel_cutoff_hours=cancel_cutoff_hours,
                        credit_on=_check_credit_on(credit_on), created_by_id=actor.id)
    db.session.add(activity)
    db.session.flush()
    audit.record(actor, "activity.create", activity, f"新建活动 {activity.title}", zone)
    return activity


def update_activity(actor, activity: Activity, *, title: str, description: str, team,
                    points_rule, signup_window_days: int, cancel_cutoff_hours: int,
                    credit_on: str = "checkout") -> Activity:
    """Edits the defaults and sign-up rules; shifts keep their own zone, team and rule."""
    policy.check(actor, "shifts.manage", activity.zone)
    _check_team(team)
    _check_rule(points_rule)
    _check_rules(signup_window_days, cancel_cutoff_hours)
    activity.title = _check_title(title)
    activity.description = (description or "").strip()[:2000]
    activity.team_id = team.id if team else None
    activity.points_rule_id = points_rule.id if points_rule else None
    activity.signup_window_days = signup_window_days
    activity.cancel_cutoff_hours = cancel_cutoff_hours
    activity.credit_on = _check_credit_on(credit_on)
    db.session.flush()
    audit.record(actor, "activity.update", activity, f"修改活动 {activity.title}", activity.zone)
    return activity


def parse_posts(rows) -> list[tuple[str, int]]:
    """[(name, capacity)] from form rows; blank names are skipped, duplicates refused."""
    posts, seen = [], set()
    for name, capacity in rows:
        name = (name or "").strip()
        if not name:
            continue
        if len(name) > 40:
            raise DomainError("bad_post_name", _l("岗位名称最多 40 个字。"), 400)
        if name in seen:
            raise DomainError("duplicate_post", _l("岗位“%(post)s”重复了。", post=name), 400)
        if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
            raise DomainError("bad_post_capacity",
                              _l("岗位“%(post)s”的人数请填 1 到 500。", post=name), 400)
        seen.add(name)
        posts.append((name, capacity))
    return posts


def check_times(start_dt: datetime | None, end_dt: datetime | None, now: datetime) -> None:
    if start_dt is None or end_dt is None:
        raise DomainError("bad_times", _l("请填写正确的日期和时间。"), 400)
    if end_dt <= start_dt:
        raise DomainError("bad_times", _l("结束时间要晚于开始时间。"), 400)
    if end_dt - start_dt > timedelta(hours=MAX_SHIFT_HOURS):
        raise DomainError("too_long", _l("一个班次最长 24 小时。"), 400)
    if start_dt <= now:
        raise DomainError("in_past", _l("开始时间已经过去了，请选择将来的时间。"), 400)


def check_capacity(capacity: int | None) -> int:
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError("bad_capacity", _l("名额请填 1 到 500。"), 400)
    return capacity


def _check_shift_zone(actor, activity: Activity, zone) -> None:
    _check_zone(zone)
    if not activity.zone.contains(zone):
        raise DomainError("zone_outside",
                          _l("班次地点要在活动所属的%(zone)s范围内。", zone=activity.zone.name),
                          400)
    policy.check(actor, "shifts.manage", zone)


def build_shift(activity: Activity, *, start_dt, end_dt, capacity: int, zone, place: str,
                posts: list[tuple[str, int]], team, points_rule, template=None,
                occurrence_date=None) -> Shift:
    """A new shift row with its posts (no checks: callers check)."""
    shift = Shift(activity=activity, zone_id=zone.id, place=(place or "").strip()[:100],
                  start_dt=start_dt, end_dt=end_dt,
                  capacity=sum(c for _n, c in posts) if posts else capacity,
                  team_id=team.id if team else None,
                  points_rule_id=points_rule.id if points_rule else None,
                  template_id=template.id if template else None, occurrence_date=occurrence_date)
    shift.posts = [ShiftPost(name=name, capacity=cap, position=i)
                   for i, (name, cap) in enumerate(posts)]
    db.session.add(shift)
    return shift


def add_shift(actor, activity: Activity, *, start_dt, end_dt, capacity: int | None, zone=None,
              place: str = "", posts=(), team=None, points_rule=None,
              now: datetime | None = None) -> Shift:
    """One concrete shift. With posts, its places are the posts' sum."""
    now = now or utcnow()
    zone = zone or activity.zone
    _check_shift_zone(actor, activity, zone)
    check_times(start_dt, end_dt, now)
    posts = parse_posts(posts)
    if not posts:
        check_capacity(capacity)
    _check_team(team)
    _check_rule(points_rule)
    shift = build_shift(activity, start_dt=start_dt, end_dt=end_dt, capacity=capacity or 0,
                        zone=zone, place=place, posts=posts, team=team, points_rule=points_rule)
    db.session.flush()
    audit.record(actor, "shift.create", shift, f"新建班次{describe(shift)}", zone)
    return shift


def active_signups(shift_id: int) -> list[SignUp]:
    return list(db.session.scalars(select(SignUp).where(
        SignUp.shift_id == shift_id, SignUp.status.in_(ACTIVE_STATUSES))))


def tell_signed_up(shift: Shift, kind: str, title: str, body: str, sms: bool = False) -> int:
    rows = active_signups(shift.id)
    for row in rows:
        notify(row.user_id, kind, title, body, f"/shifts/{shift.id}", sms=sms)
    return len(rows)


def update_shift(actor, shift: Shift, *, start_dt, end_dt, capacity: int | None, zone,
                 place: str, team, points_rule, posts=None,
                 now: datetime | None = None) -> Shift:
    """Edit a shift that has not started. Everyone on it hears of a new time or place; more
    places promote the waitlist; places never drop below those already confirmed."""
    now = now or utcnow()
    policy.check(actor, "shifts.manage", shift.zone)
    shift = lock_shift(shift.id)
    if shift.is_cancelled:
        raise DomainError("shift_cancelled", _l("这个班次已经取消。"))
    if now >= shift.start_dt:
        raise DomainError("shift_started", _l("班次已经开始，不能再修改。"))
    _check_shift_zone(actor, shift.activity, zone)
    check_times(start_dt, end_dt, now)
    _check_team(team)
    _check_rule(points_rule)
    if posts is not None:
        set_posts(shift, parse_posts(posts))
    if not shift.posts:
        capacity = check_capacity(capacity)
        confirmed, _per_post = confirmed_counts(shift.id)
        if capacity < confirmed:
            raise DomainError("capacity_below_confirmed", _l(
                "已有 %(n)d 人正式报名，名额不能少于 %(n)d。", n=confirmed), 400)
        shift.capacity = capacity
    before = (shift.start_dt, shift.end_dt, shift.zone_id, shift.place)
    old_label = describe(shift)
    shift.start_dt, shift.end_dt, shift.zone = start_dt, end_dt, zone
    shift.place = (place or "").strip()[:100]
    shift.team_id = team.id if team else None
    shift.points_rule_id = points_rule.id if points_rule else None
    db.session.flush()
    if before != (shift.start_dt, shift.end_dt, shift.zone_id, shift.place):
        where = shift.zone.name + (f" {shift.place}" if shift.place else "")
        tell_signed_up(shift, "shift.changed", f"班次有变动：{old_label}",
                       f"现在是{describe(shift)}，地点：{where}。如不能参加，请在“我的排班”里取消。",
                       sms=True)
    promote(shift, now)
    audit.record(actor, "shift.update", shift, f"修改班次{describe(shift)}", shift.zone)
    return shift


def set_posts(shift: Shift, posts: list[tuple[str, int]]) -> None:
    """Replace a locked shift's posts by name: keep, resize, add, or drop unused ones."""
    _total, per_post = confirmed_counts(shift.id)
    wanted = dict(posts)
    in_use = set(db.session.scalars(select(SignUp.post_id).where(
        SignUp.shift_id == shift.id, SignUp.status.in_(ACTIVE_STATUSES))))
    for post in list(shift.posts):
        if post.name not in wanted:
            if post.id in in_use:
                raise DomainError("post_in_use", _l(
                    "岗位“%(post)s”还有人报名，不能删除。请先调整他们的岗位。", post=post.name),
                    400)
            db.session.execute(
                SignUp.__table__.update().where(SignUp.post_id == post.id).values(post_id=None))
            shift.posts.remove(post)
        elif wanted[post.name] < per_post.get(post.id, 0):
            raise DomainError("post_below_confirmed", _l(
                "岗位“%(post)s”已有 %(n)d 人，人数不能少于 %(n)d。", post=post.name,
                n=per_post[post.id]), 400)
        else:
            post.capacity = wanted[post.name]
    existing = {post.name for post in shift.posts}
    for i, (name, capacity) in enumerate(posts):
        if name not in existing:
            shift.posts.append(ShiftPost(name=name, capacity=capacity, position=i))
    order = {name: i for i, (name, _c) in enumerate(posts)}
    for post in shift.posts:
        post.position = order[post.name]
    if shift.posts:
        shift.capacity = sum(post.capacity for post in shift.posts)
    elif in_use - {None}:
        raise DomainError("post_in_use", _l("还有人报名了岗位，不能删除全部岗位。"), 400)
    db.session.flush()


def cancel_shift(actor, shift: Shift, reason: str) -> Shift:
    """Cancel a shift; everyone signed up or waiting is told (by SMS too)."""
    policy.check(actor, "shifts.manage", shift.zone)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("needs_reason", _l("请写明取消的原因，报名的人会收到通知。"), 400)
    shift = lock_shift(shift.id)
    if shift.is_cancelled:
        return shift
    shift.status, shift.cancel_reason, shift.cancelled_dt = "cancelled", reason[:200], utcnow()
    db.session.flush()
    told = tell_signed_up(shift, "shift.cancelled", f"班次取消：{describe(shift)}",
                          f"原因：{reason}。给您带来不便，敬请谅解。", sms=True)
    audit.record(actor, "shift.cancel", shift,
                 f"取消班次{describe(shift)}（已通知 {told} 人）：{reason}", shift.zone)
    return shift
