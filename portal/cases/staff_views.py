"""四单办结 for staff: the dispatch desk, filing for a resident, categories and units, the
街道's overdue board."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases_staff", __name__)
