"""The art. 7 record behind a certificate: each service's 名称, 日期, 地点, 内容, 时长, 组织单位
and 负责人, read from the hours entries and what they came from, in one query.

Every hours entry has a service day: the shift's day for attendance (the only source with a
shift), else the day it was recorded (imports, corrections). A reversal shares the day of what
it reverses, so a later reversal lowers the period that was certified, not the month it happened
in. A certificate's hours are the sum of the credited minutes whose service day lies in its
period; `period_minutes` is that sum, here and at verification."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.checkin.models import Attendance
from portal.clock import local
from portal.extensions import db
from portal.points.models import HoursEntry
from portal.shifts.models import Activity, Shift
from portal.teams.models import Team
from portal.zones.models import Zone


@dataclass
class Service:
    """One service (one attendance, or one recorded import): its net credited minutes."""

    name: str
    day: date
    place: str = ""
    content: str = ""
    organiser: str = ""
    leader: str = ""
    minutes: int = 0
    entry_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    kind: str  # 'all', 'year', 'range'
    first: date | None = None
    last: date | None = None

    def holds(self, day: date) -> bool:
        return ((self.first is None or day >= self.first)
                and (self.last is None or day <= self.last))


def _rows(user_id: int):
    original = aliased(HoursEntry)
    leader, creator = aliased(User), aliased(User)
    team_id = func.coalesce(Shift.team_id, Activity.team_id)
    return db.session.execute(
        select(HoursEntry.id, HoursEntry.credited_minutes, HoursEntry.source_type,
               HoursEntry.source_id, HoursEntry.memo, HoursEntry.created_dt,
               original.created_dt, Shift.start_dt, Shift.place, Activity.title,
               Activity.description, Zone.name, leader.name, creator.name)
        .outerjoin(original, original.id == HoursEntry.reversal_of_id)
        .outerjoin(Attendance, and_(HoursEntry.source_type == "attendance",
                                    Attendance.id == HoursEntry.source_id))
        .outerjoin(Shift, Shift.id == Attendance.shift_id)
        .outerjoin(Activity, Activity.id == Shift.activity_id)
        .outerjoin(Zone, Zone.id == Activity.zone_id)
        .outerjoin(Team, Team.id == team_id)
        .outerjoin(leader, leader.id == Team.leader_id)
        .outerjoin(creator, creator.id == Activity.created_by_id)
        .where(HoursEntry.user_id == user_id)
        .order_by(HoursEntry.id)).all()


def _summary(text: str, limit: int = 40) -> str:
    """内容: the activity's description, its first sentence or so."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def services(user_id: int, period: Period, organiser: str = "") -> list[Service]:
    """The services in the period, oldest first; those reversed to nothing are left out.
    One query, however many services (`organiser` names the unit of a recorded import)."""
    by_source: dict[tuple, Service] = {}
    for (entry_id, minutes, source_type, source_id, memo, created, original_created, start,
         place, title, description, zone_name, leader_name, creator_name) in _rows(user_id):
        if start is not None:
            day = local(start).date()
        else:
            day = local(original_created or created).date()
        if not period.holds(day):
            continue
        key = (source_type, source_id, day) if start is None else ("attendance", source_id)
        service = by_source.get(key)
        if service is None:
            name = title or (memo.removeprefix("撤销志愿时长：") if memo else source_type)
            service = by_source[key] = Service(
                name=name, day=day, place=place or "", content=_summary(description or title or ""),
                organiser=zone_name or organiser, leader=leader_name or creator_name or "")
        service.minutes += minutes
        service.entry_ids.append(entry_id)
    return sorted((s for s in by_source.values() if s.minutes), key=lambda s: (s.day, s.name))


def period_minutes(user_id: int, period: Period) -> int:
    """The credited minutes whose service day lies in the period (reversals included)."""
    return sum(s.minutes for s in services(user_id, period))


def content_of(rows: list[Service]) -> str:
    """服务内容: the activities served, each once, in the order first served."""
    names = list(dict.fromkeys(s.name for s in rows))
    return "、".join(names)[:1000]
