"""The inbox: exactly-once messages, SMS only after commit, the page and its privacy."""

import logging

from sqlalchemy import func, select

from portal.extensions import db
from portal.inbox import services
from portal.inbox.models import Message
from tests.conftest import pg_only, run_concurrently


class RecordingSms:
    sent: list = []

    def send(self, phone, text):
        RecordingSms.sent.append((phone, text))


def use_recording_backend(app):
    RecordingSms.sent = []
    app.extensions["portal_sms"] = RecordingSms()


def test_a_dedupe_key_adds_one_message(make_user):
    user = make_user()
    first = services.notify(user.id, "reminder", "明日提醒", dedupe_key="reminder:1")
    again = services.notify(user.id, "reminder", "明日提醒", dedupe_key="reminder:1")
    db.session.commit()
    assert first is not None and again is None
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_sms_leaves_only_after_commit(app, make_user):
    use_recording_backend(app)
    try:
        user = make_user()
        services.notify(user.id, "signup.promoted", "候补转正", sms=True)
        assert RecordingSms.sent == []
        db.session.commit()
        assert RecordingSms.sent == [(user.phone, "【社区微平台】候补转正")]
        services.notify(user.id, "signup.promoted", "另一条", sms=True)
        db.session.rollback()
        db.session.commit()
        assert len(RecordingSms.sent) == 1  # the rolled-back one never went out
    finally:
        app.extensions.pop("portal_sms", None)


def test_a_savepoint_rollback_keeps_the_queued_text(app, make_user):
    use_recording_backend(app)
    try:
        user = make_user()
        services.notify(user.id, "shift.cancelled", "班次取消", sms=True)
        services.notify(user.id, "reminder", "x", dedupe_key="k")
        services.notify(user.id, "reminder", "x", dedupe_key="k")  # its savepoint rolls back
        db.session.commit()
        assert [t for _p, t in RecordingSms.sent] == ["【社区微平台】班次取消"]
    finally:
        app.extensions.pop("portal_sms", None)


def test_the_log_backend_masks_the_phone(app, make_user, caplog):
    user = make_user()
    with caplog.at_level(logging.INFO, logger="portal.inbox.sms"):
        services.notify(user.id, "shift.cancelled", "班次取消", sms=True)
        db.session.commit()
    assert "班次取消" in caplog.text
    assert user.phone not in caplog.text and user.phone[:3] + "****" in caplog.text


def test_inbox_page_shows_own_messages_and_marks_read(client, auth, make_user):
    me, other = make_user(), make_user()
    services.notify(me.id, "signup.confirmed", "报名成功：桥头市场", "请按时到岗", "/shifts/1")
    services.notify(other.id, "signup.confirmed", "别人的消息")
    services.notify(me.id, "x", "外链", link="https://evil.example/")
    db.session.commit()
    auth.login(me)
    html = client.get("/inbox/").get_data(as_text=True)
    assert "报名成功：桥头市场" in html and "别人的消息" not in html
    assert 'href="/shifts/1"' in html and "evil.example" not in html
    assert 'data-testid="unread"' in html  # the count in the bottom bar
    client.post("/inbox/read-all")
    assert services.unread_count(me.id) == 0
    assert services.unread_count(other.id) == 1


def test_inbox_query_count_does_not_grow(client, auth, make_user, count_queries):
    me = make_user()
    services.notify(me.id, "x", "第一条")
    db.session.commit()
    auth.login(me)
    with count_queries() as few:
        client.get("/inbox/")
    for i in range(15):
        services.notify(me.id, "x", f"消息 {i}")
    db.session.commit()
    with count_queries() as many:
        client.get("/inbox/")
    assert many.count == few.count


@pg_only
def test_20_concurrent_notifications_with_one_key_make_one(app, make_user):
    user_id = make_user().id
    results = run_concurrently(app, 20, lambda i: services.notify(
        user_id, "reminder", "明日提醒", dedupe_key="reminder:7:202611280700") is not None)
    assert results.count(True) == 1 and results.count(False) == 19, results
    db.session.rollback()
    assert db.session.scalar(select(func.count(Message.id))) == 1
