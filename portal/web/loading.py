"""Loading the row a URL names: 404 when there is none, 403 when it lies outside the viewer's
scope. Every view that takes an id loads it here, so no view checks scope by hand."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from flask import abort
from flask_login import current_user

from portal import policy
from portal.extensions import db

#: how most scoped rows reach their zone
ZONE = attrgetter("zone")


def load_or_404(model, ident: int, *, options=()):
    """The row, or the 404 page. For rows whose access the service decides (a resident's own
    wish, a team anyone may open)."""
    return db.get_or_404(model, ident, options=list(options))


def load_in_scope(model, ident: int, permission: str, *,
                  zone_of: Callable = ZONE, options=()):
    """The row, if the current user holds `permission` over the zone it belongs to
    (`zone_of(row)`, the row's own `.zone` by default); the 404 or 403 page otherwise."""
    row = load_or_404(model, ident, options=options)
    if not policy.can(current_user, permission, zone_of(row)):
        abort(403)
    return row
