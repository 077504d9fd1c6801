"""Inbox fixtures: a recording SMS backend."""

import pytest

from tests.inbox.fakes import RecordingSms


@pytest.fixture
def texts(app, monkeypatch) -> list[tuple[str, str]]:
    """The (phone, text) pairs sent during the test, through a recording backend."""
    RecordingSms.sent = []
    monkeypatch.setitem(app.config, "SMS_BACKEND", "tests.inbox.fakes:RecordingSms")
    return RecordingSms.sent
