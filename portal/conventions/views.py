"""微公约 for residents: the conventions, signing one for the household in two taps, and the
household in the profile."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("conventions", __name__)
