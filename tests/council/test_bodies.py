"""A community's bodies and their representatives."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.council import services
from portal.council.models import Body, BodyMember
from portal.errors import NotAllowed
from portal.extensions import db
from tests.helpers import code_of

START = date(2026, 1, 1)


@pytest.fixture
def admin(make_user, tree):
    return make_user("admin", zone=tree.xinan, name="张丽")


@pytest.fixture
def body(admin, tree):
    services.seed_bodies(tree.xinan)
    db.session.commit()
    return db.session.scalar(select(Body).where(Body.name == "居民代表会议"))


def test_a_community_starts_with_three_bodies_with_the_laws_rules(tree):
    assert services.seed_bodies(tree.xinan) == 3
    assert services.seed_bodies(tree.xinan) == 0
    body = db.session.scalar(select(Body).where(Body.name == "居民代表会议"))
    assert (body.quorum_rule, body.pass_rule, body.roll_call) == ("majority", "two_thirds",
                                                                  False)


def test_an_admin_adds_a_representative_and_renews_the_term(admin, body, make_user, tree):
    person = make_user(name="刘强")
    member = services.add_member(admin, body, person, zone=tree.xinan_building,
                                 term_start=START, term_end=START + timedelta(days=365))
    again = services.add_member(admin, body, person, zone=tree.xinan_grid, term_start=START)
    assert again.id == member.id and again.term_end is None
    assert db.session.scalar(select(func.count(BodyMember.id))) == 1
    assert [m.user_id for m in services.serving(body, START)] == [person.id]
    services.end_term(admin, member, START + timedelta(days=30))
    assert services.serving(body, START + timedelta(days=31)) == []


@pytest.mark.parametrize("change, code", [
    ({"zone": "dongmei"}, "bad_zone"), ({"zone": "street"}, "bad_zone"),
    ({"person": "dongmei"}, "not_resident"),
    ({"term_end": START - timedelta(days=1)}, "bad_term"),
    ({"term_end": START + timedelta(days=366 * 6)}, "bad_term"),
])
def test_bad_members_are_refused(admin, body, make_user, tree, change, code):
    person = make_user(home=tree.dongmei_building) if change.get("person") else make_user()
    zone = {"dongmei": tree.dongmei_building, "street": tree.street}.get(
        change.get("zone"), tree.xinan_building)
    assert code_of(services.add_member, admin, body, person, zone=zone, term_start=START,
                   term_end=change.get("term_end")) == code
    assert db.session.scalar(select(func.count(BodyMember.id))) == 0


def test_only_the_communitys_admin_keeps_its_bodies(body, make_user, tree):
    for outsider in (make_user("coordinator", zone=tree.xinan),
                     make_user("admin", zone=tree.dongmei)):
        with pytest.raises(NotAllowed):
            services.add_member(outsider, body, make_user(), zone=tree.xinan_building,
                                term_start=START)
        with pytest.raises(NotAllowed):
            services.save_body(outsider, None, community=tree.xinan, name="楼组长会议")


@pytest.mark.parametrize("fields, code", [
    ({"name": "会"}, "bad_name"), ({"name": "居民议事会"}, "name_taken"),
    ({"pass_rule": "unanimous"}, "bad_rule"), ({"quorum_rule": "third"}, "bad_rule"),
])
def test_bad_bodies_are_refused(admin, body, tree, fields, code):
    values = {"community": tree.xinan, "name": "楼组长会议", **fields}
    assert code_of(services.save_body, admin, None, **values) == code


def test_a_simple_majority_body(admin, tree):
    made = services.save_body(admin, None, community=tree.xinan, name="楼组长会议",
                              pass_rule="majority", roll_call=True)
    assert (made.pass_rule, made.roll_call) == ("majority", True)
