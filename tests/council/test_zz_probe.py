"""TEMPORARY review probe (review20) -- delete after running."""
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.conventions import services as conv
from portal.council import meetings, services, topics
from portal.council.meeting_models import Vote
from portal.extensions import db
from portal.points.models import LedgerEntry, PointsRule
from portal.points.rules import seed_default_rules
from portal.types import utcnow
from tests.conftest import once


def _world(make_user, tree, n=3, roll_call=False):
    clerk = make_user("admin", zone=tree.xinan, name="张丽")
    second = make_user("admin", zone=tree.xinan, name="李红")
    body = services.save_body(clerk, None, community=tree.xinan, name="居民代表会议",
                              roll_call=roll_call)
    reps = [services.add_member(clerk, body, make_user(name=f"代表{i}"),
                                zone=tree.xinan_building, term_start=date(2026, 1, 1))
            for i in range(n)]
    topic = topics.raise_directly(clerk, tree.xinan, source="staff", title="桥头市场周六停车",
                                  problem="电动车乱停。")
    topics.review(second, topic, "accept")
    meeting = meetings.schedule(clerk, body, title="十二月居民代表会议",
                                start_dt=utcnow() + timedelta(hours=1), place="党群服务中心",
                                topics=[topic])
    db.session.commit()
    return clerk, second, body, reps, topic, meeting


def test_p1_end_term_after_attendance_makes_close_500(client, auth, make_user, tree):
    clerk, second, body, reps, topic, meeting = _world(make_user, tree, 3)
    for m in reps:
        meetings.attend(m.user, meeting, m)
    item = meeting.items[0]
    meetings.open_vote(clerk, item)
    db.session.commit()
    services.end_term(clerk, reps[0], date(2026, 1, 2))
    db.session.commit()
    auth.login(clerk)
    r = client.post(f"/staff/council/agenda/{item.id}/close")
    print("P1 close status", r.status_code)


def test_p2_roll_call_flag_after_close_leaks_names(client, auth, make_user, tree):
    clerk, second, body, reps, topic, meeting = _world(make_user, tree, 3, roll_call=False)
    for m in reps:
        meetings.attend(m.user, meeting, m)
    item = meeting.items[0]
    meetings.open_vote(clerk, item)
    for m in reps:
        meetings.cast(m.user, item, "no")
    meetings.close_vote(clerk, item)
    db.session.commit()
    before = client.get(f"/council/outcomes/{topic.id}").get_data(as_text=True)
    services.save_body(clerk, body, community=None, name=body.name, roll_call=True)
    db.session.commit()
    after = client.get(f"/council/outcomes/{topic.id}").get_data(as_text=True)
    print("P2 names before", "代表0" in before, "after", "代表0" in after)


def test_p3_pass_rule_changed_during_open_vote(make_user, tree):
    clerk, second, body, reps, topic, meeting = _world(make_user, tree, 5)
    for m in reps:
        meetings.attend(m.user, meeting, m)
    item = meeting.items[0]
    meetings.open_vote(clerk, item)
    for m, c in zip(reps, ["yes", "yes", "yes", "no", "no"]):
        meetings.cast(m.user, item, c)
    services.save_body(clerk, body, community=None, name=body.name, pass_rule="majority")
    closed = meetings.close_vote(clerk, item)
    print("P3 3/5 passed after mid-vote rule change:", closed.passed)


def test_p4_staff_member_proxies_self_and_confirms_own_ballot(make_user, tree):
    clerk, second, body, reps, topic, meeting = _world(make_user, tree, 3)
    # the second admin is also a representative
    seat = services.add_member(clerk, body, second, zone=tree.xinan_building,
                               term_start=date(2026, 1, 1))
    first = meetings.attend(second, meeting, seat, method="proxy", note="本人在外地出差")
    item = meeting.items[0]
    meetings.open_vote(clerk, item)
    v = meetings.cast(second, item, "yes")
    print("P4 self-proxy recorded:", first, "and then voted on phone:", v.choice)
    # clerk enters the second admin's paper ballot; second admin confirms own ballot
    vote = meetings.enter_paper(clerk, item, seat, "no")
    meetings.confirm_paper(second, vote)
    print("P4 confirmed own paper ballot by", vote.confirmed_by_id == second.id)


def test_p5_paper_overwrites_phone_vote(make_user, tree):
    clerk, second, body, reps, topic, meeting = _world(make_user, tree, 3)
    for m in reps:
        meetings.attend(m.user, meeting, m)
    item = meeting.items[0]
    meetings.open_vote(clerk, item)
    meetings.cast(reps[0].user, item, "yes")
    v = meetings.enter_paper(clerk, item, reps[0], "no")
    print("P5 phone yes overwritten by clerk paper:", v.choice)


def test_p6_topic_voted_again_after_pass(make_user, tree):
    clerk, second, body, reps, topic, meeting = _world(make_user, tree, 3)
    m2 = meetings.schedule(clerk, body, title="加开会议", start_dt=utcnow() + timedelta(hours=2),
                           place="党群服务中心", topics=[topic])
    print("P6 same accepted topic on a second meeting:", m2.items[0].topic_id == topic.id)


def test_p7_household_hopping_credits(make_user, tree):
    seed_default_rules()
    db.session.scalar(select(PointsRule).where(PointsRule.code == "convention_signed")) \
        .is_active = True
    admin = make_user("admin", zone=tree.xinan)
    c = conv.create(admin, tree.xinan, title="居民公约", preamble="",
                    items=[{"kind": "do", "text": "垃圾分类投放"}])
    v = c.versions[0]
    conv.adopt(admin, v, on=date(2026, 11, 20), minutes="居民会议通过。")
    me = make_user(home=tree.xinan_building)
    for room in ("101", "102", "103", "104"):
        conv.join_household(me, tree.xinan_building, "1", room)
        conv.sign(me, v)
    n = db.session.scalar(select(func.count(LedgerEntry.id)))
    print("P7 one resident, 4 households, credits:", n, "coverage:", conv.coverage(v))


def test_p8_revise_after_close(make_user, tree):
    from portal.council import drafts
    clerk, second, body, reps, topic, meeting = _world(make_user, tree, 3)
    drafts.open_comment(second, topic, 3)
    for m in reps:
        meetings.attend(m.user, meeting, m)
    item = meeting.items[0]
    meetings.open_vote(clerk, item)
    meetings.close_vote(clerk, item)
    d = drafts.revise(clerk, topic, "全新的草案文字")
    print("P8 revised after close to draft", d.number)
