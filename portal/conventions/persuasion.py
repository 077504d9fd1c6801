"""劝导: an admin appoints volunteers as 劝导员 in a community; a 劝导员 logs a persuasion
event against an item of a convention that applies there: the item, the place and a note,
with no name of the person persuaded. Nothing here touches points: the portal never takes
points away for a breach of a convention. Flushes, never commits.

"conventions.persuade" is not a staff role: it is an active row in conventions_persuaders for
the convention's community, checked by `check_persuader`."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal import audit, policy
from portal.conventions.models import Convention, ConventionVersion
from portal.conventions.persuasion_models import Persuader, Persuasion
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.types import utcnow
from portal.zones.models import Zone
from portal.zones.services import community_of


def appoint(actor, community: Zone | None, person) -> Persuader:
    """Appoint (or re-appoint) a resident of the community as 劝导员."""
    if community is None or community.kind != "community":
        raise DomainError("bad_zone", _l("请选择社区。"), 400)
    policy.check(actor, "conventions.manage", community)
    if person is None or not person.is_active or not community.contains(person.home_zone):
        raise DomainError("not_resident", _l("劝导员须是本社区的居民。"), 400)
    policy.check_not_beneficiary(actor, person.id,
                                 _l("不能聘任自己为劝导员，请让另一位管理员聘任。"))
    row = db.session.scalar(select(Persuader).where(Persuader.community_id == community.id,
                                                    Persuader.user_id == person.id))
    if row is None:
        try:
            with db.session.begin_nested():
                row = Persuader(community_id=community.id, user_id=person.id,
                                is_active=True, appointed_by_id=actor.id, appointed_dt=utcnow())
                db.session.add(row)
        except IntegrityError:  # another admin appointed the same person at the same moment
            raise DomainError("already_persuader", _l("这位居民已经是劝导员了。")) from None
    elif row.is_active:
        raise DomainError("already_persuader", _l("这位居民已经是劝导员了。"))
    else:
        row.is_active, row.appointed_by_id, row.appointed_dt = True, actor.id, utcnow()
        db.session.flush()
    audit.record(actor, "convention.persuader", row, f"聘任劝导员 {person.name}", community)
    return row


def end(actor, row: Persuader) -> Persuader:
    """End an appointment; the logs already made stay."""
    policy.check(actor, "conventions.manage", row.community)
    if not row.is_active:
        raise DomainError("already_ended", _l("这位劝导员已经卸任了。"))
    row.is_active = False
    db.session.flush()
    audit.record(actor, "convention.persuader_end", row, f"劝导员 {row.user.name} 卸任",
                 row.community)
    return row


def persuading_in(user) -> list[int]:
    """The ids of the communities where `user` is an active 劝导员."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(select(Persuader.community_id).where(
        Persuader.user_id == user.id, Persuader.is_active.is_(True))))


def check_persuader(user, convention: Convention) -> None:
    """conventions.persuade: an active appointment in the convention's community."""
    community = community_of(convention.zone)
    if community is None or community.id not in persuading_in(user):
        raise NotAllowed()


def log(user, version: ConventionVersion, *, item_index: int, place: str,
        note: str = "") -> Persuasion:
    """A 劝导员 logs one persuasion event on an item of an adopted version."""
    check_persuader(user, version.convention)
    if version.adopted_on is None:
        raise DomainError("not_adopted", _l("公约还没有通过，暂不能记劝导。"), 400)
    if not isinstance(item_index, int) or not 0 <= item_index < len(version.items):
        raise DomainError("bad_item", _l("请选择劝导所依据的公约条目。"), 400)
    place, note = (place or "").strip(), (note or "").strip()
    if not 2 <= len(place) <= 60:
        raise DomainError("bad_place", _l("请填写地点，2 到 60 个字。"), 400)
    if len(note) > 300:
        raise DomainError("bad_note", _l("情况说明最多 300 字。"), 400)
    row = Persuasion(version_id=version.id, item_index=item_index,
                     item_text=version.items[item_index]["text"][:200], place=place,
                     note=note, logged_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    return row


def counts_by_item(convention: Convention, since: datetime | None = None) -> list[tuple[str, int]]:
    """(item words, events) for a convention, most first; `since` limits to recent events."""
    query = (select(Persuasion.item_text, func.count(Persuasion.id))
             .join(ConventionVersion, ConventionVersion.id == Persuasion.version_id)
             .where(ConventionVersion.convention_id == convention.id)
             .group_by(Persuasion.item_text).order_by(func.count(Persuasion.id).desc(),
                                                      Persuasion.item_text))
    if since is not None:
        query = query.where(Persuasion.created_dt >= since)
    return [(text, n) for text, n in db.session.execute(query).all()]


def persuaders_in(communities) -> dict[int, list[Persuader]]:
    """community id -> its 劝导员 (active first, then newest), with each person loaded: one
    query for all the communities."""
    ids = [c.id for c in communities]
    found: dict[int, list[Persuader]] = {i: [] for i in ids}
    if not ids:
        return found
    for row in db.session.scalars(
            select(Persuader).where(Persuader.community_id.in_(ids))
            .options(joinedload(Persuader.user))
            .order_by(Persuader.is_active.desc(), Persuader.appointed_dt.desc(),
                      Persuader.id.desc())):
        found[row.community_id].append(row)
    return found
