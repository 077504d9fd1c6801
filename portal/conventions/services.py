"""微公约: households, conventions and their versions, adoption, and signing once per household
per version (on a phone in two taps, or on paper recorded by staff with a photo of the
sheet), and coverage: households signed out of households known, by building. Flushes, never
commits."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import audit, policy
from portal.accounts.models import User
from portal.conventions.models import (
    ITEM_KINDS,
    Convention,
    ConventionVersion,
    Household,
    HouseholdMember,
    Signature,
)
from portal.conventions.signing_points import credit_signing
from portal.council.meeting_models import AgendaItem
from portal.errors import DomainError
from portal.extensions import db
from portal.zones.models import Zone
from portal.zones.services import community_of

MAX_ITEMS = 80


def _part(value: str, what) -> str:
    value = (value or "").strip()
    if len(value) > 10 or (what == "room" and not value):
        raise DomainError("bad_household", _l("请填写单元（可不填）和室号，各最多 10 个字。"), 400)
    return value


def join_household(user: User, building: Zone | None, unit: str, room: str) -> Household:
    """A resident says which household they live in (building, unit, room), once: the
    household is self-declared and signs (and may earn points) for its home, so changing it
    afterwards goes through staff (`clear_household`), never the resident alone."""
    if building is None or building.kind != "building" or building.is_retired:
        raise DomainError("bad_zone", _l("请选择所住的楼栋。"), 400)
    unit, room = _part(unit, "unit"), _part(room, "room")
    member = db.session.scalar(select(HouseholdMember).where(HouseholdMember.user_id == user.id))
    if member is not None:
        mine = member.household
        if (mine.building_id, mine.unit, mine.room) != (building.id, unit, room):
            raise DomainError("household_set", _l("门牌已登记，如需更改请联系社区工作人员。"))
        return mine
    household = _household(building, unit, room)
    try:
        with db.session.begin_nested():
            db.session.add(HouseholdMember(user_id=user.id, household_id=household.id))
    except IntegrityError:  # the same resident saved twice at once (two tabs)
        if household_of(user) != household:
            raise DomainError("household_set", _l("门牌已登记，如需更改请联系社区工作人员。")) \
                from None
    return household


def clear_household(actor, resident: User | None) -> Household:
    """Staff clear a resident's household (they moved, or typed the wrong room) so that the
    resident can set it again. The household's signatures stay with it."""
    if resident is None:
        raise DomainError("no_resident", _l("没有找到这个手机号的居民。"), 404)
    member = db.session.scalar(select(HouseholdMember).where(
        HouseholdMember.user_id == resident.id))
    if member is None:
        policy.check(actor, "conventions.record", resident.home_zone)  # no peeking elsewhere
        raise DomainError("no_household", _l("这位居民还没有登记门牌。"), 400)
    household = member.household
    policy.check(actor, "conventions.record", household.building)
    policy.check_not_beneficiary(actor, resident.id,
                                 _l("不能清除自己的门牌，请让另一位工作人员办理。"))
    db.session.delete(member)
    db.session.flush()
    audit.record(actor, "convention.household_clear", resident,
                 f"清除居民门牌：{household.building.name} {household.unit}{household.room}",
                 household.building)
    return household


def _household(building: Zone, unit: str, room: str) -> Household:
    found = select(Household).where(Household.building_id == building.id,
                                    Household.unit == unit, Household.room == room)
    household = db.session.scalar(found)
    if household is None:
        try:
            with db.session.begin_nested():
                household = Household(building_id=building.id, unit=unit, room=room)
                db.session.add(household)
        except IntegrityError:  # a neighbour of the same room joined at the same moment
            household = db.session.scalar(found)
    return household


def find_or_make_household(building: Zone | None, unit: str, room: str) -> Household:
    """The household at a building, unit and room, made if nobody has named it yet (a paper
    signature from a home where no one uses the portal)."""
    if building is None or building.kind != "building":
        raise DomainError("bad_zone", _l("请选择所住的楼栋。"), 400)
    return _household(building, _part(unit, "unit"), _part(room, "room"))


def household_of(user: User) -> Household | None:
    return db.session.scalar(select(Household).join(HouseholdMember)
                             .where(HouseholdMember.user_id == user.id))


def _check_items(preamble: str, items) -> tuple[str, list[dict]]:
    preamble = (preamble or "").strip()
    if len(preamble) > 5000:
        raise DomainError("bad_preamble", _l("序言最多 5000 字。"), 400)
    cleaned = []
    for item in items or ():
        kind, text = (item or {}).get("kind"), ((item or {}).get("text") or "").strip()
        if kind not in ITEM_KINDS or not 2 <= len(text) <= 200:
            raise DomainError("bad_item", _l("每一条写明“应当”或“不得”，2 到 200 字。"), 400)
        cleaned.append({"kind": kind, "text": text})
    if not 1 <= len(cleaned) <= MAX_ITEMS:
        raise DomainError("bad_items", _l("公约至少一条，最多 80 条。"), 400)
    return preamble, cleaned


def create(actor, zone: Zone | None, *, title: str, preamble: str, items) -> Convention:
    """A convention and its first (draft) version."""
    if zone is None or zone.kind not in ("community", "grid", "building"):
        raise DomainError("bad_zone", _l("请选择公约适用的社区、小区或楼栋。"), 400)
    policy.check(actor, "conventions.manage", zone)
    title = (title or "").strip()
    if not 2 <= len(title) <= 40:
        raise DomainError("bad_title", _l("公约名称 2 到 40 个字。"), 400)
    preamble, items = _check_items(preamble, items)
    convention = Convention(zone_id=zone.id, title=title, created_by_id=actor.id)
    db.session.add(convention)
    db.session.flush()
    db.session.add(ConventionVersion(convention_id=convention.id, number=1, preamble=preamble,
                                     items=items, created_by_id=actor.id))
    db.session.flush()
    audit.record(actor, "convention.create", convention, f"起草公约“{title}”", zone)
    return convention


def amend(actor, convention: Convention, *, preamble: str, items) -> ConventionVersion:
    """A new version; signatures of earlier versions stay with them."""
    policy.check(actor, "conventions.manage", convention.zone)
    preamble, items = _check_items(preamble, items)
    number = (db.session.scalar(select(func.max(ConventionVersion.number)).where(
        ConventionVersion.convention_id == convention.id)) or 0) + 1
    version = ConventionVersion(convention_id=convention.id, number=number, preamble=preamble,
                                items=items, created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "convention.amend", convention,
                 f"修订公约“{convention.title}”，第 {number} 版", convention.zone)
    return version


def _check_vote(convention: Convention, item: AgendaItem) -> None:
    """A passed vote of the convention's own community that no other adoption cites. The
    item's row lock serialises two adoptions citing it at once (PostgreSQL)."""
    db.session.execute(select(AgendaItem.id).where(AgendaItem.id == item.id).with_for_update())
    if item.vote != "closed" or not item.passed:
        raise DomainError("not_passed", _l("只能依据已表决通过的议题通过公约。"), 400)
    community = community_of(convention.zone)
    if community is None or item.meeting.body.community_id != community.id:
        raise DomainError("other_community", _l("只能依据本社区表决通过的议题通过公约。"), 400)
    used = db.session.scalar(select(ConventionVersion).where(
        ConventionVersion.agenda_item_id == item.id).limit(1))
    if used is not None:
        raise DomainError("item_used", _l(
            "这个议题的表决已用于通过“%(title)s”第 %(n)d 版，一次表决只能通过一份公约。",
            title=used.convention.title, n=used.number), 400)


def adopt(actor, version: ConventionVersion, *, on: date, minutes: str = "",
          item: AgendaItem | None = None) -> ConventionVersion:
    """Adopted through a vote that passed, or recorded as adopted by the 居民会议 on a date
    with its minutes."""
    convention = version.convention
    policy.check(actor, "conventions.manage", convention.zone)
    if version.adopted_on is not None:
        raise DomainError("already_adopted", _l("这一版已经通过了。"))
    if not isinstance(on, date):
        raise DomainError("bad_date", _l("请填写通过的日期。"), 400)
    minutes = (minutes or "").strip()
    if item is not None:
        _check_vote(convention, item)
    elif not 2 <= len(minutes) <= 5000:
        raise DomainError("needs_minutes", _l("请附上居民会议的会议记录（2 到 5000 字）。"), 400)
    version.adopted_on, version.minutes = on, minutes
    version.agenda_item_id = item.id if item is not None else None
    db.session.flush()
    audit.record(actor, "convention.adopt", convention,
                 f"公约“{convention.title}”第 {version.number} 版通过（{on.isoformat()}）",
                 convention.zone)
    return version


def current(convention: Convention) -> ConventionVersion | None:
    """The latest adopted version: the one households sign."""
    return db.session.scalar(select(ConventionVersion).where(
        ConventionVersion.convention_id == convention.id,
        ConventionVersion.adopted_on.is_not(None))
        .order_by(ConventionVersion.number.desc()).limit(1))


def _signable(version: ConventionVersion) -> None:
    latest = current(version.convention)
    if latest is None or latest.id != version.id:
        raise DomainError("not_current", _l("请签署公约现行的版本。"))


def _insert(version: ConventionVersion, household: Household, **values) -> tuple[Signature, bool]:
    try:
        with db.session.begin_nested():
            signature = Signature(version_id=version.id, household_id=household.id, **values)
            db.session.add(signature)
        return signature, True
    except IntegrityError:
        return db.session.scalar(select(Signature).where(
            Signature.version_id == version.id, Signature.household_id == household.id)), False


def sign(user: User, version: ConventionVersion) -> tuple[Signature, bool]:
    """An adult of the household signs for it; a household that signed already is told so.
    Returns (the household's signature, whether this call made it)."""
    household = household_of(user)
    if household is None:
        raise DomainError("no_household", _l("请先在“我的”里填写所住的楼栋、单元和室号。"), 400)
    if not version.convention.zone.contains(household.building):
        raise DomainError("other_zone", _l("这份公约不适用于您家所在的楼栋。"), 403)
    _signable(version)
    signature, made = _insert(version, household, user_id=user.id)
    if made:
        credit_signing(user, version, household, signature)
    return signature, made


def record_paper(actor, version: ConventionVersion, household: Household, *, photo: str,
                 signer: User | None = None) -> tuple[Signature, bool]:
    """Staff record a household's signature on the paper sheet, with a photo of it."""
    policy.check(actor, "conventions.record", household.building)
    own = household_of(actor) == household or (signer is not None and signer.id == actor.id)
    policy.check_not_beneficiary(actor, actor.id if own else None,
                                 _l("不能为自己家录入纸质签名，请让另一位工作人员录入。"))
    if not version.convention.zone.contains(household.building):
        raise DomainError("other_zone", _l("这份公约不适用于这户所在的楼栋。"), 400)
    if not photo:
        raise DomainError("needs_photo", _l("请拍下纸质签名页的照片。"), 400)
    _signable(version)
    signature, made = _insert(version, household, paper=True, photo=photo,
                              recorded_by_id=actor.id,
                              user_id=signer.id if signer is not None else None)
    if made:
        audit.record(actor, "convention.paper", signature,
                     f"录入纸质签名：{household.building.name} {household.unit}{household.room}",
                     household.building)
    return signature, made


def coverage(version: ConventionVersion) -> list[tuple[Zone, int, int]]:
    """(building, households signed, households known) for each building in the convention's
    zone that has a known household; known: a household at least one resident has joined,
    or one that signed this version (on paper, from a home where no one uses the portal)."""
    zone = version.convention.zone
    joined = select(HouseholdMember.household_id)
    signed_here = select(Signature.household_id).where(Signature.version_id == version.id)
    known = dict(db.session.execute(
        select(Household.building_id, func.count(Household.id))
        .join(Zone, Zone.id == Household.building_id)
        .where(Zone.path.startswith(zone.path, autoescape=True),
               Household.id.in_(joined) | Household.id.in_(signed_here))
        .group_by(Household.building_id)).all())
    signed = dict(db.session.execute(
        select(Household.building_id, func.count(Signature.id))
        .join(Signature, Signature.household_id == Household.id)
        .where(Signature.version_id == version.id, Household.building_id.in_(list(known)))
        .group_by(Household.building_id)).all())
    buildings = db.session.scalars(select(Zone).where(Zone.id.in_(list(known)))
                                   .order_by(Zone.code))
    return [(b, signed.get(b.id, 0), known[b.id]) for b in buildings]
