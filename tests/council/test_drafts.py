"""定内容: comments by paragraph during the comment period; every draft version kept, with the
changes shown."""

from datetime import timedelta

import pytest

from portal.council import drafts, topics
from portal.errors import NotAllowed
from portal.extensions import db
from portal.types import utcnow
from tests.helpers import code_of

PROPOSAL = ("周六 6:00–12:00 在桥头市场东侧划临时停车区。\n安排志愿者疏导交通。\n"
            "违停先劝导，不罚款。")


@pytest.fixture
def accepted(make_user, tree):
    staff, branch = make_user("admin", zone=tree.xinan), make_user("admin", zone=tree.xinan)
    topic = topics.raise_directly(staff, tree.xinan, source="staff", title="桥头市场周六停车",
                                  problem="电动车乱停。", proposal=PROPOSAL)
    topics.review(branch, topic, "accept")
    db.session.commit()
    return topic, branch


def test_comments_by_paragraph_within_the_period(accepted, make_user, tree):
    topic, branch = accepted
    draft = drafts.open_comment(branch, topic, 7)
    assert draft.number == 1 and len(draft.paragraphs()) == 3
    resident = make_user()
    made = drafts.comment(resident, draft, 1, "建议志愿者穿反光背心。")
    assert made.paragraph == 1
    assert code_of(drafts.comment, resident, draft, 3, "第四段？") == "bad_paragraph"
    assert code_of(drafts.comment, resident, draft, "1", "字符串段号") == "bad_paragraph"
    assert code_of(drafts.comment, make_user(home=tree.dongmei_building), draft, 0,
                   "外社区") == "other_community"
    assert code_of(drafts.comment, resident, draft, 0, "过期了",
                   now=utcnow() + timedelta(days=8)) == "comment_closed"


def test_a_revision_keeps_the_old_version_and_shows_the_changes(accepted, make_user):
    topic, branch = accepted
    first = drafts.open_comment(branch, topic, 7)
    second = drafts.revise(branch, topic, PROPOSAL.replace("不罚款", "不罚款，不扣积分")
                           + "\n每月在居民群通报一次。")
    db.session.commit()
    assert (first.number, second.number) == (1, 2)
    assert drafts.changes(first, second) == [
        ("same", "周六 6:00–12:00 在桥头市场东侧划临时停车区。"), ("same", "安排志愿者疏导交通。"),
        ("removed", "违停先劝导，不罚款。"), ("added", "违停先劝导，不罚款，不扣积分。"),
        ("added", "每月在居民群通报一次。")]
    assert code_of(drafts.comment, make_user(), first, 0, "对旧版提意见") == "old_draft"


def test_only_an_accepted_topic_and_only_the_branch(make_user, tree, accepted):
    topic, branch = accepted
    with pytest.raises(NotAllowed):
        drafts.open_comment(make_user("coordinator", zone=tree.xinan), topic, 7)
    assert code_of(drafts.open_comment, branch, topic, 0) == "bad_days"
    waiting = topics.propose(make_user(), title="加装电梯", problem="老楼没有电梯。")
    assert code_of(drafts.open_comment, branch, waiting, 7) == "not_accepted"
