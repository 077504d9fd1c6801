"""Inbox pages: own messages only, safe links, mark all read, the unread count, query counts."""

from datetime import UTC, datetime

from flask import render_template_string

from portal.extensions import db
from portal.inbox import services


def test_inbox_shows_own_messages_never_a_neighbours(client, auth, make_user):
    me, neighbour = make_user(), make_user()
    services.notify(me.id, "signup.confirmed", "报名成功：桥头市场", "请按时到岗", "/shifts/1")
    services.notify(neighbour.id, "signup.confirmed", "邻居的消息", "邻居的正文", "/shifts/2")
    db.session.commit()
    auth.login(me)
    html = client.get("/inbox/").get_data(as_text=True)
    assert "<h1>消息</h1>" in html
    assert "报名成功：桥头市场" in html and "请按时到岗" in html
    assert 'href="/shifts/1">查看</a>' in html
    assert "邻居" not in html and "/shifts/2" not in html


def test_unread_messages_carry_a_visible_badge_and_local_time(client, auth, make_user):
    me = make_user()
    message = services.notify(me.id, "reminder", "明日提醒")
    message.created_dt = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    db.session.commit()
    auth.login(me)
    html = client.get("/inbox/").get_data(as_text=True)
    assert '<span class="badge badge-new">新</span> 明日提醒' in html
    assert "2026-03-01 09:30" in html  # Asia/Shanghai
    assert 'data-testid="unread">1' in html  # the count in the bottom bar


def test_only_same_site_links_are_shown(client, auth, make_user):
    me = make_user()
    for link in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)",
                 "/\\evil.example"):
        services.notify(me.id, "x", "外链", link=link)
    db.session.commit()
    auth.login(me)
    html = client.get("/inbox/").get_data(as_text=True)
    assert "evil.example" not in html and "javascript:" not in html and "查看" not in html


def test_read_all_marks_only_mine_and_goes_back(client, auth, make_user):
    me, neighbour = make_user(), make_user()
    for i in range(22):
        services.notify(me.id, "x", f"消息 {i}")
    services.notify(neighbour.id, "x", "邻居的消息")
    db.session.commit()
    auth.login(me)
    response = client.post("/inbox/read-all", data={"next": "/inbox/?page=2"})
    assert response.status_code == 302 and response.headers["Location"] == "/inbox/?page=2"
    assert services.unread_count(me.id) == 0 and services.unread_count(neighbour.id) == 1
    html = client.get("/inbox/?page=2").get_data(as_text=True)
    assert "已全部标为已读。" in html and "badge-new" not in html
    assert "全部标为已读</button>" not in html and 'data-testid="unread"' not in html


def test_read_all_never_redirects_off_site(client, auth, make_user):
    auth.login(make_user())
    response = client.post("/inbox/read-all", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/inbox/"


def test_an_empty_inbox_says_so(client, auth, make_user):
    auth.login(make_user())
    html = client.get("/inbox/").get_data(as_text=True)
    assert "还没有消息" in html and "全部标为已读" not in html


def test_pages_of_twenty_and_odd_page_numbers(client, auth, make_user):
    me = make_user()
    for i in range(25):
        services.notify(me.id, "x", f"消息 {i:02d}")
    db.session.commit()
    auth.login(me)
    first = client.get("/inbox/").get_data(as_text=True)
    assert first.count('class="list-item message') == 20 and "第 1 / 2 页" in first
    second = client.get("/inbox/?page=2").get_data(as_text=True)
    assert second.count('class="list-item message') == 5 and "消息 00" in second
    for page in ("0", "-3", "abc", "99999999999999999999"):
        assert client.get(f"/inbox/?page={page}").status_code == 200


def test_anonymous_visitors_are_sent_to_login(client):
    for method, url in (("get", "/inbox/"), ("post", "/inbox/read-all")):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_inbox_query_count_does_not_grow_with_messages(client, auth, make_user, count_queries):
    me = make_user()
    services.notify(me.id, "x", "第一条", link="/shifts/1")
    db.session.commit()
    auth.login(me)
    with count_queries() as few:
        client.get("/inbox/")
    for i in range(30):
        services.notify(me.id, "x", f"消息 {i}", "正文", "/shifts/1")
    db.session.commit()
    with count_queries() as many:
        html = client.get("/inbox/").get_data(as_text=True)
    assert html.count('class="list-item message') == 20
    assert many.count == few.count
    # the bottom bar and the page share one unread count
    assert sum("count(" in s.lower() and "messages" in s for s in many.statements) == 2  # + pager


def test_the_unread_count_costs_nothing_until_a_template_asks(app, make_user, count_queries):
    with app.test_request_context("/"):
        with count_queries() as counter:
            assert render_template_string("{{ 1 + 1 }}") == "2"
        assert counter.count == 0
        assert render_template_string("{{ inbox_unread() }}") == "0"  # anonymous
