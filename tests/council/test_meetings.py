"""A meeting: attendance, votes changed until the close, paper ballots confirmed by a second
staff member, the count by the body's rules, and a closed vote that never changes."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.council import meetings, services, topics
from portal.council.meeting_models import AgendaItem, Vote, VoteLog
from portal.council.models import BodyMember
from portal.errors import NotAllowed
from portal.extensions import db
from portal.members.codes import member_code
from portal.types import utcnow
from tests.conftest import pg_only, run_concurrently
from tests.helpers import code_of, messages, tamper


@pytest.fixture
def world(make_user, tree):
    """居民代表会议 with `n` representatives, an accepted topic, and a meeting tomorrow."""

    def build(n=9):
        clerk = make_user("admin", zone=tree.xinan, name="张丽")
        second = make_user("admin", zone=tree.xinan, name="李红")
        body = services.save_body(clerk, None, community=tree.xinan, name="居民代表会议")
        reps = [services.add_member(clerk, body, make_user(), zone=tree.xinan_building,
                                    term_start=date(2026, 1, 1)) for _ in range(n)]
        topic = topics.raise_directly(clerk, tree.xinan, source="staff",
                                      title="桥头市场周六停车", problem="电动车乱停。")
        topics.review(second, topic, "accept")
        meeting = meetings.schedule(clerk, body, title="十二月居民代表会议",
                                    start_dt=utcnow() + timedelta(hours=1),
                                    place="党群服务中心", topics=[topic])
        db.session.commit()
        return {"clerk": clerk, "second": second, "body": body, "reps": reps,
                "meeting": meeting, "item": meeting.items[0]}

    return build


def _attend(w, count):
    for member in w["reps"][:count]:
        meetings.attend(member.user, w["meeting"], member)


def test_members_are_invited_and_scan_in_once(world):
    w = world(3)
    rep = w["reps"][0]
    [invitation] = messages(rep.user, "council.meeting")
    assert invitation.link == f"/council/meetings/{w['meeting'].id}"  # the member's page
    assert meetings.attend(rep.user, w["meeting"], rep) is True
    assert meetings.attend(rep.user, w["meeting"], rep) is False
    assert meetings.present_count(w["meeting"].id) == 1
    with pytest.raises(NotAllowed):  # nobody scans someone else in
        meetings.attend(w["reps"][1].user, w["meeting"], w["reps"][2])


def test_a_proxy_needs_a_reason(world):
    w = world(3)
    assert code_of(meetings.attend, w["clerk"], w["meeting"], w["reps"][0],
                   method="proxy") == "needs_reason"
    assert meetings.attend(w["clerk"], w["meeting"], w["reps"][0], method="proxy",
                           note="委托邻居老王出席：住院")


def test_votes_change_until_the_close_and_the_count_follows_the_rules(world):
    w = world(9)
    _attend(w, 6)
    item = meetings.open_vote(w["clerk"], w["item"])
    for member in w["reps"][:4]:
        meetings.cast(member.user, item, "yes")
    meetings.cast(w["reps"][4].user, item, "no")
    meetings.cast(w["reps"][4].user, item, "yes")  # changed her mind: 5 yes
    meetings.cast(w["reps"][5].user, item, "abstain")
    closed = meetings.close_vote(w["clerk"], item)
    db.session.commit()
    # 9 members, 6 present (quorate), 5 yes ≥ 2/3 × 6 = 4: passes
    assert (closed.members, closed.present, closed.yes, closed.no, closed.abstain) == \
        (9, 6, 5, 0, 1)
    assert closed.quorate and closed.passed
    assert db.session.scalar(select(func.count(Vote.id))) == 6
    assert db.session.scalar(select(func.count(VoteLog.id))) == 7  # the change is kept
    assert code_of(meetings.cast, w["reps"][0].user, item, "no") == "vote_closed"


def test_without_a_quorum_nothing_passes(world):
    w = world(9)
    _attend(w, 4)  # 4 of 9 is not more than half
    item = meetings.open_vote(w["clerk"], w["item"])
    for member in w["reps"][:4]:
        meetings.cast(member.user, item, "yes")
    closed = meetings.close_vote(w["clerk"], item)
    assert not closed.quorate and not closed.passed


def test_only_present_members_vote(world, make_user):
    w = world(3)
    _attend(w, 1)
    item = meetings.open_vote(w["clerk"], w["item"])
    assert code_of(meetings.cast, w["reps"][1].user, item, "yes") == "not_present"
    assert code_of(meetings.cast, make_user(), item, "yes") == "not_member"
    assert code_of(meetings.cast, w["reps"][0].user, item, "maybe") == "bad_choice"


def test_a_paper_ballot_counts_once_another_staff_member_confirms_it(world):
    w = world(3)
    _attend(w, 3)
    item = meetings.open_vote(w["clerk"], w["item"])
    meetings.cast(w["reps"][0].user, item, "yes")
    meetings.cast(w["reps"][1].user, item, "yes")
    paper = meetings.enter_paper(w["clerk"], item, w["reps"][2], "no")
    db.session.commit()
    assert code_of(meetings.close_vote, w["clerk"], item) == "paper_unconfirmed"
    assert code_of(meetings.confirm_paper, w["clerk"], paper) == "self_confirm"
    meetings.confirm_paper(w["second"], paper)
    closed = meetings.close_vote(w["clerk"], item)
    assert (closed.yes, closed.no) == (2, 1) and closed.passed  # 2 of 3 is two thirds


def test_a_staff_member_who_is_a_representative_does_not_enter_their_own_ballot(world):
    w = world(2)
    member = services.add_member(w["clerk"], w["body"], w["clerk"],
                                 zone=w["reps"][0].zone, term_start=date(2026, 1, 1))
    meetings.attend(w["clerk"], w["meeting"], member)
    item = meetings.open_vote(w["clerk"], w["item"])
    assert code_of(meetings.enter_paper, w["clerk"], item, member, "yes") == "self_dealing"


def test_the_agenda_takes_only_accepted_topics_of_the_community(world, make_user, tree):
    w = world(1)
    waiting = topics.propose(make_user(), title="加装电梯", problem="老楼没有电梯。")
    assert code_of(meetings.schedule, w["clerk"], w["body"], title="临时会议",
                   start_dt=utcnow() + timedelta(hours=2), place="党群服务中心",
                   topics=[waiting]) == "bad_agenda"


@pg_only
def test_30_members_voting_twice_from_two_phones_leave_30_votes(app, world):
    w = world(30)
    _attend(w, 30)
    meetings.open_vote(w["clerk"], w["item"])
    db.session.commit()
    item_id = w["item"].id
    users = [m.user_id for m in w["reps"]]

    def vote(i):
        person, choice = users[i % 30], ("yes", "no")[i // 30]
        return meetings.cast(db.session.get(User, person),
                             db.session.get(AgendaItem, item_id), choice).choice

    results = run_concurrently(app, 60, vote)
    assert all(r in ("yes", "no") for r in results), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Vote.id))) == 30
    assert db.session.scalar(select(func.count(VoteLog.id))) == 60
    assert db.session.scalar(select(func.count(BodyMember.id))) == 30


@pg_only
def test_a_vote_racing_the_close_is_either_counted_or_refused(app, world):
    w = world(3)
    _attend(w, 3)
    meetings.open_vote(w["clerk"], w["item"])
    meetings.cast(w["reps"][0].user, w["item"], "yes")
    meetings.cast(w["reps"][1].user, w["item"], "yes")
    db.session.commit()
    item_id, clerk_id, late_id = w["item"].id, w["clerk"].id, w["reps"][2].user_id

    def work(i):
        item = db.session.get(AgendaItem, item_id)
        if i == 0:
            return meetings.close_vote(db.session.get(User, clerk_id), item).vote
        return meetings.cast(db.session.get(User, late_id), item, "no").choice

    results = run_concurrently(app, 2, work)
    db.session.expire_all()
    item = db.session.get(AgendaItem, item_id)
    votes = db.session.scalar(select(func.count(Vote.id)))
    assert item.vote == "closed" and results[0] == "closed", results
    # the count is exactly the votes that exist: the late one either made it in or was refused
    assert item.yes + item.no + item.abstain == votes
    if results[1] == "no":
        assert (votes, item.no) == (3, 1)
    else:
        assert results[1] == "vote_closed" and (votes, item.no) == (2, 0)


def test_members_scan_the_meetings_rotating_code(world, make_user):
    w = world(3)
    now = utcnow()
    token = meetings.meeting_token(w["meeting"], now)
    meeting, counted = meetings.scan_in(w["reps"][0].user, token, now)
    assert meeting.id == w["meeting"].id and counted
    assert meetings.scan_in(w["reps"][0].user, token, now)[1] is False  # once
    assert code_of(meetings.scan_in, make_user(), token, now) == "not_member"
    assert code_of(meetings.scan_in, w["reps"][1].user, token,
                   now + timedelta(seconds=95)) == "expired_code"
    forged = tamper(token)
    assert code_of(meetings.scan_in, w["reps"][1].user, forged, now) == "invalid_code"
    assert code_of(meetings.scan_in, w["reps"][1].user, "m.x.y.zzzzzzzzzzzzzzzzzzzz",
                   now) == "invalid_code"


def test_the_clerk_scans_a_members_own_code(world, make_user):
    w = world(2)
    now = utcnow()
    member, counted = meetings.clerk_scan(w["clerk"], w["meeting"],
                                          member_code(w["reps"][1].user, now), now)
    assert member.id == w["reps"][1].id and counted
    assert code_of(meetings.clerk_scan, w["clerk"], w["meeting"],
                   member_code(make_user(), now), now) == "not_member"
    with pytest.raises(NotAllowed):
        meetings.clerk_scan(w["reps"][0].user, w["meeting"],
                            member_code(w["reps"][0].user, now), now)


def test_staff_run_the_meeting_but_only_an_admin_schedules_it(world, make_user, tree):
    """The clerk at the door is a coordinator: they record attendance, enter paper ballots and
    count; the admin confirms. A coordinator cannot schedule; a resident cannot run it."""
    w = world(3)
    coordinator = make_user("coordinator", zone=tree.xinan)
    meetings.attend(coordinator, w["meeting"], w["reps"][0], method="proxy", note="委托王秀英出席")
    _attend(w, 3)
    item = meetings.open_vote(coordinator, w["item"])
    paper = meetings.enter_paper(coordinator, item, w["reps"][1], "yes")
    meetings.confirm_paper(w["clerk"], paper)
    db.session.commit()
    assert code_of(meetings.close_vote, w["reps"][2].user, item) == "forbidden"
    assert code_of(meetings.schedule, coordinator, w["body"], title="再开一次",
                   start_dt=utcnow() + timedelta(hours=2), place="党群服务中心",
                   topics=[item.topic]) == "forbidden"
    assert meetings.close_vote(coordinator, item).yes == 1


def test_members_are_also_texted_the_invitation_where_sms_is_configured(texts, world):
    w = world(3)
    phones = sorted(phone for phone, text in texts if "会议通知" in text)
    assert phones == sorted(member.user.phone for member in w["reps"])
