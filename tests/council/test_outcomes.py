"""After the vote: the outcome stays on the public list for COUNCIL_PUBLISH_DAYS days, names
only for a roll-call body, and progress notes only on a decided topic, from its staff."""

from datetime import timedelta

import pytest

from portal.council import meetings, outcomes
from portal.errors import NotAllowed
from portal.extensions import db
from portal.types import utcnow
from tests.council.test_meeting_views import world  # noqa: F401  (the fixture)
from tests.helpers import code_of


def _decide(w, now):
    for member in w["reps"]:
        meetings.attend(member.user, w["meeting"], member)
    meetings.open_vote(w["clerk"], w["item"])
    meetings.cast(w["reps"][0].user, w["item"], "yes")
    meetings.close_vote(w["clerk"], w["item"], now=now)
    db.session.commit()


def test_an_outcome_is_published_for_the_configured_days(app, world):  # noqa: F811
    w = world(3)
    closed = utcnow() - timedelta(days=6)
    _decide(w, closed)
    community = w["body"].community_id
    assert [i.id for i in outcomes.published(community)] == [w["item"].id]
    assert outcomes.published(community, closed + timedelta(days=8)) == []
    app.config["COUNCIL_PUBLISH_DAYS"] = 30
    assert outcomes.published(None, closed + timedelta(days=8))
    assert outcomes.result_of(w["topic"].id).id == w["item"].id


@pytest.mark.parametrize("roll_call", [False, True])
def test_names_only_for_a_roll_call_body(world, roll_call):  # noqa: F811
    w = world(3, roll_call=roll_call)
    _decide(w, utcnow())
    names = outcomes.roll_call(w["item"])
    assert names == ([(w["reps"][0].user.name, "yes")] if roll_call else [])


def test_progress_only_on_a_decided_topic_by_its_staff(world, make_user, tree):  # noqa: F811
    w = world(3)
    assert code_of(outcomes.add_progress, w["clerk"], w["topic"], "划出停车区") == "not_decided"
    _decide(w, utcnow())
    assert code_of(outcomes.add_progress, w["clerk"], w["topic"], " x ") == "bad_text"
    with pytest.raises(NotAllowed):
        outcomes.add_progress(make_user("admin", zone=tree.dongmei), w["topic"], "划出停车区")
    db.session.rollback()
    outcomes.add_progress(w["clerk"], w["topic"], "市场东侧划出临时停车区")
    assert [n.text for n in outcomes.progress_of(w["topic"].id)] == ["市场东侧划出临时停车区"]
