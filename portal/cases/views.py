"""四单办结 for residents and handlers: file a matter, follow it, rate it; a handler's tasks."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases", __name__)
