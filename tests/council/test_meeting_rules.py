"""What the review of the meeting code found, held by tests: a vote keeps the rules and the
draft it opened under; a changed term never makes a count impossible; proxies vote on paper;
nobody records or confirms their own attendance or ballot; a phone vote is never overwritten
by a paper one; a topic is voted on once; the draft is settled once voting starts."""

from datetime import date, timedelta

from portal.council import drafts, meetings, outcomes, services, topics
from portal.extensions import db
from portal.types import utcnow
from tests.council.test_meetings import _attend, world  # noqa: F401  (the fixture)
from tests.helpers import code_of


def test_a_vote_keeps_the_rules_it_opened_under(world):  # noqa: F811
    w = world(5)
    _attend(w, 5)
    item = meetings.open_vote(w["clerk"], w["item"])
    for n, choice in enumerate(["yes", "yes", "yes", "no", "no"]):
        meetings.cast(w["reps"][n].user, item, choice)
    db.session.commit()
    body = w["body"]
    assert code_of(services.save_body, w["clerk"], body, community=None, name=body.name,
                   pass_rule="majority") == "voting_open"
    services.save_body(w["clerk"], body, community=None, name="居民代表大会")  # the name may change
    closed = meetings.close_vote(w["clerk"], item)
    assert closed.pass_rule == "two_thirds" and not closed.passed  # 3 of 5 is short of 2/3
    services.save_body(w["clerk"], body, community=None, name=body.name, pass_rule="majority",
                       roll_call=True)
    db.session.commit()
    assert outcomes.roll_call(closed) == []  # a secret ballot stays secret


def test_a_term_ended_after_the_door_keeps_the_count_possible(world):  # noqa: F811
    w = world(3)
    _attend(w, 3)
    item = meetings.open_vote(w["clerk"], w["item"])
    meetings.cast(w["reps"][0].user, item, "yes")
    services.end_term(w["clerk"], w["reps"][2], date(2026, 1, 2))
    db.session.commit()
    closed = meetings.close_vote(w["clerk"], item)
    assert (closed.members, closed.present) == (3, 3)


def test_a_proxy_votes_on_paper_and_nobody_records_themselves(world, make_user, tree):  # noqa: F811
    w = world(3)
    staff_rep = services.add_member(w["clerk"], w["body"], w["second"], zone=tree.xinan_building,
                                    term_start=date(2026, 1, 1))
    db.session.commit()
    assert code_of(meetings.attend, w["second"], w["meeting"], staff_rep, method="proxy",
                   note="本人在外地出差") == "self_dealing"
    meetings.attend(w["clerk"], w["meeting"], w["reps"][0], method="proxy", note="委托邻居出席")
    _attend(w, 3)
    item = meetings.open_vote(w["clerk"], w["item"])
    db.session.commit()
    assert code_of(meetings.cast, w["reps"][0].user, item, "yes") == "proxy_votes_on_paper"
    meetings.cast(w["reps"][1].user, item, "yes")
    db.session.commit()
    assert code_of(meetings.enter_paper, w["clerk"], item, w["reps"][1], "no") == \
        "voted_on_phone"
    paper = meetings.enter_paper(w["clerk"], item, w["reps"][0], "yes")
    db.session.commit()
    assert code_of(meetings.confirm_paper, w["second"], paper, "no") == "ballot_changed"
    assert code_of(meetings.confirm_paper, w["reps"][0].user, paper) == "forbidden"
    meetings.confirm_paper(w["second"], paper, "yes")


def test_nobody_confirms_their_own_paper_ballot(world, make_user, tree):  # noqa: F811
    w = world(2)
    coordinator = make_user("coordinator", zone=tree.xinan)
    seat = services.add_member(w["clerk"], w["body"], w["second"], zone=tree.xinan_building,
                               term_start=date(2026, 1, 1))
    meetings.attend(w["second"], w["meeting"], seat)
    item = meetings.open_vote(w["clerk"], w["item"])
    paper = meetings.enter_paper(coordinator, item, seat, "yes")
    db.session.commit()
    assert code_of(meetings.confirm_paper, w["second"], paper) == "self_dealing"


def test_a_topic_is_voted_on_once_and_its_draft_is_settled_when_voting_starts(world):  # noqa: F811
    w = world(3)
    topic = w["item"].topic
    drafts.open_comment(w["second"], topic, 3)
    db.session.commit()
    again = dict(title="再议一次", start_dt=utcnow() + timedelta(days=3), place="党群服务中心")
    assert code_of(meetings.schedule, w["clerk"], w["body"], topics=[topic], **again) == \
        "on_agenda"
    _attend(w, 3)
    item = meetings.open_vote(w["clerk"], w["item"])
    db.session.commit()
    assert item.draft_number == 1
    assert code_of(drafts.revise, w["second"], topic, "新的草案文本") == "voting_started"
    for rep in w["reps"]:
        meetings.cast(rep.user, item, "no")
    meetings.close_vote(w["clerk"], item)
    db.session.commit()
    assert code_of(meetings.schedule, w["clerk"], w["body"], topics=[topic], **again) == \
        "on_agenda"  # decided with a quorum: not voted on again


def test_a_member_changes_their_vote_a_bounded_number_of_times(world):  # noqa: F811
    w = world(1)
    _attend(w, 1)
    item = meetings.open_vote(w["clerk"], w["item"])
    for n in range(meetings.MAX_CHANGES):
        meetings.cast(w["reps"][0].user, item, "yes" if n % 2 else "no")
    db.session.commit()
    assert code_of(meetings.cast, w["reps"][0].user, item, "yes") == "too_many_changes"


def test_topics_raised_by_a_representative_need_a_seat(world, make_user, tree):  # noqa: F811
    w = world(1)
    assert code_of(topics.raise_directly, make_user(), tree.xinan, source="representative",
                   title="加装电梯", problem="老楼没有电梯。") == "not_representative"
    topic = topics.raise_directly(w["reps"][0].user, tree.xinan, source="representative",
                                  title="加装电梯", problem="老楼没有电梯。")
    assert topic.status == "review"


def test_a_representative_raises_from_the_residents_page(client, auth, world):  # noqa: F811
    from tests.conftest import once

    w = world(1)
    rep = w["reps"][0].user
    auth.login(rep)
    assert "我是居民代表" in client.get("/council/new").get_data(as_text=True)
    answer = client.post("/council/new", data={
        **once(), "title": "加装电梯", "problem": "老楼没有电梯，老人上下楼难。",
        "as_representative": "y"})
    assert answer.status_code == 302
    raised = db.session.scalar(db.select(topics.Topic).where(topics.Topic.title == "加装电梯"))
    assert (raised.source, raised.status) == ("representative", "review")
