"""Imports every model so SQLAlchemy's metadata (and Alembic) see the whole schema."""

from portal.accounts.models import PartyMembership, RoleGrant, User
from portal.audit import AuditEvent
from portal.points.award_models import Award, Objection
from portal.points.models import HoursEntry, LedgerEntry, PointsAccount, PointsRule
from portal.zones.models import Zone

__all__ = [
    "AuditEvent", "Award", "HoursEntry", "LedgerEntry", "Objection", "PartyMembership",
    "PointsAccount", "PointsRule", "RoleGrant", "User", "Zone",
]
