"""微议事 for residents: the community's topics, proposing one, backing it (联署), and
commenting on its draft by paragraph."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("council", __name__)
