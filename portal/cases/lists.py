"""The lists on the resident's and the handler's pages: what to file under (categories and
places), my matters, my tasks, the pool to claim from, and one matter with its timeline. Each
is a fixed number of queries, however many rows it shows."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import policy
from portal.cases.models import HANDLED, POOL, Case, CaseCategory, CaseEvent, CaseFollower
from portal.extensions import db
from portal.zones.models import Zone
from portal.zones.services import community_of, tree_order

PAGE_SIZE = 20
#: the pool is a short list of what is waiting now; more than this is the dispatcher's to sort
POOL_LIMIT = 50


def home_community(user) -> Zone | None:
    return community_of(user.home_zone) if user.home_zone is not None else None


def categories_of(community: Zone | None) -> list[CaseCategory]:
    if community is None:
        return []
    return list(db.session.scalars(
        select(CaseCategory).where(CaseCategory.community_id == community.id,
                                   CaseCategory.is_active.is_(True))
        .order_by(CaseCategory.sort, CaseCategory.id)))


def places_of(community: Zone | None) -> list[tuple[Zone, str]]:
    """The community's grids and buildings, in tree order, each with a label below the
    community ("新安小区网格 · 新安小区1栋")."""
    if community is None:
        return []
    zones = list(db.session.scalars(select(Zone).where(
        Zone.path.startswith(community.path, autoescape=True),
        Zone.kind.in_(("grid", "building")), Zone.is_retired.is_(False))))
    by_id = {z.id: z for z in zones}
    labelled = []
    for zone in tree_order(zones):
        chain = [by_id[int(i)] for i in zone.path.strip("/").split("/") if int(i) in by_id]
        labelled.append((zone, " · ".join(z.name for z in chain)))
    return labelled


def place_label(zone: Zone) -> str:
    """A zone below its community, as residents say it: "新安小区网格 · 新安小区1栋"."""
    ids = [int(i) for i in zone.path.strip("/").split("/")]
    names = dict(db.session.execute(select(Zone.id, Zone.name).where(
        Zone.id.in_(ids), Zone.kind.in_(("grid", "building")))).all())
    return " · ".join(names[i] for i in ids if i in names) or zone.name


def followed_ids(user, case_ids) -> set[int]:
    """Which of these matters the user has joined ("me too")."""
    if not case_ids:
        return set()
    return set(db.session.scalars(select(CaseFollower.case_id).where(
        CaseFollower.user_id == user.id, CaseFollower.case_id.in_(list(case_ids)))))


def my_cases(user, page: int = 1):
    """Matters I filed (or filed for someone) or joined, newest first."""
    joined = select(CaseFollower.case_id).where(CaseFollower.user_id == user.id)
    stmt = (select(Case).where(or_(Case.resident_id == user.id, Case.filed_by_id == user.id,
                                   Case.id.in_(joined)))
            .options(joinedload(Case.category), joinedload(Case.zone))
            .order_by(Case.id.desc()))
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def my_tasks(user) -> list[Case]:
    """Matters sent to me and not yet done, the soonest deadline first."""
    return list(db.session.scalars(
        select(Case).where(Case.handler_id == user.id, Case.status.in_(HANDLED))
        .options(joinedload(Case.category), joinedload(Case.zone))
        .order_by(Case.due_dt.is_(None), Case.due_dt, Case.id)))


def pool_for(user) -> list[Case] | None:
    """The pooled matters (抢单) the user may claim: those of their own community for a verified
    party member, those in their zones for staff; None for someone who claims none."""
    in_scope = policy.zone_filter(user, "cases.view", Zone.path)
    where = [in_scope] if policy.can(user, "cases.view") else []
    if user.is_verified_party_member and user.home_zone is not None:
        homes = [int(i) for i in user.home_zone.path.strip("/").split("/")]
        where.append(Case.community_id.in_(homes))
    if not where:
        return None
    return list(db.session.scalars(
        select(Case).join(Zone, Zone.id == Case.zone_id)
        .where(Case.status == POOL, Case.resident_id != user.id, or_(*where))
        .options(joinedload(Case.category), joinedload(Case.zone))
        .order_by(Case.due_dt.is_(None), Case.due_dt, Case.id).limit(POOL_LIMIT)))


def with_timeline(case_id: int) -> Case | None:
    """One matter with everything its page shows, in a few queries."""
    return db.session.scalar(
        select(Case).where(Case.id == case_id)
        .options(joinedload(Case.category), joinedload(Case.zone), joinedload(Case.resident),
                 joinedload(Case.filed_by), joinedload(Case.handler), joinedload(Case.unit),
                 selectinload(Case.events).joinedload(CaseEvent.actor)))
