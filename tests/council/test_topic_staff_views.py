"""微议事 topic pages for staff: the party branch's review queue with the overdue first,
accepting, declining and moving up with a reason, raising directly, opening the draft to
comment and revising it, and a 商办 matter turned into a topic."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.cases import services as cases
from portal.cases.models import CaseCategory
from portal.council import topics
from portal.council.topic_models import Topic, TopicDraft
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import once
from tests.council.test_topic_views import PROPOSAL, as_, page


@pytest.fixture
def branch(make_user, tree):
    return make_user("admin", zone=tree.xinan, name="张丽")


@pytest.fixture
def staff(make_user, tree):
    return make_user("coordinator", zone=tree.xinan, name="陈志强")


def raised(staff, community, title="加装电梯", proposal=PROPOSAL) -> Topic:
    topic = topics.raise_directly(staff, community, source="staff", title=title,
                                  problem="老楼没有电梯，老人上下楼难。", proposal=proposal)
    db.session.commit()
    return topic


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


# ------------------------------------------------------------------ the queue


def test_the_queue_lists_the_overdue_first_and_only_in_scope(client, auth, branch, staff,
                                                             tree, make_user):
    fresh = raised(staff, tree.xinan, "加装电梯")
    late = raised(staff, tree.xinan, "楼道堆物")
    late.review_due_dt = utcnow() - timedelta(days=1)
    raised(make_user("admin", zone=tree.dongmei), tree.dongmei, "东梅的议题")
    db.session.commit()
    as_(auth, branch)
    assert 'href="/staff/council/"' in page(client, "/staff/")
    html = page(client, "/staff/council/")
    assert html.index("楼道堆物") < html.index("加装电梯")
    assert html.count('data-testid="overdue"') == 1 and "东梅的议题" not in html
    assert fresh.title in html
    as_(auth, staff)
    assert client.get("/staff/council/").status_code == 403
    assert 'href="/staff/council/"' not in page(client, "/staff/")


def test_the_queue_keeps_a_flat_query_count(client, auth, branch, staff, tree, count_queries):
    def add(n):
        for i in range(n):
            topic = raised(staff, tree.xinan, f"议题{i:02d}")
            if i % 2:
                topics.review(branch, topic, "accept")
        db.session.commit()

    as_(auth, branch)
    add(3)
    with count_queries() as few:
        page(client, "/staff/council/")
    add(16)
    with count_queries() as many:
        html = page(client, "/staff/council/")
    assert "议题15" in html and "议题14" in html
    assert many.count == few.count, many.statements


# ------------------------------------------------------------------ review


def test_the_branch_accepts_a_topic(client, auth, branch, staff, tree):
    topic = raised(staff, tree.xinan)
    as_(auth, branch)
    html = page(client, f"/staff/council/{topic.id}")
    assert "审核（定议题）" in html and "上移街道" in html
    response = client.post(f"/staff/council/{topic.id}/review",
                           data={**once(), "decision": "accept", "note": ""})
    assert response.status_code == 302
    db.session.refresh(topic)
    assert (topic.status, topic.decided_by_id) == ("accepted", branch.id)
    html = page(client, f"/staff/council/{topic.id}")
    assert "审核结果已保存" in html and "开始征求意见" in html


@pytest.mark.parametrize("data, words", [
    ({"decision": "decline", "note": ""}, "不立项或上移街道时请写明原因"),
    ({"decision": "move_up", "note": "x"}, "不立项或上移街道时请写明原因"),
    ({"decision": "delete", "note": "原因"}, "请选择立项、不立项或上移街道"),
    ({"note": "原因"}, "请选择立项、不立项或上移街道"),
    ({"decision": "decline", "note": "字" * 301}, "最多 300 个字"),
])
def test_bad_reviews_change_nothing(client, auth, branch, staff, tree, data, words):
    topic = raised(staff, tree.xinan)
    as_(auth, branch)
    response = client.post(f"/staff/council/{topic.id}/review", data={**once(), **data})
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    db.session.refresh(topic)
    assert topic.status == "review" and topic.decided_by_id is None


def test_declining_and_moving_up_need_a_reason_the_residents_see(client, auth, branch, staff,
                                                                 tree, make_user):
    declined, moved = raised(staff, tree.xinan, "物业费"), raised(staff, tree.xinan, "修路")
    as_(auth, branch)
    client.post(f"/staff/council/{declined.id}/review",
                data={**once(), "decision": "decline", "note": "属于物业合同范围，请找物业。"})
    client.post(f"/staff/council/{moved.id}/review",
                data={**once(), "decision": "move_up", "note": "涉及市政道路，报街道协调。"})
    db.session.refresh(declined)
    db.session.refresh(moved)
    assert (declined.status, moved.status) == ("declined", "moved_up")
    as_(auth, make_user())
    html = page(client, f"/council/{moved.id}")
    assert "已上移街道" in html and "涉及市政道路，报街道协调。" in html
    assert "属于物业合同范围" in page(client, f"/council/{declined.id}")
    # a second review of the same topic is refused in words
    as_(auth, branch)
    again = client.post(f"/staff/council/{moved.id}/review",
                        data={**once(), "decision": "accept"})
    assert again.status_code == 400 and "这个议题已经审核过了" in again.get_data(as_text=True)
    db.session.refresh(moved)
    assert moved.status == "moved_up"


def test_nobody_reviews_their_own_topic(client, auth, branch, tree):
    topic = raised(branch, tree.xinan)
    as_(auth, branch)
    assert "请让党组织的另一位成员审核" in page(client, f"/staff/council/{topic.id}")
    response = client.post(f"/staff/council/{topic.id}/review",
                           data={**once(), "decision": "accept"})
    assert response.status_code in (400, 403)
    db.session.refresh(topic)
    assert topic.status == "review"


# ------------------------------------------------------------------ the draft


def test_opening_the_draft_and_revising_it(client, auth, branch, staff, tree, make_user):
    topic = raised(staff, tree.xinan)
    topics.review(branch, topic, "accept")
    db.session.commit()
    as_(auth, branch)
    for days, words in [("0", "请填 1 到 60 之间的整数"), ("61", "请填 1 到 60 之间的整数"),
                        ("abc", "请填 1 到 60 之间的整数"), ("", "请填征求意见的天数")]:
        bad = client.post(f"/staff/council/{topic.id}/open", data={**once(), "days": days})
        assert bad.status_code == 400 and words in bad.get_data(as_text=True), days
    assert count(TopicDraft) == 0
    assert client.post(f"/staff/council/{topic.id}/open",
                       data={**once(), "days": "7"}).status_code == 302
    db.session.refresh(topic)
    assert topic.comment_until_dt is not None and count(TopicDraft) == 1
    html = page(client, f"/staff/council/{topic.id}")
    assert "草案已公开征求意见" in html and "修改草案（现在是第 1 版）" in html

    bad = client.post(f"/staff/council/{topic.id}/revise", data={**once(), "text": ""})
    assert bad.status_code == 400 and count(TopicDraft) == 1
    client.post(f"/staff/council/{topic.id}/revise", data={
        **once(), "text": PROPOSAL.replace("不罚款", "不罚款，不扣积分")})
    html = page(client, f"/staff/council/{topic.id}")
    assert "草案已修改，旧的版本已保留" in html and "最新一版改了哪些" in html
    assert "<ins>违停先劝导，不罚款，不扣积分。</ins>" in html
    assert count(TopicDraft) == 2
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "council.revise")) == 1


def test_a_topic_in_review_cannot_be_opened_to_comment(client, auth, branch, staff, tree):
    topic = raised(staff, tree.xinan)
    as_(auth, branch)
    response = client.post(f"/staff/council/{topic.id}/open", data={**once(), "days": "7"})
    assert response.status_code == 400 and "议题立项后才能征求意见" in response.get_data(
        as_text=True)
    revise = client.post(f"/staff/council/{topic.id}/revise", data={**once(), "text": "新草案"})
    assert "请先开始征求意见" in revise.get_data(as_text=True)
    assert count(TopicDraft) == 0


# ------------------------------------------------------------------ raising directly


def test_staff_raise_a_topic_straight_to_review(client, auth, staff, branch, tree):
    as_(auth, staff)
    form = page(client, "/staff/council/new")
    assert "新安路社区" in form and "东梅社区" not in form and 'value="branch"' not in form
    response = client.post("/staff/council/new", data={
        **once(), "community": tree.xinan.id, "source": "staff", "title": "加装电梯",
        "problem": "老人上下楼难。"})
    topic = db.session.scalar(select(Topic))
    assert response.status_code == 302 and topic.status == "review"
    assert topic.source == "staff" and topic.threshold == 0
    as_(auth, branch)
    assert 'value="branch"' in page(client, "/staff/council/new")


@pytest.mark.parametrize("changes, status, words", [
    ({"community": "0"}, 400, "请选择社区"),
    ({"community": "abc"}, 400, "请选择社区"),
    ({"title": ""}, 400, "这一项必须填写"),
    ({"source": ""}, 400, "请选择以什么身份提出"),
    ({"source": "resident"}, 403, None),
    ({"source": "representative"}, 400, "您不是本社区在任的居民代表"),
])
def test_bad_raising_changes_nothing(client, auth, staff, tree, changes, status, words):
    as_(auth, staff)
    data = {**once(), "community": tree.xinan.id, "source": "staff", "title": "加装电梯",
            "problem": "老人上下楼难。", **changes}
    response = client.post("/staff/council/new", data=data)
    assert response.status_code == status
    if words:
        assert words in response.get_data(as_text=True)
    assert count(Topic) == 0


def test_a_dongmei_community_cannot_be_raised_by_a_xinan_coordinator(client, auth, staff, tree):
    as_(auth, staff)
    response = client.post("/staff/council/new", data={
        **once(), "community": tree.dongmei.id, "source": "staff", "title": "加装电梯",
        "problem": "老人上下楼难。"})
    assert response.status_code == 400 and count(Topic) == 0


# ------------------------------------------------------------------ from a 商办 matter


@pytest.fixture
def matters(make_user, tree):
    cases.seed_categories(tree.xinan)
    db.session.commit()
    by_track = {}
    for category in db.session.scalars(select(CaseCategory).where(
            CaseCategory.community_id == tree.xinan.id)):
        by_track.setdefault(category.track, category)
    resident = make_user()
    made = {track: cases.file_case(resident, resident, category=category,
                                   zone=tree.xinan_building, title="桥头市场周六乱停车",
                                   details="早市电动车堵路。")
            for track, category in by_track.items()}
    db.session.commit()
    return made


def test_a_joint_matter_becomes_a_topic_once(client, auth, branch, matters):
    joint, timed = matters["joint"], matters["timed"]
    as_(auth, branch)
    html = page(client, f"/staff/cases/{joint.id}")
    assert 'data-testid="to-topic"' in html and "转为议题" in html
    assert 'data-testid="to-topic"' not in page(client, f"/staff/cases/{timed.id}")
    response = client.post(f"/staff/council/cases/{joint.id}/topic", data=once())
    topic = db.session.scalar(select(Topic))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/council/{topic.id}")
    assert (topic.source, topic.case_id, topic.title, topic.problem, topic.status) == (
        "case", joint.id, "桥头市场周六乱停车", "早市电动车堵路。", "review")
    again = client.post(f"/staff/council/cases/{joint.id}/topic", data=once(),
                        follow_redirects=True)
    assert "这件事项已经转为议题了" in again.get_data(as_text=True)
    refused = client.post(f"/staff/council/cases/{timed.id}/topic", data=once(),
                          follow_redirects=True)
    assert "只有“商办”的事项可以转为议题" in refused.get_data(as_text=True)
    assert count(Topic) == 1
    assert client.post("/staff/council/cases/999999/topic", data=once()).status_code == 404

