"""POST /open311/v2/requests.json: a key's holder files a matter for the registered resident
with the phone the client sends (source api). The API never makes accounts: an unknown phone
is refused. lat/long become the matter's map point (staff see it; the public never does)."""

from __future__ import annotations

import math
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit
from portal.accounts.models import User
from portal.accounts.services import PHONE_RE, normalise_phone
from portal.cases import services
from portal.cases.apikeys import CaseApiKey, mark_used
from portal.cases.models import INSTANT, CaseCategory
from portal.cases.open311 import ApiError, parse_number, track_notice
from portal.cases.services.filing import MAX_DETAILS
from portal.clock import local
from portal.extensions import db
from portal.types import utcnow
from portal.zones.models import Zone


def _bad(description: str) -> ApiError:
    return ApiError(400, description)

_TRUE = {"1", "true", "yes", "on"}


def _field(form, name: str, limit: int) -> str:
    value = (form.get(name) or "").strip()
    if len(value) > limit:
        raise _bad(_("%(name)s 最多 %(n)d 个字。", name=name, n=limit))
    return value


def _coordinate(form) -> tuple[float, float] | None:
    """lat and long, both or neither, WGS-84 and within range: the matter's map point."""
    raw_lat, raw_long = (form.get("lat") or "").strip(), (form.get("long") or "").strip()
    if not raw_lat and not raw_long:
        return None
    try:
        lat, lng = float(raw_lat[:30]), float(raw_long[:30])
    except ValueError:
        raise _bad(_("lat 和 long 须同时提供，是十进制度数，例如 lat=30.27&long=120.15。")
                   ) from None
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90
            and -180 <= lng <= 180):
        raise _bad(_("lat 应在 -90 到 90 之间，long 应在 -180 到 180 之间。"))
    return lat, lng


def _category(community: Zone, code: str | None) -> CaseCategory:
    category_id = parse_number(code)
    category = db.session.get(CaseCategory, category_id) if category_id else None
    if category is None or category.community_id != community.id or not category.is_active:
        raise _bad(_("service_code 无效：请从 services.json 里选一个。"))
    return category


def _zone(community: Zone, code: str) -> Zone | None:
    if not code:
        return None
    zone = db.session.scalar(select(Zone).where(Zone.code == code[:40]))
    if zone is None or zone.is_retired or zone.kind == "street" or not community.contains(zone):
        raise _bad(_("address_id 无效：应是本社区的网格或楼栋编码。"))
    return zone


def _resident(community: Zone, phone: str) -> User:
    phone = normalise_phone(phone[:30])
    if not PHONE_RE.match(phone):
        raise _bad(_("phone 应是居民的 11 位大陆手机号码。"))
    resident = db.session.scalar(
        select(User).join(Zone, Zone.id == User.home_zone_id)
        .where(User.phone == phone, User.is_active_account.is_(True),
               Zone.path.startswith(community.path, autoescape=True)))
    if resident is None:
        raise _bad(_("这个手机号在本社区没有登记的居民。接口不会新建账号：请居民先注册，"
                     "或由工作人员在“居民与账号”里建档后再提交。"))
    return resident


def _title(form, description: str) -> str:
    title = _field(form, "title", 40)
    if title:
        return title
    first_line = " ".join(description.split("\n", 1)[0].split())
    return first_line[:40]


def file_request(key: CaseApiKey, form, now: datetime | None = None) -> dict:
    """POST requests.json: a matter for the registered resident with this phone, filed by the
    key's holder (source api). Unknown phones are refused: the API never makes accounts."""
    now = now or utcnow()
    community = key.community
    jurisdiction = (form.get("jurisdiction_id") or "").strip()
    if jurisdiction and jurisdiction != community.code:
        raise _bad(_("jurisdiction_id 与接口密钥所属社区不一致。"))
    category = _category(community, form.get("service_code"))
    description = _field(form, "description", MAX_DETAILS)
    title = _title(form, description)
    if len(title) < 2:
        raise _bad(_("请在 description 里写明情况（至少 2 个字），或另给 title。"))
    place = _field(form, "address_string", 80)
    zone = _zone(community, _field(form, "address_id", 40))
    point = _coordinate(form)
    if not place and zone is None and point is None:
        raise _bad(_("请提供位置：address_string、address_id 或 lat/long 至少一项。"))
    phone = _field(form, "phone", 30)
    if not phone:
        raise _bad(_("请提供 phone：居民登记的手机号。"))
    resident = _resident(community, phone)
    if resident.id == key.holder_id:
        raise _bad(_("接口密钥的持有人不能通过接口为自己提交事项，请在网页上提交。"))
    case = services.file_case(
        key.holder, resident, category=category, zone=zone or resident.home_zone, title=title,
        details=description, place=place, public=form.get("public", "").lower() in _TRUE,
        source="api", point=point, now=now)
    mark_used(key, now)
    audit.record(key.holder, "case.api_file", case,
                 f"经 Open311 接口密钥 {key.prefix}…（{key.label}）提交事项 {case.number}",
                 case.zone)
    days = 0 if category.track == INSTANT else category.days
    return {"service_request_id": case.number,
            "service_notice": _("已受理。%(notice)s，预计 %(day)s 前办结。",
                                notice=track_notice(category.track, days),
                                day=local(case.due_dt).date().isoformat())}
