"""The meeting pages: scanning in, a member's vote buttons (only when present, changeable
until the close), paper ballots confirmed by a second staff member (never the one who entered
it), the close and its result, the minutes, the public outcome with names only for a
roll-call body, and bad input answered in Chinese without a 500."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.council import meetings, services, topics
from portal.council.meeting_models import AgendaItem, MeetingAttendance, TopicProgress, Vote
from portal.council.models import Body, BodyMember
from portal.extensions import db
from portal.members.codes import member_code
from portal.types import utcnow
from tests.conftest import once
from tests.helpers import messages


@pytest.fixture
def world(make_user, tree):
    """居民代表会议 with `n` representatives, an accepted topic, and a meeting in an hour."""

    def build(n=5, roll_call=False):
        clerk = make_user("admin", zone=tree.xinan, name="张丽")
        second = make_user("admin", zone=tree.xinan, name="李红")
        body = services.save_body(clerk, None, community=tree.xinan, name="居民代表会议",
                                  roll_call=roll_call)
        reps = [services.add_member(clerk, body, make_user(name=f"代表{i}"),
                                    zone=tree.xinan_building, term_start=date(2026, 1, 1))
                for i in range(n)]
        topic = topics.raise_directly(clerk, tree.xinan, source="staff",
                                      title="桥头市场周六停车", problem="电动车乱停。")
        topics.review(second, topic, "accept")
        meeting = meetings.schedule(clerk, body, title="十二月居民代表会议",
                                    start_dt=utcnow() + timedelta(hours=1),
                                    place="党群服务中心", topics=[topic])
        db.session.commit()
        return {"clerk": clerk, "second": second, "body": body, "reps": reps, "topic": topic,
                "meeting": meeting, "item": meeting.items[0]}

    return build


def _present(w, count):
    for member in w["reps"][:count]:
        meetings.attend(member.user, w["meeting"], member)
    db.session.commit()


def _open(w):
    meetings.open_vote(w["clerk"], w["item"])
    db.session.commit()


def _page(client, url):
    return client.get(url).get_data(as_text=True)


def test_a_member_scans_the_rotating_code_and_is_present(client, auth, world):
    w = world(3)
    auth.login(w["clerk"])
    page = _page(client, f"/staff/council/meetings/{w['meeting'].id}/code")
    url = page.split('data-testid="code-url">')[1].split("<")[0]
    assert "/council/meetings/a/" in url
    assert client.get(f"/staff/council/meetings/{w['meeting'].id}/code.svg").mimetype == \
        "image/svg+xml"
    auth.logout()
    rep = w["reps"][0]
    auth.login(rep.user)
    response = client.get(url[url.index("/council/"):])
    assert response.status_code == 302
    assert "签到成功" in _page(client, response.headers["Location"])
    assert meetings.present_count(w["meeting"].id) == 1
    again = client.get(url[url.index("/council/"):], follow_redirects=True)
    assert "已经签到过了" in again.get_data(as_text=True)
    assert meetings.present_count(w["meeting"].id) == 1


def test_a_forged_code_and_a_stranger_are_refused(client, auth, world, make_user):
    w = world(3)
    auth.login(w["reps"][0].user)
    response = client.get("/council/meetings/a/forged.1.2")
    assert response.status_code == 200 and "没有签到成功" in response.get_data(as_text=True)
    auth.logout()
    auth.login(make_user())
    token = meetings.meeting_token(w["meeting"], utcnow())
    response = client.get(f"/council/meetings/a/{token}")
    assert response.status_code == 403 and "不是这次会议的成员" in response.get_data(as_text=True)
    assert client.get(f"/council/meetings/{w['meeting'].id}").status_code == 403
    assert client.post(f"/council/meetings/items/{w['item'].id}/vote",
                       data={"choice": "yes"}).status_code == 403
    assert meetings.present_count(w["meeting"].id) == 0
    auth.logout()
    auth.login(w["clerk"])  # the admin sees the page as members do, without the buttons
    page = _page(client, f"/council/meetings/{w['meeting'].id}")
    assert "不能表决" in page and 'name="choice"' not in page


def test_the_desk_shows_the_quorum_and_the_clerk_scans_a_member_code(client, auth, world):
    w = world(5)  # quorum: 3 of 5
    auth.login(w["clerk"])
    desk = f"/staff/council/meetings/{w['meeting'].id}"
    assert "到会 0 / 应到 5，法定 3 人" in _page(client, desk)
    for rep in w["reps"][:3]:
        code = member_code(rep.user)
        db.session.commit()  # the member's key, made on first use
        response = client.post(desk + "/scan", data={"code": code})
        assert response.status_code == 302
    page = _page(client, desk)
    assert "到会 3 / 应到 5，法定 3 人" in page and "已达到法定人数" in page
    live = _page(client, desk + "/live?partial=1")
    assert "quorum-reached" in live and "<html" not in live
    rows = db.session.scalars(select(MeetingAttendance.method)).all()
    assert rows == ["clerk"] * 3


def test_a_proxy_is_recorded_with_its_reason(client, auth, world):
    w = world(3)
    auth.login(w["clerk"])
    rep = w["reps"][1]
    url = f"/staff/council/meetings/{w['meeting'].id}/proxy"
    refused = client.post(url, data={"member": rep.id, "note": "", **once()})
    assert refused.status_code == 400 and "这一项必须填写" in refused.get_data(as_text=True)
    client.post(url, data={"member": rep.id, "note": "委托邻居老王出席：住院", **once()})
    row = db.session.scalar(select(MeetingAttendance))
    assert (row.method, row.note) == ("proxy", "委托邻居老王出席：住院")
    minutes = _page(client, f"/staff/council/meetings/{w['meeting'].id}/minutes")
    assert "委托：委托邻居老王出席：住院" in minutes


def test_an_absent_member_may_not_vote(client, auth, world):
    w = world(3)
    _open(w)
    auth.login(w["reps"][0].user)
    page = client.post(f"/council/meetings/items/{w['item'].id}/vote",
                       data={"choice": "yes"}, follow_redirects=True).get_data(as_text=True)
    assert "签到出席后才能表决" in page
    assert db.session.scalar(select(func.count(Vote.id))) == 0


def test_a_present_member_votes_and_changes_the_vote(client, auth, world):
    w = world(3)
    _present(w, 2)
    _open(w)
    auth.login(w["reps"][0].user)
    page = _page(client, f"/council/meetings/{w['meeting'].id}")
    assert page.count('name="choice"') == 3 and "vote-button" in page
    url = f"/council/meetings/items/{w['item'].id}/vote"
    client.post(url, data={"choice": "yes"})
    page = client.post(url, data={"choice": "no"}, follow_redirects=True).get_data(as_text=True)
    assert "您现在的选择：<strong>反对</strong>" in page
    assert db.session.scalars(select(Vote.choice)).all() == ["no"]
    refused = client.post(url, data={"choice": "maybe"}, follow_redirects=True)
    assert refused.status_code == 200 and "请选择同意、反对或弃权" in refused.get_data(as_text=True)
    assert db.session.scalars(select(Vote.choice)).all() == ["no"]


def test_a_paper_ballot_counts_once_another_staff_member_confirms_it(client, auth, world):
    w = world(3)
    _present(w, 2)
    _open(w)
    rep = w["reps"][1]
    auth.login(w["clerk"])
    client.post(f"/staff/council/agenda/{w['item'].id}/paper",
                data={"member": rep.id, "choice": "yes", **once()})
    vote = db.session.scalar(select(Vote))
    assert vote.paper and vote.confirmed_by_id is None
    desk = _page(client, f"/staff/council/meetings/{w['meeting'].id}")
    assert "您录入的，请另一位工作人员确认" in desk
    refused = client.post(f"/staff/council/votes/{vote.id}/confirm", follow_redirects=True)
    assert "须由另一位工作人员核对确认" in refused.get_data(as_text=True)
    closing = client.post(f"/staff/council/agenda/{w['item'].id}/close", follow_redirects=True)
    assert "纸质票没有核对确认" in closing.get_data(as_text=True)
    db.session.expire_all()
    assert vote.confirmed_by_id is None and w["item"].vote == "open"
    auth.logout()
    auth.login(w["second"])
    assert "核对无误" in _page(client, f"/staff/council/meetings/{w['meeting'].id}")
    client.post(f"/staff/council/votes/{vote.id}/confirm")
    db.session.expire_all()
    assert vote.confirmed_by_id == w["second"].id


def test_closing_counts_by_the_rule_and_a_late_vote_is_refused(client, auth, world):
    w = world(3)
    _present(w, 3)
    _open(w)
    for rep, choice in zip(w["reps"], ("yes", "yes", "no"), strict=True):
        meetings.cast(rep.user, w["item"], choice)
    db.session.commit()
    auth.login(w["clerk"])
    page = client.post(f"/staff/council/agenda/{w['item'].id}/close",
                       follow_redirects=True).get_data(as_text=True)
    assert "表决结束：通过" in page and "同意 2 · 反对 1 · 弃权 0" in page
    assert "需同意 2 票" in page
    auth.logout()
    auth.login(w["reps"][2].user)
    late = client.post(f"/council/meetings/items/{w['item'].id}/vote",
                       data={"choice": "yes"}, follow_redirects=True)
    assert "表决已经结束了" in late.get_data(as_text=True)
    db.session.expire_all()
    item = db.session.get(AgendaItem, w["item"].id)
    assert (item.yes, item.no, item.passed) == (2, 1, True)


@pytest.mark.parametrize("roll_call", [False, True])
def test_the_public_outcome_names_voters_only_for_a_roll_call_body(client, auth, world,
                                                                    roll_call):
    w = world(3, roll_call=roll_call)
    _present(w, 3)
    _open(w)
    meetings.cast(w["reps"][0].user, w["item"], "no")
    meetings.close_vote(w["clerk"], w["item"])
    db.session.commit()
    page = _page(client, f"/council/outcomes/{w['topic'].id}")  # nobody logged in
    assert "未通过" in page and "同意 0 · 反对 1 · 弃权 0" in page
    assert ("代表0" in page) is roll_call
    listing = _page(client, "/council/outcomes")
    assert "桥头市场周六停车" in listing
    minutes = _page(client, f"/staff/council/meetings/{w['meeting'].id}/minutes")
    assert "/login" in minutes or "登录" in minutes  # staff only
    auth.login(w["clerk"])
    minutes = _page(client, f"/staff/council/meetings/{w['meeting'].id}/minutes")
    assert "会议纪要" in minutes and "党群服务中心" in minutes
    assert minutes.count('data-testid="minutes-attendance"') == 3
    assert ("反对</td>" in minutes) is roll_call


def test_staff_note_progress_on_the_outcome(client, auth, world):
    w = world(3)
    auth.login(w["clerk"])
    url = f"/staff/council/outcomes/{w['topic'].id}/progress"
    assert client.post(url, data={"text": "划出临时停车区", **once()}).status_code == 404
    _present(w, 2)
    _open(w)
    meetings.close_vote(w["clerk"], w["item"])
    db.session.commit()
    assert client.post(url, data={"text": "", **once()}).status_code == 400
    client.post(url, data={"text": "12 月 14 日起市场东侧划出临时停车区", **once()})
    page = _page(client, f"/council/outcomes/{w['topic'].id}")
    assert "市场东侧划出临时停车区" in page
    assert db.session.scalar(select(func.count(TopicProgress.id))) == 1


def test_bodies_members_and_a_meeting_are_kept_through_the_pages(client, auth, make_user,
                                                                 tree):
    admin = make_user("admin", zone=tree.xinan)
    rep = make_user(name="王代表")
    auth.login(admin)
    assert "添加默认议事机构" in _page(client, "/staff/council/bodies")
    client.post("/staff/council/bodies/defaults", data=once())
    body = db.session.scalar(select(Body).where(Body.name == "居民代表会议"))
    client.post(f"/staff/council/bodies/{body.id}",
                data={"name": "居民代表会议", "quorum_rule": "majority",
                      "pass_rule": "majority", "roll_call": "y", "is_active": "y", **once()})
    db.session.expire_all()
    assert (body.pass_rule, body.roll_call) == ("majority", True)
    url = f"/staff/council/bodies/{body.id}/members"
    unknown = client.post(url, data={"phone": "13000000000", "zone": tree.xinan_building.id,
                                     "term_start": "2026-01-01", **once()})
    assert unknown.status_code == 400 and "代表须是本社区的居民" in unknown.get_data(as_text=True)
    garbage = client.post(url, data={"phone": rep.phone, "zone": "x", "term_start": "2026-02-30",
                                     **once()})
    assert garbage.status_code == 400
    client.post(url, data={"phone": rep.phone, "zone": tree.xinan_building.id,
                           "term_start": "2026-01-01", **once()})
    member = db.session.scalar(select(BodyMember))
    assert member.user_id == rep.id
    topic = topics.raise_directly(admin, tree.xinan, source="staff", title="楼道堆物",
                                  problem="堆满杂物。")
    topics.review(make_user("admin", zone=tree.xinan), topic, "accept")
    db.session.commit()
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    form = {"body": body.id, "title": "居民代表会议", "day": day, "at": "19:00",
            "place": "党群服务中心", "topics": [topic.id]}
    assert client.post("/staff/council/meetings/new", data={**form, "at": "25:99", **once()}
                       ).status_code == 200  # the form's own message, nothing scheduled
    response = client.post("/staff/council/meetings/new", data={**form, **once()})
    assert response.status_code == 302
    assert len(messages(rep, "council.meeting")) == 1
    assert "居民代表会议" in _page(client, "/staff/council/meetings")
    client.post(f"/staff/council/members/{member.id}/end", data={"day": "2026-06-30", **once()})
    db.session.expire_all()
    assert member.term_end == date(2026, 6, 30)


def test_bad_scan_input_is_a_chinese_400(client, auth, world):
    w = world(3)
    auth.login(w["clerk"])
    url = f"/staff/council/meetings/{w['meeting'].id}/scan"
    for code in ("", "x" * 600, "garbage"):
        response = client.post(url, data={"code": code})
        assert response.status_code == 400
    assert meetings.present_count(w["meeting"].id) == 0
    assert client.post(f"/staff/council/agenda/{w['item'].id}/paper",
                       data={"member": "abc", "choice": "no", **once()}).status_code == 400


def test_the_desk_keeps_a_flat_query_count(client, auth, world, count_queries):
    w = world(8)
    auth.login(w["clerk"])
    url = f"/staff/council/meetings/{w['meeting'].id}"
    _present(w, 1)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _present(w, 8)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def test_my_meetings_lists_the_members_meetings(client, auth, world):
    w = world(2)
    auth.login(w["reps"][0].user)
    assert "十二月居民代表会议" in _page(client, "/council/meetings")
