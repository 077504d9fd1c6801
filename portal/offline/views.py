"""The offline blueprint: /offline/keys.json, the portal's public signing key (public), and
/offline/sw.js, the service worker that keeps the scan desk for a reload without signal."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request

from portal.offline import keys

bp = Blueprint("offline", __name__)
#: the pages the worker may control (it is served from /offline/, so it must say so)
WORKER_SCOPE = "/staff/"


@bp.get("/keys.json")
def public_keys():
    response = jsonify(keys.public_jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public key is public
    return response


@cache
def _worker(path: str) -> tuple[str, str]:
    """The worker's source with its version (the hash of that source) written in: a new
    worker starts its own caches and drops the old ones."""
    source = Path(path).read_text(encoding="utf-8")
    version = hashlib.sha256(source.encode()).hexdigest()[:10]
    return source.replace("__VERSION__", version), version


@bp.get("/sw.js")
def worker():
    source, version = _worker(str(Path(current_app.static_folder) / "js" / "sw.js"))
    response = Response(source, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = request.script_root + WORKER_SCOPE
    response.headers["Cache-Control"] = "no-cache"  # the browser checks it on every visit
    response.headers["ETag"] = version
    return response
