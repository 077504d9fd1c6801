"""Read-only look-ups for the 微公约 pages: which conventions apply to a resident or lie in a
staff member's scope, their current versions and signature counts in bulk (no query per row),
coverage by grid, the passed agenda items a version may be adopted by, and the changes
between two versions."""

from __future__ import annotations

import difflib
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from portal import policy
from portal.clock import local_today, to_utc
from portal.conventions.models import (
    Convention,
    ConventionVersion,
    Household,
    HouseholdMember,
    Signature,
)
from portal.council.meeting_models import AgendaItem, Meeting
from portal.council.models import Body
from portal.extensions import db
from portal.types import utcnow
from portal.zones.models import Zone

KIND_WORD = {"do": "应当", "dont": "不得"}


def _ancestor_ids(zone: Zone | None) -> list[int]:
    return [int(i) for i in zone.path.strip("/").split("/")] if zone is not None else []


def applying_to(user, household: Household | None) -> list[Convention]:
    """Conventions of the resident's community, compound or building: where their household
    is, or their home zone while they have none."""
    place = household.building if household is not None else getattr(user, "home_zone", None)
    ids = _ancestor_ids(place)
    if not ids:
        return []
    return list(db.session.scalars(select(Convention).join(Zone, Zone.id == Convention.zone_id)
                                   .where(Convention.zone_id.in_(ids))
                                   .options(contains_eager(Convention.zone))
                                   .order_by(Zone.path, Convention.id)))


def in_scope(actor) -> list[Convention]:
    """Conventions a staff member works with: in their scope, or above it (a grid worker
    records paper signatures for the community's convention in their grid)."""
    return list(db.session.scalars(
        select(Convention).join(Zone, Zone.id == Convention.zone_id)
        .where(policy.overlap_filter(actor, "conventions.record", Zone.path))
        .options(contains_eager(Convention.zone))
        .order_by(Zone.path, Convention.id)))


def may_see(actor, convention: Convention) -> bool:
    roots = policy.scope_roots(actor, "conventions.record")
    if roots is None:
        return True
    zone = convention.zone
    return any(root.contains(zone) or zone.contains(root) for root in roots)


def current_versions(conventions) -> dict[int, ConventionVersion]:
    """convention id -> its latest adopted version, in one query."""
    ids = [c.id for c in conventions]
    if not ids:
        return {}
    latest = (select(ConventionVersion.convention_id, func.max(ConventionVersion.number))
              .where(ConventionVersion.convention_id.in_(ids),
                     ConventionVersion.adopted_on.is_not(None))
              .group_by(ConventionVersion.convention_id).subquery())
    rows = db.session.scalars(select(ConventionVersion).join(
        latest, (latest.c.convention_id == ConventionVersion.convention_id)
        & (latest.c[1] == ConventionVersion.number)))
    return {v.convention_id: v for v in rows}


def latest_versions(conventions) -> dict[int, ConventionVersion]:
    """convention id -> its newest version, adopted or not, in one query."""
    ids = [c.id for c in conventions]
    if not ids:
        return {}
    latest = (select(ConventionVersion.convention_id, func.max(ConventionVersion.number))
              .where(ConventionVersion.convention_id.in_(ids))
              .group_by(ConventionVersion.convention_id).subquery())
    rows = db.session.scalars(select(ConventionVersion).join(
        latest, (latest.c.convention_id == ConventionVersion.convention_id)
        & (latest.c[1] == ConventionVersion.number)))
    return {v.convention_id: v for v in rows}


def signature_counts(version_ids) -> dict[int, int]:
    ids = list(version_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Signature.version_id, func.count(Signature.id))
        .where(Signature.version_id.in_(ids)).group_by(Signature.version_id)).all())


def signatures_of(household: Household | None, version_ids) -> dict[int, Signature]:
    """version id -> the household's signature of it."""
    ids = list(version_ids)
    if household is None or not ids:
        return {}
    return {s.version_id: s for s in db.session.scalars(select(Signature).where(
        Signature.household_id == household.id, Signature.version_id.in_(ids)))}


def member_count(household: Household) -> int:
    """How many residents have joined the household. Households are self-declared, so the
    page shows a count, never whose names (a stranger could claim the room)."""
    return db.session.scalar(select(func.count(HouseholdMember.id))
                             .where(HouseholdMember.household_id == household.id)) or 0


def by_grid(rows) -> list[tuple[Zone | None, int, int]]:
    """Coverage rows (building, signed, known) summed by the building's grid."""
    parent_ids = {building.parent_id for building, _s, _k in rows}
    grids = {z.id: z for z in db.session.scalars(select(Zone).where(Zone.id.in_(parent_ids)))}
    totals: dict[int | None, list] = {}
    for building, signed, known in rows:
        entry = totals.setdefault(building.parent_id, [grids.get(building.parent_id), 0, 0])
        entry[1] += signed
        entry[2] += known
    return sorted((tuple(v) for v in totals.values()),
                  key=lambda row: row[0].code if row[0] is not None else "")


def totals(rows) -> tuple[int, int]:
    return sum(r[1] for r in rows), sum(r[2] for r in rows)


def percent(signed: int, known: int) -> int:
    return round(signed * 100 / known) if known else 0


def passed_items(community: Zone | None) -> list[AgendaItem]:
    """The community's agenda items whose vote closed and passed and that no adoption cites
    yet, newest first, with their meeting, body and topic loaded."""
    if community is None:
        return []
    used = select(ConventionVersion.agenda_item_id).where(
        ConventionVersion.agenda_item_id.is_not(None))
    return list(db.session.scalars(
        select(AgendaItem).join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(Body, Body.id == Meeting.body_id)
        .where(Body.community_id == community.id, AgendaItem.vote == "closed",
               AgendaItem.passed.is_(True), AgendaItem.id.not_in(used))
        .options(joinedload(AgendaItem.meeting).joinedload(Meeting.body),
                 joinedload(AgendaItem.topic))
        .order_by(AgendaItem.closed_dt.desc()).limit(50)))


def adopting_items(versions) -> dict[int, AgendaItem]:
    """agenda item id -> the passed vote a version was adopted by, with its meeting and topic
    (one query), for "依据 … 议题“…”表决通过"."""
    ids = [v.agenda_item_id for v in versions if v.agenda_item_id]
    if not ids:
        return {}
    return {i.id: i for i in db.session.scalars(
        select(AgendaItem).where(AgendaItem.id.in_(ids))
        .options(joinedload(AgendaItem.meeting), joinedload(AgendaItem.topic)))}


def lines(version: ConventionVersion) -> list[str]:
    return [f"{KIND_WORD[item['kind']]}：{item['text']}" for item in version.items]


def changes(old: ConventionVersion, new: ConventionVersion) -> list[tuple[str, str]]:
    """Item by item: ("same" | "removed" | "added", "应当：…"); the preamble first when it
    changed."""
    marks = {" ": "same", "-": "removed", "+": "added"}
    out = []
    if old.preamble != new.preamble:
        out += [("removed", f"序言：{old.preamble}"), ("added", f"序言：{new.preamble}")]
    return out + [(marks[line[0]], line[2:])
                  for line in difflib.ndiff(lines(old), lines(new)) if line[0] in marks]


def month_start() -> datetime:
    """The first of this month (local time), in UTC."""
    return to_utc(local_today(utcnow()).replace(day=1), time())


def paper_signatures(actor, version: ConventionVersion, limit: int = 30) -> list[Signature]:
    """The version's latest signatures given on paper, in the staff member's scope, with the
    household and its building loaded (one query)."""
    return list(db.session.scalars(
        select(Signature).join(Household, Household.id == Signature.household_id)
        .join(Zone, Zone.id == Household.building_id)
        .where(Signature.version_id == version.id, Signature.paper.is_(True),
               policy.overlap_filter(actor, "conventions.record", Zone.path))
        .options(joinedload(Signature.household).joinedload(Household.building))
        .order_by(Signature.id.desc()).limit(limit)))
