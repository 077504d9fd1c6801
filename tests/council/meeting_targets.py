"""Rows the route tables' URLs point at, in one community: a body with three members, a
meeting whose first item's vote is closed (its topic has a public outcome) and whose second is
open with a paper ballot waiting for a second staff member. Used by tests/test_access.py's
_targets."""

from datetime import timedelta

from portal.council import meetings, services, topics
from portal.extensions import db
from portal.types import utcnow


def meeting_targets(make_user, community, grid, building, resident) -> dict:
    clerk = make_user("admin", zone=community, home=building)
    branch = make_user("admin", zone=community, home=building)
    body = services.save_body(clerk, None, community=community, name="楼栋议事会")
    today = utcnow().date()
    members = [services.add_member(clerk, body, make_user(home=building), zone=building,
                                   term_start=today - timedelta(days=30)) for _ in range(3)]
    decided, voting = (topics.raise_directly(clerk, community, source="staff", title=title,
                                             problem="居民反映的问题。")
                       for title in ("桥头市场周六停车", "楼道堆物清理"))
    for topic in (decided, voting):
        topics.review(branch, topic, "accept")
    meeting = meetings.schedule(clerk, body, title="居民议事会例会",
                                start_dt=utcnow() + timedelta(minutes=30), place="党群服务中心",
                                topics=[decided, voting])
    closed, open_item = meeting.items
    for member in members[:2]:
        meetings.attend(member.user, meeting, member)
    meetings.open_vote(clerk, closed)
    meetings.cast(members[0].user, closed, "yes")
    meetings.close_vote(clerk, closed)
    meetings.open_vote(clerk, open_item)
    ballot = meetings.enter_paper(clerk, open_item, members[1], "yes")
    db.session.flush()
    return {"body_id": body.id, "council_member_id": members[2].id, "meeting_id": meeting.id,
            "item_id": open_item.id, "closed_item_id": closed.id, "vote_id": ballot.id,
            "decided_topic_id": decided.id}
