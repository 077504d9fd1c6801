"""Imports every model so SQLAlchemy's metadata (and Alembic) see the whole schema."""

from portal.accounts.models import PartyMembership, RoleGrant, User
from portal.audit import AuditEvent
from portal.zones.models import Zone

__all__ = ["AuditEvent", "PartyMembership", "RoleGrant", "User", "Zone"]
