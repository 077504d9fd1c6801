"""Open311 GeoReport v2 over categories and matters, and the API keys staff admins issue."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases_open311", __name__)
