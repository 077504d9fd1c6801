"""Who a person is to a matter, what they may see of it, and who may handle it: the matter's
own access decisions, built on portal.policy. Views, templates and services only call these.

- the resident it is for: their own matter, its whole timeline, the rating;
- its handler: the matter with the resident's contact, the handling steps;
- staff in scope (`cases.view`): everything; dispatchers (`cases.dispatch`) take the
  community's steps (派单, 回访, 不予受理, a rating given by phone);
- a member (a verified party member of the community, or a coordinator over its zone) may
  claim a matter in the pool (抢单);
- a follower (a neighbour who said "me too") reads the matter and its updates, without the
  resident's contact;
- the public 台账 shows a matter the resident allowed, masked: category, grid, status.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal import policy
from portal.accounts.models import PartyMembership, RoleGrant, User
from portal.cases.models import (
    HANDLER,
    MEMBER,
    POOL,
    RESIDENT,
    STAFF,
    TRANSITIONS,
    Case,
    CaseFollower,
    CaseUnit,
)
from portal.errors import DomainError, NotAllowed
from portal.extensions import db
from portal.teams.models import Team
from portal.zones.models import Zone


def _is_verified_member(user) -> bool:
    membership = getattr(user, "party", None)
    return membership is not None and membership.status == "verified"


def in_community(user, case: Case) -> bool:
    home = getattr(user, "home_zone", None)
    return home is not None and home.path.startswith(case.community.path)


def is_follower(user, case: Case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(CaseFollower.id).where(
        CaseFollower.case_id == case.id, CaseFollower.user_id == user.id)) is not None


def may_join(viewer, case: Case) -> bool:
    """Whether the page offers "me too": an open matter of the viewer's community that is not
    theirs, nor theirs to handle, and that they have not joined yet."""
    return (getattr(viewer, "is_authenticated", False)
            and viewer.id not in (case.resident_id, case.handler_id) and case.is_open
            and in_community(viewer, case) and not is_follower(viewer, case))


def roles(viewer, case: Case) -> frozenset[str]:
    """Everything the viewer is to the matter (a person can be both its resident and staff)."""
    if not getattr(viewer, "is_authenticated", False):
        return frozenset()
    found = set()
    if viewer.id == case.resident_id:
        found.add(RESIDENT)
    if viewer.id == case.handler_id:
        found.add(HANDLER)
    if policy.can(viewer, "cases.dispatch", case.zone):
        found.add(STAFF)
    if case.status == POOL and may_claim(viewer, case):
        found.add(MEMBER)
    return frozenset(found)


def may_claim(viewer, case: Case) -> bool:
    """Whoever may claim the matter while it is in the pool (抢单): a verified party member of
    its community, a coordinator over its zone, or the leader of one of the community's
    volunteer teams; never the resident it is for."""
    return viewer.id != case.resident_id and (
        policy.can(viewer, "cases.view", case.zone)
        or (_is_verified_member(viewer) and in_community(viewer, case))
        or leads_a_team_in(viewer, case))


def leads_a_team_in(viewer, case: Case) -> bool:
    return db.session.scalar(
        select(Team.id).join(Zone, Zone.id == Team.zone_id)
        .where(Team.leader_id == viewer.id, Team.is_active.is_(True),
               Zone.path.startswith(case.community.path, autoescape=True)).limit(1)) is not None


def allowed_actions(viewer, case: Case) -> set[str]:
    """The steps this viewer may take now: what the matter's page offers."""
    mine = roles(viewer, case)
    return {action for action, step in TRANSITIONS.items()
            if mine & step.by and case.allows(action)}


def check_step(actor, case: Case, action: str) -> None:
    """Raise unless the actor may take this step now: NotAllowed for the wrong person, a
    DomainError with the matter's state for the right person at the wrong time."""
    step = TRANSITIONS[action]
    if not roles(actor, case) & step.by:
        raise NotAllowed()
    if not case.allows(action):
        raise DomainError("wrong_status",
                          _l("这件事项当前的状态不能进行这项操作，请刷新页面查看最新进展。"))


def may_view(viewer, case: Case) -> bool:
    """The whole matter: its resident, its handler, staff in scope, a member who may claim it
    from the pool, and the neighbours who joined it (their inbox links here)."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    return (viewer.id in (case.resident_id, case.handler_id, case.filed_by_id)
            or policy.can(viewer, "cases.view", case.zone)
            or MEMBER in roles(viewer, case)
            or is_follower(viewer, case))


def sees_contact(viewer, case: Case) -> bool:
    """The resident's phone and address: their handler and staff in scope only."""
    return getattr(viewer, "is_authenticated", False) and (
        viewer.id == case.handler_id or policy.can(viewer, "cases.view", case.zone))


def handler_query(case: Case):
    """Who may be sent the matter (派单): coordinators and admins whose scope covers its zone,
    the contacts of the community's units, the leaders of its volunteer teams (a team takes it
    through its leader), and its verified party members; never the resident
    it is for (no one handles, and so closes, their own matter)."""
    ancestors = [int(i) for i in case.zone.path.strip("/").split("/")]
    staff = select(RoleGrant.user_id).where(
        or_(RoleGrant.role == "superadmin",
            (RoleGrant.role.in_(("coordinator", "admin"))) & RoleGrant.zone_id.in_(ancestors)))
    units = select(CaseUnit.contact_id).where(CaseUnit.community_id == case.community_id,
                                               CaseUnit.is_active.is_(True))
    teams = (select(Team.leader_id).join(Zone, Zone.id == Team.zone_id)
             .where(Team.is_active.is_(True), Team.leader_id.is_not(None),
                    Zone.path.startswith(case.community.path, autoescape=True)))
    members = (select(PartyMembership.user_id).join(User, User.id == PartyMembership.user_id)
               .join(Zone, Zone.id == User.home_zone_id)
               .where(PartyMembership.status == "verified",
                      Zone.path.startswith(case.community.path, autoescape=True)))
    return (select(User).where(User.id.in_(staff.union(units, teams, members)),
                               User.is_active_account.is_(True), User.id != case.resident_id)
            .order_by(User.name, User.id))


def check_handler(case: Case, person: User | None) -> User:
    if person is None or person.id == case.resident_id:
        raise DomainError("bad_handler", _l("请选择一位可以办理这件事项的人员。"), 400)
    found = db.session.scalar(handler_query(case).where(User.id == person.id))
    if found is None:
        raise DomainError("bad_handler", _l("请选择一位可以办理这件事项的人员。"), 400)
    return found
