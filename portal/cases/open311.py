"""Open311 GeoReport v2 over matters: a community's categories are its services, the matters
its residents allowed on the public 台账 are its requests (masked: no name, no phone, no
address finer than the grid), and a key's holder files a matter for a registered resident.

Every refusal is an ApiError(status, description); the views answer it in Open311's own
format, `[{"code": 400, "description": "…"}]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.cases.models import (
    DECLINED,
    INSTANT,
    JOINT,
    OPEN,
    RESOLVED,
    STATUSES,
    Case,
    CaseCategory,
    CaseEvent,
    CaseUnit,
)
from portal.cases.services.rating import RATING_LABELS, RESOLUTION_LABELS
from portal.clock import local, local_tz
from portal.extensions import db
from portal.types import utcnow
from portal.web.params import MAX_INT, MAX_PAGE
from portal.zones.models import Zone

#: Open311 knows two statuses; every one of ours is one of them. A resolved matter (办结,
#: waiting for the resident's rating) is closed: the work is done, and a 不满意 reopens it.
OPEN311_STATUS = {status: "open" if status in OPEN else "closed" for status in STATUSES}
#: the spec's default window, and the longest a start_date..end_date may span
WINDOW_DAYS = 90
PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000
#: at most this many ids or codes in one comma-separated list
MAX_LIST = 100
#: a digit run this long in a public title may be a phone or an ID number: masked
_DIGITS = re.compile(r"\d{7,}")
_ID = re.compile(r"\d{1,10}")


class ApiError(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def _bad(description: str) -> ApiError:
    return ApiError(400, description)


# ---------------------------------------------------------------- words


def _track_words(track: str) -> str:
    return {INSTANT: _("即办"), JOINT: _("商办")}.get(track, _("限时办"))


def track_notice(track: str, days: int) -> str:
    """What happens next, as the category promises it."""
    if track == INSTANT:
        return _("即办：当天办结")
    if track == JOINT:
        return _("商办：提交联席会议协调，%(days)d 个工作日内答复", days=days)
    return _("限时办：%(days)d 个工作日内办结", days=days)


def _status_notes(case: Case) -> str:
    status = case.status
    if status == DECLINED:
        return _("不予受理：%(reason)s", reason=case.decline_reason)
    if status == "closed":
        if case.rating is None:
            return _("已结案（居民未评价）")
        return _("已结案，居民评价：%(rating)s（%(resolution)s）",
                 rating=RATING_LABELS[case.rating],
                 resolution=RESOLUTION_LABELS.get(case.resolution, ""))
    notes = {"new": _("已受理，等待派单"), "pool": _("群众点单，等待在职党员或网格员认领"),
             "dispatched": _("已派单，等待接单"), "accepted": _("正在办理"),
             RESOLVED: _("已办结，等待居民评价"), "revisit": _("居民不满意，重新打开，等待回访"),
             "withdrawn": _("居民已撤回")}
    note = notes[status]
    if case.escalated_dt is not None and status in OPEN:
        note += _("（已超期，已上报街道督办）")
    elif case.overdue_dt is not None and status in OPEN:
        note += _("（已超期）")
    return note


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 with the local offset, as the spec's examples: 2026-11-10T09:00:00+08:00."""
    return local(value).isoformat(timespec="seconds") if value is not None else None


def _masked(text: str) -> str:
    return _DIGITS.sub(lambda m: "*" * len(m.group()), text or "")


# ---------------------------------------------------------------- services


def community_for(code: str | None) -> Zone:
    """jurisdiction_id is the community's zone code (DC-XA); it is required."""
    code = (code or "").strip()
    if not code:
        raise _bad(_("请提供 jurisdiction_id（社区编码，例如 DC-XA）。"))
    community = db.session.scalar(select(Zone).where(Zone.code == code[:40],
                                                     Zone.kind == "community",
                                                     Zone.is_retired.is_(False)))
    if community is None:
        raise _bad(_("没有这个 jurisdiction_id：请填写社区编码，例如 DC-XA。"))
    return community


def service_list(community: Zone) -> list[dict]:
    categories = db.session.scalars(
        select(CaseCategory).where(CaseCategory.community_id == community.id,
                                   CaseCategory.is_active.is_(True))
        .order_by(CaseCategory.sort, CaseCategory.id))
    result = []
    for category in categories:
        days = 0 if category.track == INSTANT else category.days
        keywords = [_track_words(category.track)] + ([_("群众点单")] if category.claimable else [])
        result.append({"service_code": str(category.id), "service_name": category.name,
                       "description": track_notice(category.track, days), "metadata": False,
                       "type": "realtime", "keywords": ",".join(keywords),
                       "group": _track_words(category.track)})
    return result


# ---------------------------------------------------------------- requests (read)


@dataclass
class Filters:
    ids: list[int] | None = None
    codes: list[int] | None = None
    statuses: set[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = PAGE_SIZE


def _list(value: str | None, name: str) -> list[str] | None:
    items = [item.strip() for item in (value or "").split(",") if item.strip()]
    if not items:
        return None
    if len(items) > MAX_LIST:
        raise _bad(_("%(name)s 一次最多 %(n)d 个。", name=name, n=MAX_LIST))
    return items


def parse_number(text: str | None) -> int | None:
    """A matter's number (000123) or id as an int; None for anything else."""
    text = (text or "").strip()
    if not _ID.fullmatch(text) or int(text) > MAX_INT:
        return None
    return int(text)


def _ints(value: str | None, name: str) -> list[int] | None:
    items = _list(value, name)
    if items is None:
        return None
    numbers = [parse_number(item) for item in items]
    if None in numbers:
        raise _bad(_("%(name)s 应是数字编号，多个用英文逗号分隔。", name=name))
    return numbers


def _int(value: str | None, name: str, low: int, high: int, default: int) -> int:
    if value is None or not value.strip():
        return default
    number = parse_number(value)
    if number is None or not low <= number <= high:
        raise _bad(_("%(name)s 应是 %(low)d 到 %(high)d 之间的整数。", name=name, low=low,
                     high=high))
    return number


def parse_datetime(value: str | None, name: str) -> datetime | None:
    """ISO 8601 (a date, or a date and time with or without an offset; without one it is
    local time), between the years 2000 and 2099."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value[:40])
    except ValueError:
        raise _bad(_("%(name)s 应是 ISO 8601 时间，例如 2026-11-10T09:00:00+08:00。",
                     name=name)) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local_tz())
    if not 2000 <= parsed.year <= 2099:
        raise _bad(_("%(name)s 应在 2000 年到 2099 年之间。", name=name))
    return parsed.astimezone(UTC)


def parse_filters(args, now: datetime | None = None) -> Filters:
    now = now or utcnow()
    statuses = _list(args.get("status"), "status")
    if statuses is not None and not set(statuses) <= {"open", "closed"}:
        raise _bad(_("status 只能是 open 或 closed（多个用英文逗号分隔）。"))
    filters = Filters(
        ids=_ints(args.get("service_request_id"), "service_request_id"),
        codes=_ints(args.get("service_code"), "service_code"),
        statuses=set(statuses) if statuses else None,
        start=parse_datetime(args.get("start_date"), "start_date"),
        end=parse_datetime(args.get("end_date"), "end_date"),
        page=_int(args.get("page"), "page", 1, MAX_PAGE, 1),
        page_size=_int(args.get("page_size"), "page_size", 1, MAX_PAGE_SIZE, PAGE_SIZE))
    window = timedelta(days=WINDOW_DAYS)
    if filters.start and filters.end:
        if filters.start > filters.end:
            raise _bad(_("start_date 不能晚于 end_date。"))
        if filters.end - filters.start > window:
            raise _bad(_("start_date 到 end_date 最多 %(n)d 天。", n=WINDOW_DAYS))
    elif filters.start:
        filters.end = filters.start + window
    elif filters.end:
        filters.start = filters.end - window
    else:
        filters.start, filters.end = now - window, now
    return filters


def _updated_dt():
    return (select(func.max(CaseEvent.created_dt)).where(CaseEvent.case_id == Case.id)
            .correlate(Case).scalar_subquery())


def _grids(community: Zone) -> dict[int, Zone]:
    """Every zone of the community by id, in one query: a matter's grid without a query each."""
    return {zone.id: zone for zone in db.session.scalars(
        select(Zone).where(Zone.path.startswith(community.path, autoescape=True)))}


def _grid_name(zones: dict[int, Zone], zone_id: int) -> str:
    zone = zones.get(zone_id)
    while zone is not None and zone.kind == "building":
        zone = zones.get(zone.parent_id)
    return zone.name if zone is not None else ""


def _row(case: Case, unit_name: str | None, updated: datetime | None, community: Zone,
         zones: dict[int, Zone]) -> dict:
    if case.status in ("closed", DECLINED, "withdrawn") and case.closed_dt is not None:
        updated = case.closed_dt
    elif case.status == RESOLVED and case.resolved_dt is not None:
        updated = case.resolved_dt
    days = 0 if case.track == INSTANT else case.category.days
    return {
        "service_request_id": case.number,
        "status": OPEN311_STATUS[case.status],
        "status_notes": _status_notes(case),
        "service_name": case.category.name,
        "service_code": str(case.category_id),
        "description": _masked(case.title),
        "agency_responsible": unit_name or community.name,
        "service_notice": track_notice(case.track, days),
        "requested_datetime": _iso(case.created_dt),
        "updated_datetime": _iso(updated or case.created_dt),
        "expected_datetime": _iso(case.due_dt),
        "address": _grid_name(zones, case.zone_id),
        "zipcode": "",
    }


def _public_query():
    return (select(Case, CaseUnit.name, _updated_dt())
            .outerjoin(CaseUnit, CaseUnit.id == Case.unit_id)
            .options(joinedload(Case.category))
            .where(Case.public.is_(True)))


def request_list(community: Zone, filters: Filters) -> list[dict]:
    """A page of the community's public matters, newest first, in a fixed number of queries."""
    query = _public_query().where(Case.community_id == community.id)
    if filters.ids is not None:  # the spec: a list of ids overrides every other filter
        query = query.where(Case.id.in_(filters.ids))
    else:
        query = query.where(Case.created_dt >= filters.start, Case.created_dt <= filters.end)
        if filters.codes is not None:
            query = query.where(Case.category_id.in_(filters.codes))
        if filters.statuses == {"open"}:
            query = query.where(Case.status.in_(OPEN))
        elif filters.statuses == {"closed"}:
            query = query.where(Case.status.not_in(OPEN))
    rows = db.session.execute(
        query.order_by(Case.created_dt.desc(), Case.id.desc())
        .limit(filters.page_size).offset((filters.page - 1) * filters.page_size)).all()
    zones = _grids(community) if rows else {}
    return [_row(case, unit, updated, community, zones) for case, unit, updated in rows]


def request_detail(number: str, jurisdiction: str | None = None) -> dict:
    """One public matter by its number; 404 for one that does not exist or is not public
    (the same answer, so the API never tells which)."""
    case_id = parse_number(number)
    row = db.session.execute(_public_query().where(Case.id == case_id)).first() \
        if case_id is not None else None
    if row is None or (jurisdiction and jurisdiction.strip() != row[0].community.code):
        raise ApiError(404, _("没有这个编号的公开事项。"))
    case, unit, updated = row
    return _row(case, unit, updated, case.community, _grids(case.community))
