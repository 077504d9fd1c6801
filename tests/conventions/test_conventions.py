"""微公约: drafted, adopted, amended in versions; signed once per household per version, on a
phone or on paper; coverage by building."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.conventions import services
from portal.conventions.models import ConventionVersion, Household, Signature
from portal.errors import NotAllowed
from portal.extensions import db
from portal.zones.models import Zone
from tests.conftest import pg_only, run_concurrently
from tests.helpers import code_of

ITEMS = [{"kind": "do", "text": "垃圾分类投放，按时倒垃圾"},
         {"kind": "dont", "text": "在楼道堆放杂物、停放电动车"}]


def _home(make_user, tree, room, unit="1"):
    person = make_user(home=tree.xinan_building)
    services.join_household(person, tree.xinan_building, unit, room)
    return person


def test_one_signature_per_household(adopted, make_user, tree):
    wang, her_son = _home(make_user, tree, "302"), _home(make_user, tree, "302")
    signature, made = services.sign(wang, adopted)
    assert made and signature.user_id == wang.id
    again, made = services.sign(her_son, adopted)
    assert not made and again.id == signature.id
    db.session.commit()
    assert db.session.scalar(select(func.count(Signature.id))) == 1


def test_coverage_by_building(adopted, make_user, tree, admin):
    signer = _home(make_user, tree, "101")
    _home(make_user, tree, "102")
    _home(make_user, tree, "103")
    services.sign(signer, adopted)
    paper_home = services.household_of(_home(make_user, tree, "104"))
    services.record_paper(admin, adopted, paper_home, photo="sheet.jpg")
    db.session.commit()
    [(building, signed, known)] = services.coverage(adopted)
    assert (building.id, signed, known) == (tree.xinan_building.id, 2, 4)


def test_amending_makes_a_new_version_and_old_signatures_stay(adopted, admin, make_user, tree):
    person = _home(make_user, tree, "201")
    services.sign(person, adopted)
    new = services.amend(admin, adopted.convention, preamble="修订", items=ITEMS[:1])
    db.session.commit()
    assert new.number == 2 and services.current(adopted.convention).id == adopted.id
    assert code_of(services.sign, person, new) == "not_current"  # not adopted yet
    services.adopt(admin, new, on=date(2026, 12, 1), minutes="居民代表会议表决通过。")
    db.session.commit()
    assert code_of(services.sign, person, adopted) == "not_current"
    assert services.sign(person, new)[1]
    assert db.session.scalar(select(func.count(Signature.id))) == 2  # one per version


def test_signing_needs_a_household_in_the_conventions_zone(adopted, make_user, tree):
    assert code_of(services.sign, make_user(), adopted) == "no_household"
    outsider = make_user(home=tree.dongmei_building)
    services.join_household(outsider, tree.dongmei_building, "", "801")
    assert code_of(services.sign, outsider, adopted) == "other_zone"


def test_a_draft_is_not_signed(admin, make_user, tree):
    draft = services.create(admin, tree.xinan, title="楼栋公约", preamble="", items=ITEMS)
    db.session.commit()
    assert code_of(services.sign, _home(make_user, tree, "301"), draft.versions[0]) == \
        "not_current"


def test_adoption_needs_minutes_or_a_passed_vote(admin, tree):
    convention = services.create(admin, tree.xinan, title="楼栋公约", preamble="", items=ITEMS)
    assert code_of(services.adopt, admin, convention.versions[0], on=date(2026, 11, 1)) == \
        "needs_minutes"


@pytest.mark.parametrize("items, code", [
    ([], "bad_items"), ([{"kind": "maybe", "text": "文明养犬"}], "bad_item"),
    ([{"kind": "do", "text": "x"}], "bad_item"), ([{"kind": "do", "text": "文" * 201}],
                                                  "bad_item"),
    ([{"kind": "do", "text": "文明养犬"}] * 81, "bad_items"),
])
def test_bad_items_are_refused(admin, tree, items, code):
    assert code_of(services.create, admin, tree.xinan, title="楼栋公约", preamble="",
                   items=items) == code


def test_only_the_admin_drafts_and_staff_record_paper(adopted, make_user, tree):
    with pytest.raises(NotAllowed):
        services.create(make_user("coordinator", zone=tree.xinan), tree.xinan, title="楼栋公约",
                        preamble="", items=ITEMS)
    home = services.household_of(_home(make_user, tree, "501"))
    with pytest.raises(NotAllowed):
        services.record_paper(make_user(), adopted, home, photo="sheet.jpg")
    assert code_of(services.record_paper, make_user("coordinator", zone=tree.xinan), adopted,
                   home, photo="") == "needs_photo"


@pytest.mark.parametrize("unit, room", [("1", ""), ("1" * 11, "302"), ("1", "3" * 11)])
def test_bad_households_are_refused(make_user, tree, unit, room):
    assert code_of(services.join_household, make_user(), tree.xinan_building, unit, room) == \
        "bad_household"


@pg_only
def test_two_members_of_a_household_signing_at_once_make_one_signature(app, adopted,
                                                                       make_user, tree):
    people = [_home(make_user, tree, "602").id for _ in range(10)]
    db.session.commit()
    version_id = adopted.id
    results = run_concurrently(app, 10, lambda i: services.sign(
        db.session.get(User, people[i]), db.session.get(ConventionVersion, version_id))[1])
    assert results.count(True) == 1 and results.count(False) == 9, results
    assert db.session.scalar(select(func.count(Signature.id))) == 1


@pg_only
def test_neighbours_of_one_room_joining_at_once_share_one_household(app, make_user, tree):
    people = [make_user().id for _ in range(10)]
    building_id = tree.xinan_building.id
    results = run_concurrently(app, 10, lambda i: services.join_household(
        db.session.get(User, people[i]), db.session.get(Zone, building_id), "2", "1101").id)
    assert len(set(results)) == 1, results
    assert db.session.scalar(select(func.count(Household.id))) == 1
