"""微议事 for staff: the party branch's review queue (定议题), raising a topic directly,
opening the draft to comment and revising it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("council_staff", __name__)
