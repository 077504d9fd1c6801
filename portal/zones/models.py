"""The zone tree (网格): 街道 → 社区 → 网格 → 楼栋/单元."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.types import UTCDateTime, utcnow

#: zone kinds from the top of the tree down; a child is always deeper than its parent
ZONE_KINDS = ("street", "community", "grid", "building")
KIND_LEVEL = {kind: level for level, kind in enumerate(ZONE_KINDS)}


class Zone(db.Model):
    __tablename__ = "zones"
    __table_args__ = (
        CheckConstraint("kind IN ('street', 'community', 'grid', 'building')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable, unique code printed on posters and used in imports, e.g. DC-XA-01
    code: Mapped[str] = mapped_column(String(32), unique=True)
    #: display name, e.g. 新安路社区
    name: Mapped[str] = mapped_column(String(60))
    #: one of ZONE_KINDS
    kind: Mapped[str] = mapped_column(String(16))
    #: parent zone; None only for a street (the top of a tree)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"), index=True)
    #: materialised path of ids, "/1/4/9/", so a subtree is one indexed LIKE
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    #: retired zones keep their history but take no new residents, children or shifts
    is_retired: Mapped[bool] = mapped_column(default=False)
    #: optional geofence for self check-in: centre (WGS-84) and radius in metres
    geo_lat: Mapped[float | None]
    geo_lng: Mapped[float | None]
    geo_radius_m: Mapped[int | None]
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Zone | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Zone]] = relationship(back_populates="parent", order_by="Zone.code")

    @property
    def level(self) -> int:
        return KIND_LEVEL[self.kind]

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def contains(self, other: Zone | None) -> bool:
        """True when `other` is this zone or lies in its subtree."""
        return other is not None and other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Zone {self.code} {self.name}>"
