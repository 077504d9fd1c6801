"""The topic services the pages added: photos on a proposal, and a 商办 matter turned into a
topic (only on that track, once, by community staff)."""

import pytest
from sqlalchemy import select

from portal.cases import services as cases
from portal.cases.models import CaseCategory
from portal.council import topics
from portal.errors import NotAllowed
from portal.extensions import db
from tests.helpers import code_of


def _matter(make_user, tree, track):
    cases.seed_categories(tree.xinan)
    category = db.session.scalar(select(CaseCategory).where(
        CaseCategory.community_id == tree.xinan.id, CaseCategory.track == track).limit(1))
    resident = make_user()
    case = cases.file_case(resident, resident, category=category, zone=tree.xinan_building,
                           title="桥头市场周六乱停车")
    db.session.commit()
    return case


def test_a_proposal_keeps_up_to_three_photos(make_user):
    topic = topics.propose(make_user(), title="楼道堆物", problem="有火灾隐患。",
                           photos=["a.jpg", "b.jpg", "c.jpg"])
    assert topic.photos == ["a.jpg", "b.jpg", "c.jpg"]
    assert code_of(topics.propose, make_user(), title="楼道堆物", problem="有火灾隐患。",
                   photos=["a.jpg"] * 4) == "too_many_photos"


def test_a_joint_matter_becomes_a_topic_in_review(make_user, tree):
    case = _matter(make_user, tree, "joint")
    staff = make_user("coordinator", zone=tree.xinan)
    topic = topics.from_case(staff, case)
    assert (topic.source, topic.case_id, topic.status, topic.community_id) == (
        "case", case.id, "review", tree.xinan.id)
    assert topic.problem == "桥头市场周六乱停车"  # no details: the title says it
    assert topic.review_due_dt is not None
    assert code_of(topics.from_case, staff, case) == "already_topic"


def test_only_joint_matters_and_only_community_staff(make_user, tree):
    timed = _matter(make_user, tree, "timed")
    assert code_of(topics.from_case, make_user("admin", zone=tree.xinan), timed) == "not_joint"
    joint = _matter(make_user, tree, "joint")
    for outsider in (make_user(), make_user("clerk", zone=tree.xinan),
                     make_user("admin", zone=tree.dongmei),
                     make_user("coordinator", zone=tree.xinan_grid)):
        with pytest.raises(NotAllowed):
            topics.from_case(outsider, joint)
