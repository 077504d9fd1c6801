"""Geofences: a zone (or its nearest ancestor with one) may carry a centre and a radius, and a
self check-in there needs the browser's location inside it."""

from __future__ import annotations

import math

from portal.shifts.models import Shift


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def fence_of(shift: Shift):
    """The zone (the shift's, or the nearest ancestor's) whose geofence applies, or None."""
    zone = shift.zone
    while zone is not None:
        if zone.geo_radius_m and zone.geo_lat is not None and zone.geo_lng is not None:
            return zone
        zone = zone.parent
    return None


def inside_fence(shift: Shift, location: tuple[float, float] | None) -> bool:
    fence = fence_of(shift)
    if fence is None:
        return True
    if location is None:
        return False
    return distance_m(fence.geo_lat, fence.geo_lng, *location) <= fence.geo_radius_m
