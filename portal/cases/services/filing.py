"""提单: a resident files a matter online, or staff file it for them (a door visit, a 社区工作日
reception, a phone call, a 12345 transfer); similar open matters are shown first, and a
resident can join one ("me too") instead of filing anew."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal import audit, policy
from portal.accounts.models import User
from portal.cases.access import check_step, in_community
from portal.cases.contact_models import DoorVisit, ReceptionBooking
from portal.cases.models import (
    INSTANT,
    OPEN,
    POOL,
    Case,
    CaseCategory,
    CaseFollower,
)
from portal.cases.services.steps import MAX_PHOTOS, event, take
from portal.cases.workdays import due_after
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow
from portal.zones.models import Zone
from portal.zones.services import community_of

SOURCE_LABELS = {"online": "居民网上提交", "visit": "入户走访", "reception": "社区工作日接待",
                 "phone": "电话反映", "hotline": "12345 热线转办", "api": "Open311 接口"}
#: how staff came to file a matter for a resident
STAFF_SOURCES = ("visit", "reception", "phone", "hotline", "api")
MAX_DETAILS = 2000


def grid_of(zone: Zone) -> Zone:
    """The grid a zone lies in (the zone itself above grid level): duplicates and the 台账."""
    node = zone
    while node is not None and node.kind == "building":
        node = node.parent
    return node or zone


def _check_text(title: str, details: str, place: str) -> tuple[str, str, str]:
    title, details, place = (title or "").strip(), (details or "").strip(), (place or "").strip()
    if not 2 <= len(title) <= 40:
        raise DomainError("bad_title", _l("事项标题 2 到 40 个字，例如“3号楼楼顶漏水”。"), 400)
    if len(details) > MAX_DETAILS:
        raise DomainError("bad_details", _l("情况说明最多 2000 字。"), 400)
    if len(place) > 80:
        raise DomainError("bad_place", _l("具体位置最多 80 字。"), 400)
    return title, details, place


def check_point(point) -> tuple[float | None, float | None]:
    """An optional map point: a (lat, lng) pair of finite numbers on the globe, or nothing."""
    if point is None or point == (None, None):
        return None, None
    try:
        lat, lng = (float(value) for value in point)
    except (TypeError, ValueError):
        lat = lng = float("nan")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):  # NaN fails both
        raise DomainError("bad_point", _l("地图位置无效，请重新获取位置，或不填。"), 400)
    return round(lat, 6), round(lng, 6)


def _check_place(resident: User, zone: Zone | None, category: CaseCategory | None) -> Zone:
    home = community_of(resident.home_zone) if resident.home_zone else None
    if home is None:
        raise DomainError("no_home", _l("请先在“我的”里填写居住的小区或楼栋。"), 400)
    if zone is None or zone.is_retired or not home.contains(zone) or zone.kind == "street":
        raise DomainError("bad_zone", _l("请选择事项所在的网格或楼栋（本社区内）。"), 400)
    if category is None or category.community_id != home.id or not category.is_active:
        raise DomainError("bad_category", _l("请选择事项的类别。"), 400)
    return home


def file_case(actor, resident: User, *, category: CaseCategory | None, zone: Zone | None,
              title: str, details: str = "", place: str = "", public: bool = False,
              source: str = "online", photos=(), visit: DoorVisit | None = None,
              booking: ReceptionBooking | None = None, point: tuple | None = None,
              now: datetime | None = None) -> Case:
    """A matter in the loop; `visit` or `booking` names the door visit or reception it was
    raised at (filed by that visit's worker, for that booking's resident); `point` is an
    optional map point (lat, lng) from the phone."""
    now = now or utcnow()
    if actor.id != resident.id:
        policy.check_action_on(actor, "file_case_for", resident)
    if source != "online" if actor.id == resident.id else source not in STAFF_SOURCES:
        raise DomainError("bad_source", _l("请选择事项的来源。"), 400)
    if visit is not None and (source != "visit" or visit.worker_id != actor.id):
        raise DomainError("bad_visit", _l("只能为自己的走访记录登记事项。"), 400)
    if booking is not None and (source != "reception" or booking.user_id != resident.id):
        raise DomainError("bad_booking", _l("这条预约不是这位居民的。"), 400)
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise DomainError("too_many_photos", _l("最多上传 6 张照片。"), 400)
    title, details, place = _check_text(title, details, place)
    lat, lng = check_point(point)
    community = _check_place(resident, zone, category)
    days = 0 if category.track == INSTANT else category.days
    case = Case(community_id=community.id, zone_id=zone.id, category_id=category.id,
                title=title, details=details, place=place, photos=photos, source=source,
                resident_id=resident.id, filed_by_id=actor.id, public=bool(public),
                track=category.track, status=POOL if category.claimable else "new",
                due_dt=due_after(now, days), unit_id=category.unit_id, created_dt=now,
                geo_lat=lat, geo_lng=lng, visit_id=visit.id if visit else None,
                booking_id=booking.id if booking else None)
    db.session.add(case)
    db.session.flush()
    note = SOURCE_LABELS[source]
    if actor.id != resident.id:
        # the resident's name stays out of the note: neighbours who joined read the timeline
        note = f"{actor.name} {note}，代居民提交"
    event(case, actor, "filed", note, photos, at=now)
    if category.claimable:
        event(case, None, "pooled", "群众点单：在职党员和网格员可以认领", at=now)
    audit.record(actor, "case.file", case, f"提交事项“{title}”（{note}）", zone)
    return case


def similar_open(category: CaseCategory | None, zone: Zone | None, limit: int = 5) -> list[Case]:
    """Open matters of the same category in the same grid: shown before filing anew."""
    if category is None or zone is None:
        return []
    grid = grid_of(zone)
    return list(db.session.scalars(
        select(Case).join(Zone, Zone.id == Case.zone_id)
        .where(Case.category_id == category.id, Case.status.in_(OPEN),
               Zone.path.startswith(grid.path, autoescape=True))
        .order_by(Case.metoo_count.desc(), Case.id.desc()).limit(limit)))


def join(user: User, case: Case) -> bool:
    """"Me too": the resident follows an open matter of their community and is counted once.
    Returns False when they had already joined it (nothing changes)."""
    if case.resident_id == user.id:
        raise DomainError("own_case", _l("这是您自己提交的事项。"))
    if not case.is_open:
        raise DomainError("not_open", _l("这件事项已经办结，不能再加入；如问题仍在，请重新提交。"))
    if not in_community(user, case):
        raise DomainError("other_community", _l("只能加入本社区的事项。"), 403)
    try:
        with db.session.begin_nested():
            db.session.add(CaseFollower(case_id=case.id, user_id=user.id))
    except IntegrityError:
        return False
    db.session.execute(update(Case).where(Case.id == case.id)
                       .values(metoo_count=Case.metoo_count + 1))
    db.session.expire(case)
    event(case, user, "joined", "我也遇到了这个问题")
    return True


def withdraw(actor, case: Case, reason: str = "") -> Case:
    """The resident takes back a matter nobody is working on yet."""
    check_step(actor, case, "withdraw")
    if not take(case, "withdraw", closed_dt=utcnow()):
        raise DomainError("wrong_status", _l("这件事项已经有人在办理，不能撤回了。"))
    event(case, actor, "withdrawn", (reason or "").strip())
    return case
