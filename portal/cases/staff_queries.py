"""Read side of the staff pages for matters: the dispatch desk's tabs, the 街道's overdue board,
the communities a staff member works in, and the names shown beside a matter. Each page runs a
fixed number of statements, however many matters it lists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import joinedload, selectinload

from portal import policy
from portal.accounts.models import User
from portal.cases import access
from portal.cases.models import (
    ACCEPTED,
    DISPATCHED,
    NEW,
    OPEN,
    POOL,
    REVISIT,
    Case,
    CaseCategory,
    CaseEvent,
    CaseUnit,
)
from portal.cases.services.filing import grid_of
from portal.clock import local_today
from portal.extensions import db
from portal.zones.models import Zone

PAGE_SIZE = 20
BOARD_PAGE_SIZE = 50

#: the desk's tabs, in the order they are shown: what each one lists
TABS = {
    "new": Case.status == NEW,
    "pool": Case.status == POOL,
    "revisit": Case.status == REVISIT,
    "handling": Case.status.in_((DISPATCHED, ACCEPTED)),
    "overdue": and_(Case.overdue_dt.is_not(None), Case.status.in_(OPEN)),
    "escalated": Case.escalated_dt.is_not(None),
    "all": None,
}
DEFAULT_TAB = "new"


def _ids(zone: Zone) -> list[int]:
    return [int(i) for i in zone.path.strip("/").split("/")]


def _in_scope(viewer):
    """Matters whose zone lies in the viewer's scope for cases.view (joined on Case.zone)."""
    return policy.zone_filter(viewer, "cases.view", Zone.path)


def _listing():
    return (select(Case).join(Zone, Zone.id == Case.zone_id)
            .options(joinedload(Case.category), joinedload(Case.handler),
                     joinedload(Case.unit), joinedload(Case.zone)))


def desk(viewer, tab: str, page: int = 1):
    """One page of a desk tab. Work waiting on the community comes oldest deadline first; the
    whole list newest first."""
    stmt = _listing().where(_in_scope(viewer))
    if TABS[tab] is not None:
        stmt = stmt.where(TABS[tab])
    if tab == "all":
        stmt = stmt.order_by(Case.id.desc())
    elif tab == "escalated":
        stmt = stmt.order_by(Case.escalated_dt.desc(), Case.id.desc())
    else:
        stmt = stmt.order_by(Case.due_dt.is_(None), Case.due_dt, Case.id)
    return db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)


def tab_counts(viewer) -> dict[str, int]:
    """How many matters each tab lists, in one statement."""
    columns = [func.coalesce(func.sum(when((condition, 1), else_=0)), 0)
               if condition is not None else func.count(Case.id)
               for condition in TABS.values()]
    row = db.session.execute(select(*columns).select_from(Case)
                             .join(Zone, Zone.id == Case.zone_id).where(_in_scope(viewer))).one()
    return {tab: int(n or 0) for tab, n in zip(TABS, row, strict=True)}


def overdue_board(viewer, page: int = 1):
    """Open matters moved up to the 街道, in the viewer's scope, by community and longest
    overdue first."""
    community = Zone.__table__.alias("community")
    stmt = (_listing().join(community, community.c.id == Case.community_id)
            .where(_in_scope(viewer), Case.escalated_dt.is_not(None), Case.status.in_(OPEN))
            .options(joinedload(Case.community))
            .order_by(community.c.code, Case.due_dt, Case.id))
    return db.paginate(stmt, page=page, per_page=BOARD_PAGE_SIZE, error_out=False)


def board_counts(viewer) -> dict[int, int]:
    """community id -> how many of its open matters are on the board (all pages)."""
    return dict(db.session.execute(
        select(Case.community_id, func.count(Case.id)).join(Zone, Zone.id == Case.zone_id)
        .where(_in_scope(viewer), Case.escalated_dt.is_not(None), Case.status.in_(OPEN))
        .group_by(Case.community_id)).all())


def by_community(cases) -> list[tuple[Zone, list[Case]]]:
    """Consecutive matters of one community, grouped (the board's order keeps them together)."""
    groups: list[tuple[Zone, list[Case]]] = []
    for case in cases:
        if not groups or groups[-1][0].id != case.community_id:
            groups.append((case.community, []))
        groups[-1][1].append(case)
    return groups


def grid_names(cases) -> dict[int, str]:
    """case id -> the name of its grid (or of its community when filed for the whole
    community), from one statement."""
    ids = {i for case in cases for i in _ids(case.zone)}
    if not ids:
        return {}
    zones = {z.id: z for z in db.session.scalars(
        select(Zone).where(Zone.id.in_(ids), Zone.kind.in_(("grid", "community"))))}
    names = {}
    for case in cases:
        chain = [zones[i] for i in _ids(case.zone) if i in zones]
        grids = [z for z in chain if z.kind == "grid"] or chain
        names[case.id] = grids[-1].name if grids else case.zone.name
    return names


def days_since(dt: datetime | None, now: datetime) -> int:
    """Whole local days from `dt` to now (0 on the same day)."""
    return max((local_today(now) - local_today(dt)).days, 0) if dt else 0


def is_late(case: Case, now: datetime) -> bool:
    """Open and past its time limit (the escalation command may not have marked it yet)."""
    return case.is_open and (case.overdue_dt is not None
                             or (case.due_dt is not None and case.due_dt < now))


# ------------------------------------------------------------------ one matter


def load_case(case_id: int) -> Case | None:
    return db.session.get(Case, case_id, options=[
        joinedload(Case.category), joinedload(Case.zone), joinedload(Case.community),
        joinedload(Case.resident).joinedload(User.home_zone), joinedload(Case.filed_by),
        joinedload(Case.handler), joinedload(Case.unit)])


def events(case: Case) -> list[CaseEvent]:
    return list(db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id)
        .options(joinedload(CaseEvent.actor)).order_by(CaseEvent.id)))


def handlers(case: Case) -> list[User]:
    """The people the matter may be sent to (access.handler_query), with what they are."""
    return list(db.session.scalars(access.handler_query(case).options(
        selectinload(User.grants), selectinload(User.party))))


def units(community_id: int, *, active_only: bool = True) -> list[CaseUnit]:
    stmt = (select(CaseUnit).where(CaseUnit.community_id == community_id)
            .options(joinedload(CaseUnit.contact)).order_by(CaseUnit.name))
    if active_only:
        stmt = stmt.where(CaseUnit.is_active.is_(True))
    return list(db.session.scalars(stmt))


def similar(case: Case, limit: int = 5) -> list[Case]:
    """Other open matters of the same category in the same grid: perhaps one problem."""
    grid = grid_of(case.zone)
    return list(db.session.scalars(
        select(Case).join(Zone, Zone.id == Case.zone_id)
        .where(Case.category_id == case.category_id, Case.status.in_(OPEN), Case.id != case.id,
               Zone.path.startswith(grid.path, autoescape=True))
        .order_by(Case.id.desc()).limit(limit)))


# ------------------------------------------------------------------ communities


def communities(viewer, permission: str, *, around: bool = False) -> list[Zone]:
    """The communities inside the viewer's scope for `permission`, by code. With `around`, also
    the community above a narrower grant (a grid worker's grid lies in one): where they file."""
    roots = policy.scope_roots(viewer, permission)
    stmt = select(Zone).where(Zone.kind == "community", Zone.is_retired.is_(False))
    if roots is not None:
        inside = policy.zone_filter(viewer, permission, Zone.path)
        above = {i for root in roots for i in _ids(root)} if around else set()
        stmt = stmt.where(or_(inside, Zone.id.in_(above)) if above else inside)
    return list(db.session.scalars(stmt.order_by(Zone.code)))


def categories(community_ids, *, active_only: bool = False) -> list[CaseCategory]:
    stmt = (select(CaseCategory).where(CaseCategory.community_id.in_(list(community_ids)))
            .options(joinedload(CaseCategory.unit))
            .order_by(CaseCategory.community_id, CaseCategory.sort, CaseCategory.id))
    if active_only:
        stmt = stmt.where(CaseCategory.is_active.is_(True))
    return list(db.session.scalars(stmt))
