"""Weekly templates (e.g. every Saturday 07:00–11:00) and the shifts they generate.

Generation is idempotent: (template_id, occurrence_date) is unique, so the cron command, an
edit and a retry can all run at once and each week still gets one shift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import audit, policy
from portal.clock import local_today, to_utc
from portal.errors import DomainError
from portal.extensions import db
from portal.shifts import activities
from portal.shifts.models import ACTIVE_STATUSES, Activity, Shift, ShiftTemplate, SignUp
from portal.shifts.signups import confirmed_counts, describe, lock_shift
from portal.types import utcnow

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _check_pattern(weekday: int | None, start_time: time | None, end_time: time | None,
                   weeks_ahead: int | None) -> None:
    if weekday is None or not 0 <= weekday <= 6:
        raise DomainError("bad_weekday", _l("请选择星期几。"), 400)
    if start_time is None or end_time is None or end_time <= start_time:
        raise DomainError("bad_times", _l("结束时间要晚于开始时间（同一天内）。"), 400)
    if weeks_ahead is None or not 1 <= weeks_ahead <= 26:
        raise DomainError("bad_weeks", _l("提前生成的周数为 1 到 26。"), 400)


def _apply_pattern(template: ShiftTemplate, *, start_time, end_time, capacity, zone, place,
                   posts, team, points_rule, weeks_ahead, is_active=True) -> None:
    template.start_time, template.end_time = start_time, end_time
    template.capacity = sum(c for _n, c in posts) if posts else capacity
    template.zone_id = zone.id
    template.place = (place or "").strip()[:100]
    template.posts = [{"name": name, "capacity": cap} for name, cap in posts]
    template.team_id = team.id if team else None
    template.points_rule_id = points_rule.id if points_rule else None
    template.weeks_ahead = weeks_ahead
    template.is_active = bool(is_active)


def _validate(actor, activity: Activity, *, weekday, start_time, end_time, capacity, zone,
              posts, team, points_rule, weeks_ahead) -> list[tuple[str, int]]:
    activities._check_shift_zone(actor, activity, zone)
    _check_pattern(weekday, start_time, end_time, weeks_ahead)
    posts = activities.parse_posts(posts)
    if not posts:
        activities.check_capacity(capacity)
    activities._check_team(team)
    activities._check_rule(points_rule)
    return posts


def create_template(actor, activity: Activity, *, weekday: int, start_time: time,
                    end_time: time, capacity: int | None, zone=None, place: str = "", posts=(),
                    team=None, points_rule=None, weeks_ahead: int = 4,
                    now: datetime | None = None) -> tuple[ShiftTemplate, list[Shift]]:
    """A weekly template, and the shifts it generates at once."""
    zone = zone or activity.zone
    posts = _validate(actor, activity, weekday=weekday, start_time=start_time,
                      end_time=end_time, capacity=capacity, zone=zone, posts=posts, team=team,
                      points_rule=points_rule, weeks_ahead=weeks_ahead)
    template = ShiftTemplate(activity=activity, weekday=weekday, created_by_id=actor.id)
    _apply_pattern(template, start_time=start_time, end_time=end_time, capacity=capacity,
                   zone=zone, place=place, posts=posts, team=team, points_rule=points_rule,
                   weeks_ahead=weeks_ahead)
    db.session.add(template)
    db.session.flush()
    audit.record(actor, "template.create", template,
                 f"新建每周排班：{activity.title} 每{WEEKDAYS[weekday]} "
                 f"{start_time:%H:%M}–{end_time:%H:%M}", zone)
    return template, generate(template, now or utcnow())


def _occurrences(template: ShiftTemplate, now: datetime):
    today = local_today(now)
    first = today + timedelta(days=(template.weekday - today.weekday()) % 7)
    for week in range(template.weeks_ahead + 1):
        day = first + timedelta(weeks=week)
        if day >= today + timedelta(weeks=template.weeks_ahead):
            break
        yield day


def generate(template: ShiftTemplate, now: datetime) -> list[Shift]:
    """Create the missing shifts for the coming `weeks_ahead` weeks; returns the new ones."""
    if not template.is_active:
        return []
    existing = set(db.session.scalars(
        select(Shift.occurrence_date).where(Shift.template_id == template.id)))
    created = []
    for day in _occurrences(template, now):
        start_dt = to_utc(day, template.start_time)
        if day in existing or start_dt <= now:
            continue
        try:
            with db.session.begin_nested():
                shift = activities.build_shift(
                    template.activity, start_dt=start_dt, end_dt=to_utc(day, template.end_time),
                    capacity=template.capacity, zone=template.zone, place=template.place,
                    posts=[(p["name"], p["capacity"]) for p in template.posts],
                    team=template.team, points_rule=template.points_rule, template=template,
                    occurrence_date=day)
                db.session.flush()
        except IntegrityError:
            continue  # a concurrent run made this week's shift first
        created.append(shift)
    return created


def generate_all(now: datetime | None = None) -> int:
    """Every active template tops up its weeks ahead (`flask generate-shifts`, from cron)."""
    now = now or utcnow()
    total = 0
    for template in db.session.scalars(
            select(ShiftTemplate).where(ShiftTemplate.is_active.is_(True))
            .order_by(ShiftTemplate.id)):
        total += len(generate(template, now))
    return total


@dataclass
class TemplateEdit:
    """What an edit did to the template's future shifts."""

    updated_free: int = 0
    updated_signed_up: int = 0
    kept: list[Shift] = field(default_factory=list)
    created: int = 0


def future_shifts(template: ShiftTemplate, now: datetime) -> list[tuple[Shift, int]]:
    """(shift, active sign-ups) for the template's open shifts that have not started."""
    counts = (select(SignUp.shift_id, func.count().label("n"))
              .where(SignUp.status.in_(ACTIVE_STATUSES)).group_by(SignUp.shift_id).subquery())
    rows = db.session.execute(
        select(Shift, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.shift_id == Shift.id)
        .where(Shift.template_id == template.id, Shift.status == "open", Shift.start_dt > now)
        .order_by(Shift.start_dt)).all()
    return [(shift, int(n)) for shift, n in rows]


def update_template(actor, template: ShiftTemplate, *, start_time: time, end_time: time,
                    capacity: int | None, zone, place: str, posts, team, points_rule,
                    weeks_ahead: int, is_active: bool, signed_up: str | None,
                    now: datetime | None = None) -> TemplateEdit:
    """Change the pattern. Future shifts nobody signed up for follow it. Shifts with sign-ups
    need an explicit choice: `signed_up="keep"` leaves them, `"apply"` changes their time and
    place (their posts stay) and tells everyone on them."""
    now = now or utcnow()
    activity = template.activity
    policy.check(actor, "shifts.manage", template.zone)
    posts = _validate(actor, activity, weekday=template.weekday, start_time=start_time,
                      end_time=end_time, capacity=capacity, zone=zone, posts=posts, team=team,
                      points_rule=points_rule, weeks_ahead=weeks_ahead)
    future = future_shifts(template, now)
    if any(n for _s, n in future) and signed_up not in ("keep", "apply"):
        raise DomainError("needs_choice", _l(
            "有的班次已经有人报名。请选择：这些班次保持不变，还是一并修改并通知报名的人。"), 400)
    _apply_pattern(template, start_time=start_time, end_time=end_time, capacity=capacity,
                   zone=zone, place=place, posts=posts, team=team, points_rule=points_rule,
                   weeks_ahead=weeks_ahead, is_active=is_active)
    db.session.flush()
    result = TemplateEdit()
    for shift, n in future:
        day = shift.occurrence_date
        times = dict(start_dt=to_utc(day, start_time), end_dt=to_utc(day, end_time))
        if n == 0:
            shift = lock_shift(shift.id)
            activities.set_posts(shift, posts)
            shift.start_dt, shift.end_dt = times["start_dt"], times["end_dt"]
            if not posts:
                shift.capacity = template.capacity
            shift.zone_id, shift.place = zone.id, template.place
            shift.team_id, shift.points_rule_id = template.team_id, template.points_rule_id
            result.updated_free += 1
        elif signed_up == "apply":
            confirmed, _per_post = confirmed_counts(shift.id)
            activities.update_shift(
                actor, shift, capacity=None if shift.posts else max(template.capacity, confirmed),
                zone=zone, place=template.place, team=team,
                points_rule=points_rule, now=now, **times)
            result.updated_signed_up += 1
        else:
            result.kept.append(shift)
    db.session.flush()
    result.created = len(generate(template, now))
    audit.record(actor, "template.update", template,
                 f"修改每周排班：{activity.title} 每{WEEKDAYS[template.weekday]} "
                 f"{start_time:%H:%M}–{end_time:%H:%M}（无人报名的 {result.updated_free} 个已更新，"
                 f"有人报名的 {result.updated_signed_up} 个同步、{len(result.kept)} 个保持不变）",
                 zone)
    return result


def kept_labels(result: TemplateEdit) -> str:
    return "、".join(describe(shift) for shift in result.kept)
