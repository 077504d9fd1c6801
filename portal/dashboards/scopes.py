"""Which zones have a dashboard, and which of them a viewer may open."""

from __future__ import annotations

from portal import policy
from portal.zones.models import Zone
from portal.zones.services import zones_in_scope

#: a dashboard is for a 街道, a 社区 or a 网格 (a building is too small to tell anything)
KINDS = ("street", "community", "grid")


def visible(viewer, permission: str) -> list[Zone]:
    """The viewer's dashboards in tree order: every zone of KINDS in their scope; for a
    superadmin, every 街道 and 社区 (a grid's dashboard opens from its address)."""
    kinds = KINDS[:2] if policy.is_superadmin(viewer) else KINDS
    return [zone for zone in zones_in_scope(viewer, permission)
            if zone.kind in kinds and not zone.is_retired]
