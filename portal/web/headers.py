"""What every answer carries (security headers, CSP) and what no request may carry (NUL)."""

from __future__ import annotations

from flask import abort, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

#: endpoints that clean and log odd input themselves (a scanner or a camera may send anything,
#: and a refused scan must still reach the scan log)
NUL_TOLERANT = frozenset({"checkin_staff.scan", "checkin.scanned"})


def refuse_nul() -> None:
    """PostgreSQL refuses NUL in text: a path, form or query value carrying one would otherwise
    fail deep in a write. Refuse it up front with the Chinese 400 page; nothing changes."""
    if request.endpoint in NUL_TOLERANT:
        return
    path_values = [v for v in (request.view_args or {}).values() if isinstance(v, str)]
    for values in (request.args.values(), request.form.values(), path_values):
        for value in values:
            if "\x00" in value:
                abort(400)


def register(app) -> None:
    app.before_request(refuse_nul)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            # Pages carry a CSRF token and personal data: never cache them in shared caches.
            headers.setdefault("Cache-Control", "private, no-store")
        return response
