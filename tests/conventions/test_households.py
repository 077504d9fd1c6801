"""Households are self-declared: a resident sets theirs once and only staff clear it; the
optional signing credit is once per household and once per person per convention; the
household page shows a count of members, never names (review 20, M4)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.conventions import services
from portal.conventions.models import HouseholdMember
from portal.errors import NotAllowed
from portal.extensions import db
from portal.points.models import LedgerEntry, PointsRule
from portal.points.rules import seed_default_rules
from tests.conftest import once
from tests.helpers import code_of

ITEMS = [{"kind": "do", "text": "垃圾分类投放，按时倒垃圾"}]


@pytest.fixture
def adopted(admin, tree):
    convention = services.create(admin, tree.xinan, title="居民公约", preamble="", items=ITEMS)
    version = convention.versions[0]
    services.adopt(admin, version, on=date(2026, 11, 20), minutes="居民会议通过。")
    db.session.commit()
    return version


def _rule_on():
    seed_default_rules()
    db.session.scalar(select(PointsRule).where(PointsRule.code == "convention_signed")) \
        .is_active = True


def test_a_resident_sets_the_household_once(make_user, tree):
    person = make_user(home=tree.xinan_building)
    first = services.join_household(person, tree.xinan_building, "1", "101")
    db.session.commit()
    assert services.join_household(person, tree.xinan_building, "1", "101").id == first.id
    assert code_of(services.join_household, person, tree.xinan_building, "1", "102") == \
        "household_set"
    assert services.household_of(person).room == "101"


def test_hopping_households_earns_one_credit(make_user, tree, adopted, admin):
    """One resident moved through four rooms (staff clearing each time) and signed in each:
    four households signed, one credit."""
    _rule_on()
    coordinator = make_user("coordinator", zone=tree.xinan)
    hopper = make_user(home=tree.xinan_building)
    for room in ("101", "102", "103", "104"):
        services.join_household(hopper, tree.xinan_building, "1", room)
        assert services.sign(hopper, adopted)[1]
        services.clear_household(coordinator, hopper)
        db.session.commit()
    entries = db.session.scalars(select(LedgerEntry)).all()
    assert [(e.amount_tenths, e.account.user_id) for e in entries] == [(10, hopper.id)]
    # another resident of one of those rooms is not credited either: the household was
    neighbour = make_user(home=tree.xinan_building)
    services.join_household(neighbour, tree.xinan_building, "1", "105")
    assert services.sign(neighbour, adopted)[1]
    db.session.commit()
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 2  # a new household, a
    # new person: credited


def test_staff_clear_a_household_in_scope_audited(make_user, tree):
    person = make_user(home=tree.xinan_building)
    services.join_household(person, tree.xinan_building, "", "302")
    db.session.commit()
    for outsider in (make_user("coordinator", zone=tree.dongmei), make_user()):
        with pytest.raises(NotAllowed):
            services.clear_household(outsider, person)
        db.session.rollback()
    coordinator = make_user("coordinator", zone=tree.xinan_grid)
    services.clear_household(coordinator, person)
    db.session.commit()
    assert services.household_of(person) is None
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "convention.household_clear"))
    assert event.actor_id == coordinator.id and event.subject_id == person.id
    assert "302" in event.summary
    assert code_of(services.clear_household, coordinator, person) == "no_household"
    assert code_of(services.clear_household, coordinator, None) == "no_resident"
    with pytest.raises(NotAllowed):  # another community's staff learn nothing either way
        services.clear_household(make_user("coordinator", zone=tree.dongmei), person)
    db.session.rollback()
    services.join_household(person, tree.xinan_building, "", "402")  # set again
    assert services.household_of(person).room == "402"


def test_staff_cannot_clear_their_own_household(make_user, tree):
    coordinator = make_user("coordinator", zone=tree.xinan, home=tree.xinan_building)
    services.join_household(coordinator, tree.xinan_building, "1", "301")
    db.session.commit()
    assert code_of(services.clear_household, coordinator, coordinator) == "self_dealing"
    assert db.session.scalar(select(func.count(HouseholdMember.id))) == 1


# ------------------------------------------------------------------ pages


def test_household_page_shows_the_set_household_read_only(client, auth, make_user, tree):
    other = make_user(home=tree.xinan_building, name="王秀英")
    me = make_user(home=tree.xinan_building, name="李建国")
    services.join_household(other, tree.xinan_building, "1", "302")
    services.join_household(me, tree.xinan_building, "1", "302")
    db.session.commit()
    auth.login(me)
    page = client.get("/conventions/household").get_data(as_text=True)
    assert "本户已登记 2 人" in page and "门牌已登记，如需更改请联系社区工作人员" in page
    assert "王**" not in page and "王秀英" not in page and 'data-testid="household-form"' \
        not in page
    response = client.post("/conventions/household", data={
        "building": tree.xinan_building.id, "unit": "1", "room": "303", **once()},
        follow_redirects=True)
    assert "门牌已登记，如需更改请联系社区工作人员" in response.get_data(as_text=True)
    assert services.household_of(me).room == "302"


def test_staff_page_clears_a_household_by_phone(client, auth, make_user, tree):
    person = make_user(home=tree.xinan_building)
    services.join_household(person, tree.xinan_building, "1", "302")
    coordinator = make_user("coordinator", zone=tree.xinan)
    db.session.commit()
    auth.login(coordinator)
    assert "清除居民门牌" in client.get("/staff/conventions/households").get_data(as_text=True)
    response = client.post("/staff/conventions/households",
                           data={"phone": "12345678901", **once()})
    assert "没有找到这个手机号的居民" in response.get_data(as_text=True)
    response = client.post("/staff/conventions/households",
                           data={"phone": f"+86 {person.phone}", **once()},
                           follow_redirects=True)
    assert "已清除这位居民的门牌（原为新安小区1栋1单元302室）" in response.get_data(as_text=True)
    assert services.household_of(person) is None
    auth.logout()
    auth.login(make_user("coordinator", zone=tree.dongmei))
    services.join_household(person, tree.xinan_building, "1", "302")
    db.session.commit()
    response = client.post("/staff/conventions/households",
                           data={"phone": person.phone, **once()})
    assert response.status_code == 403 and services.household_of(person) is not None
