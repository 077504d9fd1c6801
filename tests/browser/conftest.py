"""Browser fixtures: a live server on the test database, headless Chromium, a phone-sized page.

The live server is a second app instance on the same database URL as the `app` fixture, but
with CSRF switched on and rate limiting left on, so the browser sees what production serves.
Data created in a test through the factories (which commit) is visible to the server; the
autouse `app_ctx` fixture empties the tables after each test as usual.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from config import TestConfig
from portal import create_app
from portal.extensions import db
from tests.browser.chromium import CHROMIUM, VIEWPORT, launch, phone_context  # noqa: F401

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser carries the `browser` marker (-m 'not browser' skips them)."""
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(app, database_url):
    """The CSRF-enabled app the live server runs. A test that needs another setting for one
    flow changes it with `monkeypatch.setitem(live_app.config, ...)`, which puts it back after
    the test (services read the config at request time)."""
    # Depending on `app` means the schema has been migrated before we serve anything.

    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = True
        RATELIMIT_ENABLED = True

    return create_app(LiveConfig)


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL of a threaded werkzeug server running a CSRF-enabled app on the test database."""
    # One line per request from werkzeug is noise in test output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with live_app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason + "; browser tests are required here (CI/REQUIRE_BROWSER set)")
        pytest.skip(reason + "; set REQUIRE_BROWSER=1 to make this an error")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, live_server):
    context = phone_context(browser, live_server)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def new_phone(browser, live_server):
    """new_phone() -> a page in another fresh phone context (a second person's phone)."""
    contexts = []

    def factory():
        context = phone_context(browser, live_server)
        contexts.append(context)
        return context.new_page()

    try:
        yield factory
    finally:
        for context in contexts:
            context.close()
