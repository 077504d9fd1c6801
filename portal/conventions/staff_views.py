"""微公约 for staff: conventions and their versions, adoption, paper signatures, coverage,
the A4 print, and 劝导 logs."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("conventions_staff", __name__)
