"""Rows the route tables' URLs point at, in one community: a resident's topic collecting
backers, a topic raised by staff waiting on the branch, and an accepted topic whose draft is
open to comment. Used by tests/test_access.py's _targets."""

from portal.council import drafts, topics

PROPOSAL = "周六 6:00–12:00 在桥头市场东侧划临时停车区。\n安排志愿者疏导交通。"


def council_targets(make_user, community, grid, building, resident) -> dict:
    backing = topics.propose(resident, title="楼道堆物清理", problem="楼道里堆满杂物，有火灾隐患。")
    staff = make_user("admin", zone=community, home=building)
    branch = make_user("admin", zone=community, home=building)
    waiting = topics.raise_directly(staff, community, source="staff", title="加装电梯",
                                    problem="老楼没有电梯，老人上下楼难。")
    accepted = topics.raise_directly(staff, community, source="staff", title="桥头市场周六停车",
                                     problem="周六早市电动车乱停。", proposal=PROPOSAL)
    topics.review(branch, accepted, "accept")
    drafts.open_comment(branch, accepted, 7)
    return {"topic_id": backing.id, "review_topic_id": waiting.id,
            "draft_topic_id": accepted.id}
