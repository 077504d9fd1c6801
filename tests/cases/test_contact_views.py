"""The 社区工作日 pages and the door-visit page, through the test client."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.cases import services
from portal.cases.contact_models import DoorVisit, ReceptionBooking, ReceptionSlot
from portal.cases.models import Case
from portal.clock import local_today
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import once


@pytest.fixture
def slot(admin, tree):
    start = utcnow() + timedelta(days=3)
    made = services.save_slot(admin, None, community=tree.xinan, start_dt=start,
                              end_dt=start + timedelta(hours=2), place="党群服务中心一楼",
                              hosts="书记 张丽、网格长 陈志强", capacity=1)
    db.session.commit()
    return made


def test_a_resident_books_and_cancels(client, auth, slot, resident, make_user):
    auth.login(resident)
    page = client.get("/cases/reception").get_data(as_text=True)
    assert "党群服务中心一楼" in page and "还剩 1 个" in page
    response = client.post(f"/cases/reception/{slot.id}/book", data={"topic": "楼道灯坏了"},
                           follow_redirects=True)
    assert "预约成功" in response.get_data(as_text=True)
    booking = db.session.scalar(select(ReceptionBooking))
    assert booking.topic == "楼道灯坏了"
    auth.logout()
    auth.login(make_user())
    full = client.post(f"/cases/reception/{slot.id}/book", follow_redirects=True)
    assert "约满" in full.get_data(as_text=True)
    auth.logout()
    auth.login(resident)
    response = client.post(f"/cases/reception/bookings/{booking.id}/cancel",
                           follow_redirects=True)
    assert "已取消预约" in response.get_data(as_text=True)


def test_nobody_cancels_someone_elses_booking(client, auth, slot, resident, make_user):
    booking = services.book(resident, slot)
    db.session.commit()
    auth.login(make_user())
    response = client.post(f"/cases/reception/bookings/{booking.id}/cancel")
    assert response.status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(ReceptionBooking, booking.id).status == "booked"


def test_an_admin_publishes_a_slot(client, auth, admin):
    auth.login(admin)
    day = (local_today(utcnow()) + timedelta(days=5)).isoformat()
    response = client.post("/staff/cases/reception", data={
        "day": day, "start": "09:00", "end": "11:30", "place": "党群服务中心",
        "hosts": "书记 张丽", "capacity": "8"}, follow_redirects=True)
    assert "接待时间已发布" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ReceptionSlot.id))) == 1


@pytest.mark.parametrize("data", [
    {"start": "11:30", "end": "09:00"}, {"capacity": "9999999999"}, {"day": "9999-99-99"},
    {"place": "x" * 61},
])
def test_bad_slots_change_nothing(client, auth, admin, data):
    auth.login(admin)
    day = (local_today(utcnow()) + timedelta(days=5)).isoformat()
    fields = {"day": day, "start": "09:00", "end": "11:30", "place": "党群服务中心",
              "hosts": "书记 张丽", "capacity": "8", **data}
    response = client.post("/staff/cases/reception", data=fields)
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(ReceptionSlot.id))) == 0


def test_a_coordinator_logs_a_reception_and_is_one_tap_from_a_matter(client, auth, slot,
                                                                     resident, gridworker):
    booking = services.book(resident, slot, "楼顶漏水")
    db.session.commit()
    auth.login(gridworker)  # a grid worker sees the receptions of their community
    assert "党群服务中心一楼" in client.get("/staff/cases/reception").get_data(as_text=True)
    page = client.get(f"/staff/cases/reception/{slot.id}").get_data(as_text=True)
    assert resident.name in page and "登记事项" in page
    assert f"booking={booking.id}" in page
    assert "取消接待并通知居民" not in page  # only the admin cancels
    response = client.post(f"/staff/cases/reception/bookings/{booking.id}/receive",
                           data={"note": "王阿姨反映楼顶漏水。"}, follow_redirects=True)
    assert "接待情况已登记" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ReceptionBooking, booking.id).status == "received"


def test_another_communitys_staff_cannot_open_the_slot(client, auth, slot, make_user, tree):
    auth.login(make_user("coordinator", zone=tree.dongmei))
    assert client.get(f"/staff/cases/reception/{slot.id}").status_code == 403
    assert "党群服务中心一楼" not in client.get("/staff/cases/reception").get_data(as_text=True)


def test_a_grid_worker_logs_a_visit(client, auth, gridworker, tree):
    auth.login(gridworker)
    page = client.get("/staff/cases/visits").get_data(as_text=True)
    assert "记录一次走访" in page
    response = client.post("/staff/cases/visits", data={
        "zone": str(tree.xinan_building.id), "household": "1栋 302",
        "visited_on": local_today(utcnow()).isoformat(), "note": "独居老人，水管老化。"},
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "走访已记录" in html and "水管老化" in html and "source=visit" in html
    assert db.session.scalar(select(func.count(DoorVisit.id))) == 1


def test_a_visit_outside_the_grid_changes_nothing(client, auth, gridworker, tree):
    auth.login(gridworker)
    response = client.post("/staff/cases/visits", data={
        "zone": str(tree.dongmei_building.id), "visited_on": local_today(utcnow()).isoformat(),
        "note": "走错了"})
    assert response.status_code in (200, 403)
    assert db.session.scalar(select(func.count(DoorVisit.id))) == 0


def test_the_visit_page_has_a_flat_query_count(client, auth, gridworker, tree, count_queries):
    auth.login(gridworker)

    def add(n):
        for i in range(n):
            services.log_visit(gridworker, zone=tree.xinan_building, household=f"{i}",
                               visited_on=local_today(utcnow()), note="走访记录")
        db.session.commit()

    counts = []
    for n in (2, 15):
        add(n)
        with count_queries() as counter:
            assert client.get("/staff/cases/visits").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_the_matter_link_of_a_booking_fills_the_form_and_names_the_booking(
        client, auth, slot, resident, gridworker, categories):
    booking = services.book(resident, slot, "楼顶漏水")
    db.session.commit()
    auth.login(gridworker)
    page = client.get(f"/staff/cases/new?source=reception&booking={booking.id}")
    html = page.get_data(as_text=True)
    assert f'value="{resident.phone}"' in html and '<option selected value="reception">' in html
    response = client.post("/staff/cases/new", data={
        **once(), "phone": resident.phone, "source": "reception", "booking": str(booking.id),
        "category": str(categories["房屋漏水"].id), "zone": "0", "title": "楼顶漏水"})
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert case.booking_id == booking.id and case.source == "reception"


def test_the_matter_link_of_a_visit_names_the_visit(client, auth, gridworker, resident, tree,
                                                    categories):
    visit = services.log_visit(gridworker, zone=tree.xinan_building, household="1栋 302",
                               visited_on=local_today(utcnow()), note="水管老化")
    db.session.commit()
    auth.login(gridworker)
    html = client.get(f"/staff/cases/new?source=visit&visit={visit.id}").get_data(as_text=True)
    assert f'name="visit" type="hidden" value="{visit.id}"' in html
    response = client.post("/staff/cases/new", data={
        **once(), "phone": resident.phone, "source": "visit", "visit": str(visit.id),
        "category": str(categories["助老助残"].id), "zone": "0", "title": "更换老化水管"})
    assert response.status_code == 302
    assert db.session.scalar(select(Case)).visit_id == visit.id


def test_a_forged_booking_on_the_form_is_refused(client, auth, slot, resident, gridworker,
                                                 make_user, categories):
    someone = make_user()
    booking = services.book(someone, slot)
    db.session.commit()
    auth.login(gridworker)
    response = client.post("/staff/cases/new", data={
        **once(), "phone": resident.phone, "source": "reception", "booking": str(booking.id),
        "category": str(categories["房屋漏水"].id), "zone": "0", "title": "楼顶漏水"})
    assert response.status_code == 200 and "这条预约不是这位居民的" in response.get_data(
        as_text=True)
    assert db.session.scalar(select(func.count(Case.id))) == 0
