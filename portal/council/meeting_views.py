"""微议事 meetings: bodies and their members, meetings with QR attendance and a live quorum,
votes on a phone and on paper, the minutes, and the published outcome (公示)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("council_meetings", __name__)
