"""The demo 微议事 and 微公约 of 新安路社区: what the issue's "done when" names is there after
`seed-demo`, and a second run adds nothing."""

from sqlalchemy import func, select

from portal.conventions import services as conventions
from portal.conventions.models import Convention, Signature
from portal.conventions.persuasion_models import Persuasion
from portal.council import services
from portal.council.meeting_models import AgendaItem, TopicProgress, Vote, VoteLog
from portal.council.models import Body
from portal.council.topic_models import Topic, TopicComment
from portal.demo import seed_demo
from portal.demo.lookup import zone
from portal.extensions import db
from portal.types import utcnow


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_the_demo_council_and_convention(app):
    seed_demo()
    db.session.commit()
    community = zone("DC-XA")
    body = db.session.scalar(select(Body).where(Body.community_id == community.id,
                                                Body.name == "居民代表会议"))
    assert len(services.serving(body, utcnow().date())) == 25
    parking = db.session.scalar(select(AgendaItem).join(Topic).where(
        Topic.title == "桥头市场周六早市临时停车"))
    assert parking.vote == "closed" and parking.passed
    assert (parking.members, parking.present, parking.yes, parking.no, parking.abstain) == \
        (25, 21, 17, 2, 2)
    assert db.session.scalar(select(func.count(Vote.id)).where(
        Vote.item_id == parking.id, Vote.paper.is_(True), Vote.confirmed_by_id.is_not(None))) == 1
    in_comment = db.session.scalar(select(Topic).where(Topic.comment_until_dt > utcnow()))
    assert in_comment is not None and db.session.scalar(select(func.count(TopicComment.id)))

    convention = db.session.scalar(select(Convention).where(
        Convention.zone_id == community.id))
    version = conventions.current(convention)
    kinds = [item["kind"] for item in version.items]
    assert (kinds.count("do"), kinds.count("dont")) == (24, 27)
    assert version.agenda_item_id is not None  # adopted by the representatives' vote
    coverage = conventions.coverage(version)
    assert len(coverage) == 5 and all(0 < signed <= known for _b, signed, known in coverage)
    assert any(signed < known for _b, signed, known in coverage)
    assert db.session.scalar(select(func.count(Signature.id)).where(Signature.paper.is_(True)))

    assert _count(Persuasion) == 5 and _count(TopicProgress) == 1
    models = (Topic, Vote, VoteLog, Signature, Convention, Persuasion, TopicProgress)
    before = tuple(_count(m) for m in models)
    seed_demo()
    db.session.commit()
    assert tuple(_count(m) for m in models) == before
