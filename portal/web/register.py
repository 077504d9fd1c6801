"""Wiring the web layer into the app: proxies, preferences, headers, templates."""

from __future__ import annotations

from flask import g
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.web import headers, templating
from portal.web.locale import is_large_text


def register_web(app) -> None:
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    @app.before_request
    def _prefs():
        g.large_text = is_large_text()

    headers.register(app)
    templating.register(app)
