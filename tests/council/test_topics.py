"""Topics: raised by a resident and backed to the threshold, or raised directly; reviewed by
the party branch within 2 working days."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.council import services, topics
from portal.council.topic_models import Topic, TopicBacker
from portal.errors import NotAllowed
from portal.extensions import db
from tests.conftest import pg_only, run_concurrently
from tests.helpers import code_of, messages

#: a Tuesday morning in Shanghai
TUESDAY = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)


@pytest.fixture
def branch(make_user, tree):
    return make_user("admin", zone=tree.xinan, name="张丽")


@pytest.fixture
def threshold(app):
    def set_to(n):
        app.config["COUNCIL_BACKING_THRESHOLD"] = n
    yield set_to
    app.config["COUNCIL_BACKING_THRESHOLD"] = 20


@pytest.fixture
def topic(make_user, threshold):
    threshold(3)
    made = topics.propose(make_user(name="刘强"), title="桥头市场周六停车",
                          problem="周六早市电动车停到路中间，消防车进不来。",
                          proposal="划定临时停车区，安排志愿者疏导。", now=TUESDAY)
    db.session.commit()
    return made


def test_backing_to_the_threshold_sends_it_to_the_branch(topic, make_user):
    assert topic.status == "backing" and topic.threshold == 3
    people = [make_user() for _ in range(3)]
    assert topics.back(people[0], topic, now=TUESDAY) is True
    assert topics.back(people[0], topic, now=TUESDAY) is False  # once each
    topics.back(people[1], topic, now=TUESDAY)
    assert topic.status == "backing" and topic.backers == 2
    topics.back(people[2], topic, now=TUESDAY)
    db.session.commit()
    assert topic.status == "review" and topic.backers == 3
    # two working days: Wednesday and Thursday, to the end of Thursday
    assert topic.review_due_dt == datetime(2026, 11, 12, 15, 59, 59, tzinfo=UTC)
    assert len(messages(topic.raised_by, "council.review")) == 1
    assert code_of(topics.back, make_user(), topic) == "not_backing"


def test_nobody_backs_their_own_topic_or_another_communitys(topic, make_user, tree):
    assert code_of(topics.back, topic.raised_by, topic) == "own_topic"
    assert code_of(topics.back, make_user(home=tree.dongmei_building), topic) == \
        "other_community"


def test_the_branch_decides_with_a_reason_and_everyone_is_told(topic, make_user, branch):
    backers = [make_user() for _ in range(3)]
    for person in backers:
        topics.back(person, topic, now=TUESDAY)
    db.session.commit()
    assert code_of(topics.review, branch, topic, "decline") == "needs_reason"
    topics.review(branch, topic, "move_up", "涉及市政道路，需街道协调交警。")
    db.session.commit()
    assert topic.status == "moved_up" and topic.decided_by_id == branch.id
    assert "交警" in messages(backers[0], "council.reviewed")[0].body
    assert code_of(topics.review, branch, topic, "accept") == "not_in_review"


def test_only_the_branch_reviews_and_never_its_own_topic(make_user, branch, tree, threshold):
    topic = topics.raise_directly(branch, tree.xinan, source="branch", title="楼道堆物整治",
                                  problem="楼道堆放杂物，堵塞消防通道。")
    db.session.commit()
    assert topic.status == "review"
    assert code_of(topics.review, branch, topic, "accept") == "self_dealing"
    for outsider in (make_user("coordinator", zone=tree.xinan),
                     make_user("admin", zone=tree.dongmei)):
        with pytest.raises(NotAllowed):
            topics.review(outsider, topic, "accept")
    other = make_user("admin", zone=tree.xinan)
    topics.review(other, topic, "accept")
    assert topic.status == "accepted"


def test_a_representative_raises_directly_but_a_resident_cannot(make_user, branch, tree):
    body = services.save_body(branch, None, community=tree.xinan, name="居民代表会议")
    rep = make_user(name="代表老李")
    services.add_member(branch, body, rep, zone=tree.xinan_building,
                        term_start=TUESDAY.date() - timedelta(days=30))
    made = topics.raise_directly(rep, tree.xinan, source="representative", title="加装电梯",
                                 problem="老楼没有电梯，老人上下楼难。", now=TUESDAY)
    assert made.status == "review" and made.source == "representative"
    assert code_of(topics.raise_directly, make_user(), tree.xinan, source="representative",
                   title="加装电梯", problem="老楼没有电梯。", now=TUESDAY) == "not_representative"


@pytest.mark.parametrize("fields, code", [
    ({"title": "停"}, "bad_title"), ({"title": "停" * 41}, "bad_title"),
    ({"problem": ""}, "bad_problem"), ({"proposal": "建" * 5001}, "bad_proposal"),
])
def test_bad_topics_are_refused(make_user, fields, code):
    values = {"title": "桥头市场周六停车", "problem": "电动车乱停。", **fields}
    assert code_of(topics.propose, make_user(), **values) == code
    assert db.session.scalar(select(func.count(Topic.id))) == 0


def test_a_review_waiting_past_two_working_days_is_listed_overdue(make_user, branch, tree):
    topic = topics.raise_directly(branch, tree.xinan, source="staff", title="楼道堆物整治",
                                  problem="楼道堆放杂物。", now=TUESDAY)
    db.session.commit()
    assert topics.overdue_reviews(branch, TUESDAY + timedelta(days=2)) == []
    assert topics.overdue_reviews(branch, TUESDAY + timedelta(days=3)) == [topic]
    assert topics.overdue_reviews(make_user("admin", zone=tree.dongmei),
                                  TUESDAY + timedelta(days=3)) == []


@pg_only
def test_20_residents_backing_at_once_reach_review_once(app, make_user, threshold):
    threshold(20)
    topic_id = topics.propose(make_user(), title="桥头市场周六停车",
                              problem="电动车乱停。").id
    db.session.commit()
    people = [make_user().id for _ in range(20)]
    results = run_concurrently(app, 20, lambda i: topics.back(
        db.session.get(User, people[i]), db.session.get(Topic, topic_id)))
    assert results.count(True) == 20, results
    db.session.expire_all()
    topic = db.session.get(Topic, topic_id)
    assert topic.backers == 20 and topic.status == "review"
    assert db.session.scalar(select(func.count(TopicBacker.id))) == 20
    assert len(messages(topic.raised_by, "council.review")) == 1


@pg_only
def test_one_resident_backing_twenty_times_at_once_counts_once(app, make_user, threshold):
    threshold(5)
    topic_id = topics.propose(make_user(), title="桥头市场周六停车",
                              problem="电动车乱停。").id
    backer_id = make_user().id
    db.session.commit()
    results = run_concurrently(app, 20, lambda i: topics.back(
        db.session.get(User, backer_id), db.session.get(Topic, topic_id)))
    assert results.count(True) == 1 and results.count(False) == 19, results
    db.session.expire_all()
    assert db.session.get(Topic, topic_id).backers == 1


@pg_only
def test_ten_of_one_household_backing_at_once_count_once(app, make_user, tree):
    """Under the one-fifth-of-households rule: one flat, ten people, one backer."""
    from portal.conventions import services as conventions

    admin = make_user("admin", zone=tree.xinan)
    family = [make_user() for _ in range(10)]
    for person in family:
        conventions.join_household(person, tree.xinan_building, "1", "601")
    services.save_setting(admin, tree.xinan, threshold=None, households_fifth=True)
    topic_id = topics.propose(make_user(), title="楼道加装扶手", problem="老人上楼吃力。").id
    db.session.commit()
    ids = [p.id for p in family]
    results = run_concurrently(app, 10, lambda i: topics.back(
        db.session.get(User, ids[i]), db.session.get(Topic, topic_id)))
    assert results.count(True) == 1 and results.count("household_backed") == 9, results
    db.session.expire_all()
    assert db.session.get(Topic, topic_id).backers == 1
    assert db.session.scalar(select(func.count(TopicBacker.id))) == 1
