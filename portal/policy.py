"""Every access decision in one place: which role may do what, and over which zones.

Roles are scoped to a zone subtree (RoleGrant.zone); superadmin spans everything. Views use
`require_permission` for the page and `check` for the object they act on; services call
`check` too, so a rule holds whichever door a request comes through.
"""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import false, or_, true

from portal.errors import NotAllowed
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
}

#: roles an admin may hand out inside their own subtree; only a superadmin makes superadmins
GRANTABLE_BY_ADMIN = frozenset({"coordinator", "clerk", "admin"})


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


def can_grant(actor, role: str, zone: Zone | None) -> bool:
    if is_superadmin(actor):
        return True
    return (role in GRANTABLE_BY_ADMIN and zone is not None
            and can(actor, "users.manage_roles", zone))


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
