"""Static URLs with a content hash, so the files can be cached for a year."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app, request, url_for

_static_urls: dict[tuple[str, str], str] = {}


def static_url(filename: str) -> str:
    """url_for('static') plus a content hash, so static files can be cached for a year.

    Every page links a few of these; the URL is worked out once per file (and per mount
    point), except in debug mode, where a changed file gets a new hash at once."""
    key = (request.script_root, filename)
    found = _static_urls.get(key)
    if found is None or current_app.debug:
        path = Path(current_app.static_folder) / filename
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else "0"
        _static_urls[key] = found = url_for("static", filename=filename, v=digest)
    return found
