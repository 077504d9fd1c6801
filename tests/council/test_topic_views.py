"""微议事 topic pages for residents: the community's topics by stage, proposing one with photos,
backing it (联署), commenting on the draft by paragraph with JavaScript off, its versions, and
a voted topic's result."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.council import drafts, topics
from portal.council.meeting_models import AgendaItem, Meeting
from portal.council.models import Body
from portal.council.topic_models import Topic, TopicBacker, TopicComment
from portal.council.views import outcome_url
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import once
from tests.helpers import jpeg_bytes

PROPOSAL = ("周六 6:00–12:00 在桥头市场东侧划临时停车区。\n安排志愿者疏导交通。\n"
            "违停先劝导，不罚款。")


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def as_(auth, user) -> None:
    """Log in as `user`, out of whoever was logged in before."""
    auth.logout()
    assert auth.login(user).status_code == 302


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def threshold(app):
    def set_to(n):
        app.config["COUNCIL_BACKING_THRESHOLD"] = n
    yield set_to
    app.config["COUNCIL_BACKING_THRESHOLD"] = 20


@pytest.fixture
def raiser(make_user):
    return make_user(name="刘强")


@pytest.fixture
def branch(make_user, tree):
    return make_user("admin", zone=tree.xinan, name="张丽")


@pytest.fixture
def backing(raiser, threshold):
    threshold(2)
    topic = topics.propose(raiser, title="桥头市场周六停车", problem="周六早市电动车停到路中间。",
                           proposal=PROPOSAL)
    db.session.commit()
    return topic


@pytest.fixture
def in_comment(make_user, branch, tree):
    staff = make_user("admin", zone=tree.xinan)
    topic = topics.raise_directly(staff, tree.xinan, source="staff", title="桥头市场周六停车",
                                  problem="电动车乱停。", proposal=PROPOSAL)
    topics.review(branch, topic, "accept")
    drafts.open_comment(branch, topic, 7)
    db.session.commit()
    return topic


# ------------------------------------------------------------------ proposing


def test_a_resident_proposes_a_topic_with_photos(client, auth, raiser, threshold):
    threshold(20)
    as_(auth, raiser)
    form = page(client, "/council/new")
    assert "提出议题" in form and 'name="once_key"' in form and "最多 3 张" in form
    data = {**once(), "title": "桥头市场周六停车", "problem": "周六早市电动车停到路中间。",
            "proposal": PROPOSAL, "photos": [(jpeg_bytes(), "a.jpg"), (jpeg_bytes(), "b.jpg")]}
    response = client.post("/council/new", data=data, content_type="multipart/form-data")
    topic = db.session.scalar(select(Topic))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/council/{topic.id}")
    assert (topic.status, topic.source, topic.threshold, len(topic.photos)) == (
        "backing", "resident", 20, 2)
    html = page(client, f"/council/{topic.id}")
    assert "议题已提出" in html and "联署中" in html and "已有 0 位居民联署，需要 20 位" in html
    assert '<progress id="backing-progress" max="20" value="0"' in html
    assert "这是您提出的议题" in html and "我也支持（联署）" not in html
    shown = client.get(f"/council/{topic.id}/photos/t_{topic.photos[0]}")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert "private" in shown.headers["Cache-Control"]
    shown.close()
    assert client.get(f"/council/{topic.id}/photos/../secret").status_code == 404
    assert client.get(f"/council/{topic.id}/photos/nothere.jpg").status_code == 404
    # the same form again: one topic
    again = client.post("/council/new", data={**data, "photos": []},
                        content_type="multipart/form-data", follow_redirects=True)
    assert count(Topic) == 1 and "这张表单已经提交过了" in again.get_data(as_text=True)


@pytest.mark.parametrize("changes, words", [
    ({"title": ""}, "这一项必须填写"),
    ({"title": "题" * 41}, "最多 40 个字"),
    ({"problem": ""}, "这一项必须填写"),
    ({"title": "x"}, "议题标题 2 到 40 个字"),
    ({"photos": [(jpeg_bytes(), f"{i}.jpg") for i in range(4)]}, "最多上传 3 张照片"),
    ({"photos": [(jpeg_bytes(), "a.jpg"), ]}, None),
])
def test_bad_proposals_are_refused_in_chinese(client, auth, raiser, changes, words):
    as_(auth, raiser)
    data = {**once(), "title": "桥头市场周六停车", "problem": "电动车乱停。", **changes}
    response = client.post("/council/new", data=data, content_type="multipart/form-data")
    if words is None:
        assert response.status_code == 302 and count(Topic) == 1
        return
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    assert count(Topic) == 0


def test_a_photo_that_is_not_an_image_is_refused(client, auth, raiser):
    import io

    as_(auth, raiser)
    response = client.post("/council/new", data={
        **once(), "title": "桥头市场周六停车", "problem": "电动车乱停。",
        "photos": [(io.BytesIO(b"not an image"), "x.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 400 and "请上传照片" in response.get_data(as_text=True)
    assert count(Topic) == 0


def test_without_a_community_the_resident_is_asked_for_a_home(client, auth, make_user, tree):
    as_(auth, make_user(home=tree.street))
    assert "请先在“我的”里填写居住的小区或楼栋" in page(client, "/council/")
    assert "请先在“我的”里填写居住的小区或楼栋" in page(client, "/council/new")


# ------------------------------------------------------------------ backing


def test_backing_counts_once_and_reaches_review(client, auth, backing, make_user, tree):
    neighbour = make_user()
    as_(auth, neighbour)
    html = page(client, f"/council/{backing.id}")
    assert "我也支持（联署）" in html
    client.post(f"/council/{backing.id}/back")
    again = client.post(f"/council/{backing.id}/back", follow_redirects=True)
    assert "您已经联署过这个议题了，只算一次" in again.get_data(as_text=True)
    db.session.refresh(backing)
    assert backing.backers == 1 and count(TopicBacker) == 1
    assert "您已经联署了这个议题" in page(client, f"/council/{backing.id}")

    as_(auth, make_user())
    done = client.post(f"/council/{backing.id}/back", follow_redirects=True)
    assert "已联署，谢谢您的支持" in done.get_data(as_text=True)
    db.session.refresh(backing)
    assert (backing.status, backing.backers) == ("review", 2)
    assert "社区党组织在" in page(client, f"/council/{backing.id}")


def test_the_raiser_and_other_communities_cannot_back(client, auth, backing, raiser, make_user,
                                                       tree):
    as_(auth, raiser)
    refused = client.post(f"/council/{backing.id}/back", follow_redirects=True)
    assert "这是您自己提出的议题" in refused.get_data(as_text=True)
    as_(auth, make_user(home=tree.dongmei_building))
    html = page(client, f"/council/{backing.id}")
    assert "只有本社区的居民可以联署" in html and "我也支持（联署）" not in html
    refused = client.post(f"/council/{backing.id}/back", follow_redirects=True)
    assert "只能联署本社区的议题" in refused.get_data(as_text=True)
    db.session.refresh(backing)
    assert backing.backers == 0 and count(TopicBacker) == 0


# ------------------------------------------------------------------ the draft by paragraph


def test_a_paragraph_is_tapped_and_commented_on_without_javascript(client, auth, in_comment,
                                                                    make_user):
    as_(auth, make_user(name="王秀英"))
    html = page(client, f"/council/{in_comment.id}")
    assert "征求意见" in html and html.count('data-testid="paragraph-link"') == 3
    assert f'href="/council/{in_comment.id}?p=2#comment"' in html
    assert 'data-testid="comment-form"' not in html
    chosen = page(client, f"/council/{in_comment.id}?p=2")
    chosen = chosen[chosen.index('data-testid="draft"'):]
    assert chosen.count('data-testid="comment-form"') == 1
    # the form sits under the second paragraph, after its text and before the third
    assert chosen.index("安排志愿者疏导交通") < chosen.index('id="comment"') \
        < chosen.index("违停先劝导")
    draft = drafts.latest(in_comment)
    response = client.post(f"/council/{in_comment.id}/comment", data={
        **once(), "draft": draft.id, "paragraph": "1", "text": "建议志愿者穿反光背心。"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#p2")
    row = db.session.scalar(select(TopicComment))
    assert (row.paragraph, row.text) == (1, "建议志愿者穿反光背心。")
    html = page(client, f"/council/{in_comment.id}")
    html = html[html.index('data-testid="draft"'):]
    assert "王*" in html and "王秀英" not in html and "（1 条意见）" in html
    assert html.index("安排志愿者疏导交通") < html.index("建议志愿者穿反光背心") \
        < html.index("违停先劝导")


@pytest.mark.parametrize("changes, words", [
    ({"text": ""}, "这一项必须填写"),
    ({"text": "字" * 501}, "最多 500 个字"),
    ({"paragraph": "9"}, "请点选要提意见的那一段"),
    ({"paragraph": "abc"}, "请点选要提意见的那一段"),
    ({"paragraph": "-1"}, "请点选要提意见的那一段"),
    ({"draft": "999999"}, "草案已经修改，请对最新的版本提意见"),
    ({"draft": "abc"}, "草案已经修改，请对最新的版本提意见"),
])
def test_bad_comments_are_refused(client, auth, in_comment, make_user, changes, words):
    as_(auth, make_user())
    draft = drafts.latest(in_comment)
    data = {**once(), "draft": str(draft.id), "paragraph": "0", "text": "有道理。", **changes}
    response = client.post(f"/council/{in_comment.id}/comment", data=data,
                           follow_redirects=True)
    assert words in response.get_data(as_text=True) and response.status_code < 500
    assert count(TopicComment) == 0


def test_comments_close_with_the_period_and_go_to_the_latest_version(client, auth, in_comment,
                                                                     branch, make_user, tree):
    first = drafts.latest(in_comment)
    drafts.revise(branch, in_comment, PROPOSAL + "\n每月通报一次。")
    db.session.commit()
    as_(auth, make_user())
    old = client.post(f"/council/{in_comment.id}/comment", data={
        **once(), "draft": first.id, "paragraph": "0", "text": "有道理。"})
    assert old.status_code == 400 and "草案已经修改" in old.get_data(as_text=True)
    as_(auth, make_user(home=tree.dongmei_building))
    latest = drafts.latest(in_comment)
    other = client.post(f"/council/{in_comment.id}/comment", data={
        **once(), "draft": latest.id, "paragraph": "0", "text": "有道理。"})
    assert "只能对本社区的议题提意见" in other.get_data(as_text=True)
    in_comment.comment_until_dt = utcnow() - timedelta(minutes=1)
    db.session.commit()
    as_(auth, make_user())
    html = page(client, f"/council/{in_comment.id}?p=1")
    assert "征求意见已于" in html and 'data-testid="comment-form"' not in html
    closed = client.post(f"/council/{in_comment.id}/comment", data={
        **once(), "draft": latest.id, "paragraph": "0", "text": "有道理。"})
    assert "征求意见已经结束了" in closed.get_data(as_text=True)
    assert count(TopicComment) == 0


def test_the_versions_show_what_changed(client, auth, in_comment, branch, make_user):
    drafts.revise(branch, in_comment, PROPOSAL.replace("不罚款", "不罚款，不扣积分"))
    db.session.commit()
    as_(auth, make_user())
    assert "草案改过 1 次" in page(client, f"/council/{in_comment.id}")
    html = page(client, f"/council/{in_comment.id}/versions")
    assert "第 2 版" in html and "和第 1 版相比" in html
    assert "<del>违停先劝导，不罚款。</del>" in html
    assert "<ins>违停先劝导，不罚款，不扣积分。</ins>" in html
    first = page(client, f"/council/{in_comment.id}/versions?v=1")
    assert "和第 1 版相比" not in first and "违停先劝导，不罚款。" in first
    assert "第 2 版" in page(client, f"/council/{in_comment.id}/versions?v=abc")


def test_a_topic_without_a_draft_has_no_versions(client, auth, backing, make_user):
    as_(auth, make_user())
    assert client.get(f"/council/{backing.id}/versions").status_code == 404
    assert client.get("/council/999999").status_code == 404


# ------------------------------------------------------------------ the result


def _closed_vote(topic, by, passed=True):
    body = Body(community_id=topic.community_id, name=f"居民代表会议{topic.id}")
    db.session.add(body)
    db.session.flush()
    meeting = Meeting(body_id=body.id, title="第三季度居民代表会议", start_dt=utcnow(),
                      place="党群服务中心", created_by_id=by.id)
    db.session.add(meeting)
    db.session.flush()
    db.session.add(AgendaItem(meeting_id=meeting.id, topic_id=topic.id, vote="closed",
                              members=25, present=21, yes=17, no=3, abstain=1, quorate=True,
                              passed=passed, closed_by_id=by.id, closed_dt=utcnow()))
    db.session.commit()


def test_a_voted_topic_shows_its_counts_and_the_outcome_link(app, client, auth, in_comment,
                                                            branch, make_user):
    _closed_vote(in_comment, branch)
    as_(auth, make_user())
    html = page(client, f"/council/{in_comment.id}")
    assert "已表决" in html and "通过" in html and "25 / 21" in html
    assert "<dd>17</dd>" in html and "<dd>3</dd>" in html and "<dd>1</dd>" in html
    with app.test_request_context():
        link = outcome_url(in_comment)
    assert f'href="{link}" data-testid="outcome-link"' in html
    listed = page(client, "/council/?stage=decided")
    assert "桥头市场周六停车" in listed and "通过" in listed
    assert "桥头市场周六停车" not in page(client, "/council/?stage=comment")


# ------------------------------------------------------------------ the list


def test_the_list_by_stage(client, auth, backing, in_comment, make_user, tree):
    staff = make_user("admin", zone=tree.xinan)
    topics.raise_directly(staff, tree.xinan, source="staff", title="加装电梯",
                          problem="老人上下楼难。")
    db.session.commit()
    as_(auth, make_user())
    html = page(client, "/council/")
    assert "提议题" in html and "加装电梯" in html and html.count("桥头市场周六停车") == 2
    assert "联署 0 / 2" in html and "待立项" in html and "征求意见" in html
    assert "加装电梯" in page(client, "/council/?stage=review")
    only = page(client, "/council/?stage=backing")
    assert only.count("桥头市场周六停车") == 1 and "加装电梯" not in only
    assert "加装电梯" in page(client, "/council/?stage=nonsense&page=abc")
    assert "这里还没有议题" in page(client, "/council/?stage=declined")
    as_(auth, make_user(home=tree.dongmei_building))
    assert "加装电梯" not in page(client, "/council/")


def test_the_list_keeps_a_flat_query_count(client, auth, make_user, tree, count_queries,
                                           branch):
    staff = make_user("admin", zone=tree.xinan)

    def add(n):
        for i in range(n):
            topic = topics.raise_directly(staff, tree.xinan, source="staff",
                                          title=f"议题{i:02d}", problem="需要商量。")
            if i % 2:
                topics.review(branch, topic, "accept")
                if i % 4 == 1:
                    _closed_vote(topic, branch)
        db.session.commit()

    as_(auth, make_user())
    add(3)
    with count_queries() as few:
        page(client, "/council/")
    add(16)
    with count_queries() as many:
        html = page(client, "/council/")
    assert "议题15" in html
    assert many.count == few.count, many.statements


def test_the_home_page_has_the_tile(client, auth, make_user):
    as_(auth, make_user())
    html = page(client, "/")
    assert 'href="/council/"' in html and "微议事" in html


def test_a_withdrawn_topic_says_so_and_leaves_the_list(client, auth, backing, make_user):
    backing.status = "withdrawn"
    db.session.commit()
    as_(auth, make_user())
    assert "已撤回" in page(client, f"/council/{backing.id}")
    assert "桥头市场周六停车" not in page(client, "/council/")
