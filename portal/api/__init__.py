"""The JSON API at /api/v1 (see the section "The API" in docs/ARCHITECTURE.md)."""

from portal.api import checkin_views, docs, shift_views, views  # noqa: F401  (their routes join the blueprint)
from portal.api.core import bp

__all__ = ["bp"]
