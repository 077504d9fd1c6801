"""Every access decision in one place: which role may do what, and over which zones.

Roles are scoped to a zone subtree (RoleGrant.zone); superadmin spans everything. Views use
`require_permission` for the page and `check` for the object they act on; services call
`check` too, so a rule holds whichever door a request comes through.

Two trust rules live here as well, each in one function every service calls:
- rank (`check_action_on`): a staff action on a person reaches only people of lower standing,
  all of whose zones lie inside the actor's scope;
- no self-dealing (`check_not_beneficiary`): nobody awards, approves, verifies, credits or
  publishes anything for their own benefit.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import false, literal, or_, true

from portal.errors import DomainError, NotAllowed
from portal.extensions import login_manager
from portal.zones.models import Zone

#: permission -> staff roles that hold it (within their zone subtree)
PERMISSIONS: dict[str, frozenset[str]] = {
    "staff.dashboard": frozenset({"coordinator", "clerk", "admin"}),
    "users.view": frozenset({"coordinator", "clerk", "admin"}),
    "users.create_resident": frozenset({"coordinator", "clerk", "admin"}),
    "users.reset_password": frozenset({"coordinator", "clerk", "admin"}),
    "users.manage_roles": frozenset({"admin"}),
    "users.deactivate": frozenset({"admin"}),
    "party.verify": frozenset({"admin"}),
    "zones.manage": frozenset({"admin"}),
    "audit.view": frozenset({"admin"}),
    "points.view_resident": frozenset({"coordinator", "clerk", "admin"}),
    "points.award": frozenset({"coordinator", "admin"}),
    "points.approve": frozenset({"admin"}),
    "points.rules": frozenset({"admin"}),
    "shifts.manage": frozenset({"coordinator", "admin"}),
    "teams.manage": frozenset({"coordinator", "admin"}),
    "shop.create": frozenset({"admin"}),
    "shop.manage": frozenset({"clerk", "admin"}),
    "cards.manage": frozenset({"clerk", "admin"}),
    "wishes.review": frozenset({"coordinator", "admin"}),
    "party.posts": frozenset({"admin"}),
    "users.confirm_move": frozenset({"admin"}),
    # 四单办结: grid workers are coordinators (PRODUCT.md); the community dispatches
    "cases.view": frozenset({"coordinator", "admin"}),
    "cases.file_for": frozenset({"coordinator", "admin"}),
    "cases.dispatch": frozenset({"admin"}),
    "cases.categories": frozenset({"admin"}),
    # 微议事: a community's admin keeps its bodies and their representatives
    "council.bodies": frozenset({"admin"}),
    # staff run a meeting on the day: the door (clerk scans, proxies), the votes, paper ballots
    # (entered by one, confirmed by another)
    "council.run": frozenset({"coordinator", "admin"}),
    # the community's party branch reviews topics (定议题); its secretary holds the admin role
    "council.review": frozenset({"admin"}),
    # staff raise a topic directly
    "council.raise": frozenset({"coordinator", "admin"}),
    # 微公约: the admin keeps conventions; staff record paper signatures
    "conventions.manage": frozenset({"admin"}),
    "conventions.record": frozenset({"coordinator", "admin"}),
    # 志愿服务记录证明: staff issue one for a resident; an admin revokes; coordinators see the
    # services still unrecorded after 10 working days (art. 11)
    "certificates.issue": frozenset({"coordinator", "clerk", "admin"}),
    "certificates.revoke": frozenset({"admin"}),
    "certificates.unrecorded": frozenset({"coordinator", "admin"}),
}

#: roles an admin may hand out inside their own subtree: only lower ones, since an admin never
#: acts on another admin (who could then not be undone); a superadmin grants admin roles
GRANTABLE_BY_ADMIN = frozenset({"coordinator", "clerk"})

#: standing: a person's highest role decides who may act on them
STANDING = {"coordinator": 1, "clerk": 1, "admin": 2, "superadmin": 3}

#: every staff action on a person, and the permission it needs over all of that person's zones
ACTIONS_ON_PEOPLE: dict[str, str] = {
    "reset_password": "users.reset_password",
    "set_active": "users.deactivate",
    "grant_role": "users.manage_roles",
    "revoke_role": "users.manage_roles",
    "confirm_move": "users.confirm_move",
    "issue_card": "cards.manage",
    "report_card_lost": "cards.manage",
    "counter_lookup": "shop.manage",
    "cancel_reservation_for": "shop.manage",
    "post_wish_for": "wishes.review",
    "act_for_wish": "wishes.review",
    "file_case_for": "cases.file_for",
    "issue_certificate": "certificates.issue",
    "revoke_certificate": "certificates.revoke",
}


def _grants(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return ()
    return user.grants


def is_superadmin(user) -> bool:
    return any(g.role == "superadmin" for g in _grants(user))


def scope_roots(user, permission: str) -> list[Zone] | None:
    """Zones at the top of the user's scope for a permission; None means everywhere."""
    if is_superadmin(user):
        return None
    roles = PERMISSIONS[permission]
    return [g.zone for g in _grants(user) if g.role in roles and g.zone is not None]


def can(user, permission: str, zone: Zone | None = None) -> bool:
    """May `user` use `permission` at all (zone None), or inside `zone`?"""
    roots = scope_roots(user, permission)
    if roots is None:
        return True
    if zone is None:
        return bool(roots)
    return any(root.contains(zone) for root in roots)


def works_in_community(user, permission: str, community: Zone) -> bool:
    """Does the user hold `permission` anywhere in this community: over it, or over a grid or
    building inside it (a grid worker at the community's reception)?"""
    roots = scope_roots(user, permission)
    if roots is None:
        return True
    return any(root.contains(community) or community.contains(root) for root in roots)


def check(user, permission: str, zone: Zone | None = None) -> None:
    """Raise NotAllowed unless `can(...)`."""
    if not can(user, permission, zone):
        raise NotAllowed()


def zone_filter(user, permission: str, path_column=None):
    """A SQL condition limiting rows to the user's scope, given a Zone.path column."""
    path_column = path_column if path_column is not None else Zone.path
    roots = scope_roots(user, permission)
    if roots is None:
        return true()
    if not roots:
        return false()
    return or_(*(path_column.startswith(root.path, autoescape=True) for root in roots))


def overlap_filter(user, permission: str, path_column):
    """Like zone_filter, but also the zones above the user's scope: the SQL twin of
    works_in_community (a grid worker sees their community's receptions)."""
    roots = scope_roots(user, permission)
    if roots is None:
        return true()
    if not roots:
        return false()
    return or_(*(or_(path_column.startswith(root.path, autoescape=True),
                     literal(root.path).like(path_column + "%")) for root in roots))


def can_grant(actor, role: str, zone: Zone | None) -> bool:
    if is_superadmin(actor):
        return True
    return (role in GRANTABLE_BY_ADMIN and zone is not None
            and can(actor, "users.manage_roles", zone))


def standing(user) -> int:
    """0 for a resident; otherwise the rank of the person's highest staff role."""
    return max((STANDING[g.role] for g in _grants(user)), default=0)


def _zones_of(person, home: Zone | None) -> list[Zone]:
    """Where a person is: their home, and every zone one of their roles covers."""
    zones = [g.zone for g in person.grants if g.zone is not None]
    return [home, *zones] if home is not None else zones


def may_act_on(actor, action: str, person, at: Zone | None = None) -> bool:
    """Rank: may `actor` take the staff `action` on `person`?

    Only on someone of lower standing (superadmin > admin > coordinator, clerk > resident),
    and only if the person's home (or `at`, the place the action is about, such as the home
    they move to) and every zone their roles cover lie inside the actor's scope for the
    action. Nobody uses a staff tool on themselves. Superadmins, the top of the tree, are the
    one exception to "lower": only a superadmin acts on another superadmin.
    """
    permission = ACTIONS_ON_PEOPLE[action]
    if person is None or not getattr(actor, "is_authenticated", False) or actor.id == person.id:
        return False
    mine, theirs = standing(actor), standing(person)
    if theirs >= mine and not theirs == mine == STANDING["superadmin"]:
        return False
    zones = _zones_of(person, at if at is not None else person.home_zone)
    return all(can(actor, permission, zone) for zone in zones)


def check_action_on(actor, action: str, person, at: Zone | None = None) -> None:
    """Raise NotAllowed, saying why, unless `may_act_on(...)`."""
    if may_act_on(actor, action, person, at):
        return
    if getattr(actor, "is_authenticated", False) and person is not None:
        if actor.id == person.id:
            raise NotAllowed(_l("不能对自己的账号使用工作人员功能，请让另一位工作人员办理。"))
        if standing(person) >= standing(actor):
            raise NotAllowed(_l("对方是同级或更高级别的工作人员，您不能对其进行这项操作。"))
    raise NotAllowed()


class SelfDealing(DomainError):
    """The actor would benefit from their own staff action."""

    def __init__(self, message=None):
        super().__init__("self_dealing", message if message is not None else _l(
            "不能为自己办理这项业务，请让另一位工作人员办理。"), 403)


def check_not_beneficiary(actor, beneficiary_id: int | None, message=None) -> None:
    """No self-dealing: refuse a staff action whose beneficiary is the actor."""
    if beneficiary_id is not None and getattr(actor, "id", None) == beneficiary_id:
        raise SelfDealing(message)


def is_own(user, owner_id: int | None) -> bool:
    return getattr(user, "is_authenticated", False) and user.id == owner_id


def require_permission(permission: str):
    """View decorator: log in first, then hold `permission` somewhere."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator
