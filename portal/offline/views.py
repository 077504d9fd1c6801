"""/offline/keys.json: the portal's public signing key, for scanning devices (public)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from portal.offline import keys

bp = Blueprint("offline", __name__)


@bp.get("/keys.json")
def public_keys():
    response = jsonify(keys.public_jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public key is public
    return response
