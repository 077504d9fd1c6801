"""Inbox services: exactly-once messages, texts only after commit, counts and pages."""

import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.inbox import services
from portal.inbox.models import Message
from portal.inbox.sms import LogSmsBackend, get_backend
from tests.conftest import pg_only, run_concurrently


def message_count() -> int:
    return db.session.scalar(select(func.count(Message.id)))


# ---------------------------------------------------------------- exactly once


def test_a_dedupe_key_adds_one_message_and_a_repeat_returns_none(make_user):
    user = make_user()
    first = services.notify(user.id, "reminder", "明日提醒", dedupe_key="reminder:1")
    again = services.notify(user.id, "reminder", "明日提醒", dedupe_key="reminder:1")
    db.session.commit()
    assert isinstance(first, Message) and first.id and first.created_dt is not None
    assert again is None
    assert message_count() == 1


def test_a_retry_in_a_later_transaction_is_a_no_op(make_user):
    user = make_user()
    services.notify(user.id, "reminder", "明日提醒", dedupe_key="reminder:2")
    db.session.commit()
    assert services.notify(user.id, "reminder", "明日提醒（重试）", dedupe_key="reminder:2") is None
    db.session.commit()
    assert db.session.scalars(select(Message.title)).all() == ["明日提醒"]


def test_a_rolled_back_message_is_sent_by_the_next_try(make_user):
    user = make_user()
    services.notify(user.id, "reminder", "明日提醒", dedupe_key="reminder:3")
    db.session.rollback()
    assert services.notify(user.id, "reminder", "明日提醒", dedupe_key="reminder:3") is not None
    db.session.commit()
    assert message_count() == 1


def test_messages_without_a_key_are_never_merged(make_user):
    user = make_user()
    services.notify(user.id, "signup.confirmed", "报名成功")
    services.notify(user.id, "signup.confirmed", "报名成功")
    db.session.commit()
    assert message_count() == 2


def test_an_unknown_user_is_a_bug_not_a_duplicate(make_user):
    make_user()
    with pytest.raises(IntegrityError):
        services.notify(999_999, "reminder", "x", dedupe_key="reminder:ghost")
    db.session.rollback()


# ---------------------------------------------------------------- texts after commit


def test_a_text_leaves_only_after_commit(make_user, texts):
    user = make_user()
    services.notify(user.id, "signup.promoted", "候补转正", sms=True)
    assert texts == []
    db.session.commit()
    assert texts == [(user.phone, "【社区微平台】候补转正")]


def test_a_rolled_back_request_texts_nobody(make_user, texts):
    user = make_user()
    services.notify(user.id, "signup.promoted", "候补转正", sms=True)
    db.session.rollback()
    services.notify(user.id, "signup.confirmed", "报名成功")
    db.session.commit()
    assert texts == []
    assert message_count() == 1


def test_a_closed_session_texts_nobody(make_user, texts):
    user = make_user()
    services.notify(user.id, "signup.promoted", "候补转正", sms=True)
    db.session.close()
    services.notify(user.id, "signup.confirmed", "报名成功")
    db.session.commit()
    assert texts == []


def test_a_released_savepoint_does_not_send_early(make_user, texts):
    user = make_user()
    services.notify(user.id, "shift.cancelled", "班次取消", sms=True)
    with db.session.begin_nested():  # e.g. a ledger posting later in the same request
        services.notify(user.id, "reminder", "明日提醒", dedupe_key="reminder:4", sms=True)
    assert texts == []
    db.session.rollback()
    db.session.commit()
    assert texts == []


def test_a_rolled_back_savepoint_drops_only_its_own_texts(make_user, texts):
    user = make_user()
    services.notify(user.id, "shift.cancelled", "班次取消", sms=True)
    with pytest.raises(ValueError), db.session.begin_nested():
        services.notify(user.id, "signup.added", "被加入", sms=True)
        with db.session.begin_nested():
            services.notify(user.id, "signup.assigned", "岗位安排", sms=True)
        raise ValueError
    services.notify(user.id, "signup.promoted", "候补转正", sms=True)
    db.session.commit()
    assert [text for _phone, text in texts] == ["【社区微平台】班次取消", "【社区微平台】候补转正"]
    assert sorted(db.session.scalars(select(Message.title))) == ["候补转正", "班次取消"]


def test_a_repeated_message_is_texted_once(make_user, texts):
    user = make_user()
    services.notify(user.id, "reminder", "明日提醒", dedupe_key="reminder:5", sms=True)
    db.session.commit()
    services.notify(user.id, "reminder", "明日提醒", dedupe_key="reminder:5", sms=True)
    db.session.commit()
    assert len(texts) == 1


def test_a_broken_gateway_is_logged_and_the_message_stays(app, make_user, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMS_BACKEND", "tests.inbox.fakes:BrokenSms")
    user = make_user()
    services.notify(user.id, "signup.promoted", "候补转正", sms=True)
    with caplog.at_level(logging.ERROR, logger="portal.inbox.sms"):
        db.session.commit()
    assert "sms to 139****" in caplog.text and user.phone not in caplog.text
    assert message_count() == 1


def test_a_misnamed_backend_is_logged_not_raised(app, make_user, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMS_BACKEND", "portal.inbox.sms.NoSuchBackend")
    user = make_user()
    services.notify(user.id, "signup.promoted", "候补转正", sms=True)
    with caplog.at_level(logging.ERROR, logger="portal.inbox.sms"):
        db.session.commit()
    assert "could not be loaded" in caplog.text
    assert message_count() == 1


def test_the_log_backend_is_the_default_and_masks_the_phone(make_user, caplog):
    assert isinstance(get_backend(), LogSmsBackend)
    assert get_backend() is get_backend()  # one instance per app
    user = make_user()
    with caplog.at_level(logging.INFO, logger="portal.inbox.sms"):
        services.notify(user.id, "shift.cancelled", "班次取消", sms=True)
        db.session.commit()
    assert f"sms to {user.phone[:3]}****{user.phone[-4:]}: 【社区微平台】班次取消" in caplog.text
    assert user.phone not in caplog.text


# ---------------------------------------------------------------- counts and pages


def test_unread_count_and_mark_all_read_touch_only_the_owner(make_user):
    me, other = make_user(), make_user()
    for i in range(3):
        services.notify(me.id, "x", f"我的 {i}")
    services.notify(other.id, "x", "别人的")
    db.session.commit()
    assert services.unread_count(me.id) == 3
    assert services.mark_all_read(me) == 3
    db.session.commit()
    assert services.unread_count(me.id) == 0 and services.unread_count(other.id) == 1
    assert services.mark_all_read(me) == 0


def test_messages_page_is_newest_first_twenty_a_page(make_user):
    user = make_user()
    for i in range(25):
        services.notify(user.id, "x", f"消息 {i}")
    db.session.commit()
    first = services.messages_page(user.id, 1)
    assert [m.title for m in first.items[:2]] == ["消息 24", "消息 23"]
    assert len(first.items) == 20 and first.pages == 2
    assert [m.title for m in services.messages_page(user.id, 2).items][-1] == "消息 0"
    assert services.messages_page(user.id, 10**20).items == []  # no overflow, no error


@pg_only
def test_20_concurrent_notifications_with_one_key_make_one_message_and_one_text(
        app, make_user, texts):
    user_id = make_user().id
    results = run_concurrently(app, 20, lambda i: services.notify(
        user_id, "reminder", "明日提醒", dedupe_key="reminder:7:202611280700",
        sms=True) is not None)
    assert results.count(True) == 1 and results.count(False) == 19, results
    db.session.rollback()
    assert message_count() == 1
    assert len(texts) == 1
