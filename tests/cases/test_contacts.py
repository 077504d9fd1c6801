"""社区工作日 receptions (published slots, booked with capacity, logged by staff) and grid
workers' door visits; a matter raised at either names it."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cases import services
from portal.cases.contact_models import ReceptionBooking, ReceptionSlot
from portal.clock import local_today
from portal.errors import NotAllowed
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import pg_only, run_concurrently
from tests.helpers import code_of, messages


def TODAY():  # noqa: N802 - reads like the constant it stands for
    return local_today(utcnow())


@pytest.fixture
def slot(admin, tree):
    start = utcnow() + timedelta(days=3)
    made = services.save_slot(admin, None, community=tree.xinan, start_dt=start,
                              end_dt=start + timedelta(hours=2, minutes=30),
                              place="党群服务中心一楼", hosts="书记 张丽、网格长 陈志强",
                              capacity=2)
    db.session.commit()
    return made


def test_publishing_a_slot_needs_the_community_admin(gridworker, make_user, tree):
    start = utcnow() + timedelta(days=1)
    fields = dict(community=tree.xinan, start_dt=start, end_dt=start + timedelta(hours=2),
                  place="党群服务中心", hosts="书记 张丽", capacity=5)
    with pytest.raises(NotAllowed):
        services.save_slot(gridworker, None, **fields)
    dongmei_admin = make_user("admin", zone=tree.dongmei)
    with pytest.raises(NotAllowed):
        services.save_slot(dongmei_admin, None, **fields)


@pytest.mark.parametrize("change, code", [
    ({"capacity": 0}, "bad_capacity"), ({"capacity": 201}, "bad_capacity"),
    ({"place": "x"}, "bad_text"), ({"hosts": ""}, "bad_text"),
    ({"end_shift": timedelta(hours=-1)}, "bad_time"), ({"end_shift": timedelta(hours=13)},
                                                       "bad_time"),
])
def test_bad_slots_are_refused(admin, tree, change, code):
    start = utcnow() + timedelta(days=1)
    fields = dict(community=tree.xinan, start_dt=start, end_dt=start + timedelta(hours=2),
                  place="党群服务中心", hosts="书记 张丽", capacity=5)
    if "end_shift" in change:
        fields["end_dt"] = start + change.pop("end_shift")
    fields.update(change)
    assert code_of(services.save_slot, admin, None, **fields) == code
    assert db.session.scalar(select(func.count(ReceptionSlot.id))) == 0


def test_booking_counts_places_and_a_second_booking_is_the_same(slot, resident, make_user):
    first = services.book(resident, slot, "想反映楼道灯坏了")
    assert services.book(resident, slot) is first
    services.book(make_user(), slot)
    db.session.commit()
    assert code_of(services.book, make_user(), slot) == "full"
    services.cancel_booking(resident, first)
    db.session.commit()
    services.book(make_user(), slot)  # the freed place
    db.session.commit()
    assert services.places_taken(slot.id) == 2


def test_only_residents_of_the_community_book(slot, make_user, tree):
    assert code_of(services.book, make_user(home=tree.dongmei_building), slot) == \
        "other_community"


def test_a_cancelled_slot_tells_those_booked(slot, resident, admin):
    services.book(resident, slot)
    assert services.cancel_slot(admin, slot, "书记临时去区里开会") == 1
    db.session.commit()
    assert "开会" in messages(resident, "reception.cancelled")[0].body
    assert code_of(services.book, resident, slot) == "closed"


def test_a_reception_is_logged_and_its_matter_names_it(slot, resident, admin, gridworker,
                                                       categories):
    booking = services.book(resident, slot, "楼顶漏水")
    services.receive(gridworker, booking, "王阿姨反映楼顶漏水，已登记事项。")
    case = services.file_case(gridworker, resident, category=categories["房屋漏水"],
                              zone=resident.home_zone, title="楼顶漏水", source="reception",
                              booking=booking)
    db.session.commit()
    assert booking.status == "received" and case.booking_id == booking.id
    other = services.book(gridworker, slot)
    db.session.commit()
    assert code_of(services.receive, gridworker, other, "自己接待自己") == "self_dealing"


def test_a_door_visit_and_its_matter(gridworker, resident, categories, tree, make_user):
    visit = services.log_visit(gridworker, zone=tree.xinan_building, household="1栋 302",
                               visited_on=TODAY(), note="独居老人，家中水管老化。")
    case = services.file_case(gridworker, resident, category=categories["助老助残"],
                              zone=tree.xinan_building, title="更换老化水管",
                              source="visit", visit=visit)
    db.session.commit()
    assert case.visit_id == visit.id
    colleague = make_user("coordinator", zone=tree.xinan)
    assert code_of(services.file_case, colleague, resident, category=categories["助老助残"],
                   zone=tree.xinan_building, title="更换老化水管", source="visit",
                   visit=visit) == "bad_visit"


@pytest.mark.parametrize("fields, code", [
    ({"visited_on": 1}, "bad_date"),
    ({"visited_on": -31}, "bad_date"),
    ({"note": "x"}, "bad_text"),
    ({"household": "楼" * 41}, "bad_text"),
])
def test_bad_visits_are_refused(gridworker, tree, fields, code):
    values = dict(zone=tree.xinan_building, household="1栋 302", visited_on=TODAY(),
                  note="独居老人，家中水管老化。")
    values.update(fields)
    if "visited_on" in fields:  # days from today
        values["visited_on"] = TODAY() + timedelta(days=fields["visited_on"])
    assert code_of(services.log_visit, gridworker, **values) == code


def test_a_visit_outside_the_workers_grid_is_refused(gridworker, tree):
    with pytest.raises(NotAllowed):
        services.log_visit(gridworker, zone=tree.dongmei_building, household="",
                           visited_on=TODAY(), note="走错了网格")


@pytest.mark.parametrize("kind", ["new_rows", "rebooking"])
@pg_only
def test_20_residents_for_the_last_place_get_one(app, slot, make_user, kind):
    people = [make_user().id for _ in range(20)]
    if kind == "rebooking":  # each booked and cancelled before: their rows are reused
        for user_id in people:
            person = db.session.get(User, user_id)
            services.cancel_booking(person, services.book(person, slot))
    services.book(make_user(), slot)
    db.session.commit()
    slot_id = slot.id
    results = run_concurrently(app, 20, lambda i: services.book(
        db.session.get(User, people[i]), db.session.get(ReceptionSlot, slot_id)).status)
    assert results.count("booked") == 1 and results.count("full") == 19, results
    assert services.places_taken(slot_id) == 2
    assert db.session.scalar(select(func.count(ReceptionBooking.id)).where(
        ReceptionBooking.status == "booked")) == 2
