"""The JSON API at /api/v1 (see the section "The API" in docs/ARCHITECTURE.md)."""

from portal.api import (  # noqa: F401  (their routes join the blueprint)
    checkin_views,
    docs,
    export_views,
    shift_views,
    views,
    wish_views,
)
from portal.api.core import bp

__all__ = ["bp"]
