"""Fixtures the export tests share: a small world of hours, points, sales, stock and wishes
in 新安路 (and some in 东梅, which a 新安路 admin must never get), made straight from the
models and the ledger's own services, and a reader for the downloaded workbook."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import openpyxl
import pytest

from portal.checkin.models import Attendance
from portal.extensions import db
from portal.points import hours, ledger
from portal.shifts.models import Activity, Shift, SignUp
from portal.shop.models import Good, Redemption, RedemptionLine, Shop, StockMovement
from portal.types import utcnow
from portal.wishes.models import Wish


@dataclass
class World:
    people: dict = field(default_factory=dict)
    shops: dict = field(default_factory=dict)
    places: dict = field(default_factory=dict)
    n: int = 0


def _shift(activity, zone, user, minutes, n):
    start = utcnow() - timedelta(hours=3)
    shift = Shift(activity=activity, zone_id=zone.id, place=f"{zone.name}门口", start_dt=start,
                  end_dt=start + timedelta(hours=2), capacity=5)
    db.session.add(shift)
    db.session.flush()
    signup = SignUp(shift_id=shift.id, user_id=user.id, status="confirmed", queue_seq=n)
    db.session.add(signup)
    db.session.flush()
    attendance = Attendance(signup_id=signup.id, shift_id=shift.id, user_id=user.id,
                            checkin_dt=start, checkout_dt=start + timedelta(minutes=minutes),
                            checkin_method="scan", credited_dt=utcnow())
    db.session.add(attendance)
    db.session.flush()
    return hours.credit_hours(user.id, minutes, source_type="attendance",
                              source_id=attendance.id)


def _done(claimer) -> dict:
    now = utcnow()
    return {"status": "confirmed", "claimer_id": claimer.id, "claimed_dt": now,
            "fulfilled_dt": now, "confirmed_dt": now, "rating": 5}


@dataclass
class Place:
    community: object
    grid: object
    building: object
    admin: object
    member: object
    activity: object
    shop: object
    good: object


def add_community(world: World, make_user, community, grid, building, *, tag: str, size: int):
    """A community's admin, party member, activity and shop, and `size` residents."""
    admin = make_user("admin", zone=community, home=building, name=f"{tag}管理员")
    member = make_user(home=building, party="verified", name=f"{tag}党员")
    activity = Activity(title=f"{tag}垃圾分类督导", zone_id=grid.id)
    shop = Shop(zone_id=community.id, name=f"{tag}积分超市", open_days=[0, 1, 2, 3, 4, 5, 6],
                open_time=time(0), close_time=time(23, 59))
    db.session.add_all([activity, shop])
    db.session.flush()
    good = Good(shop_id=shop.id, name="洗衣液", price_tenths=35, stock=100)
    db.session.add(good)
    db.session.flush()
    world.shops[tag] = shop
    world.places[tag] = Place(community, grid, building, admin, member, activity, shop, good)
    add_people(world, make_user, tag, size)
    return admin


def add_people(world: World, make_user, tag: str, size: int) -> None:
    """`size` more residents of `tag`'s building (every other one a verified party member),
    each with a shift's hours, points earned and spent at the shop, a stock movement and a
    wish; the first resident's hours are reversed, the second's sale voided."""
    place = world.places[tag]
    for _ in range(size):
        i = len(world.people.get(tag, []))
        world.n += 1
        person = make_user(home=place.building, name=f"{tag}居民{i}",
                           party="verified" if i % 2 else None)
        world.people.setdefault(tag, []).append(person)
        entry = _shift(place.activity, place.grid, person, 90 + 30 * (i % 3), world.n)
        if i == 0:
            hours.reverse_hours(entry, memo="记错了")
        ledger.earn(person.id, 100 + i, source_type="test", source_id=world.n)
        sale = Redemption(shop_id=place.shop.id, user_id=person.id, clerk_id=place.admin.id,
                          receipt_no=f"R{world.n:06d}", total_tenths=35 * 2,
                          status="voided" if i == 1 else "done")
        db.session.add(sale)
        db.session.flush()
        db.session.add(RedemptionLine(redemption_id=sale.id, good_id=place.good.id,
                                      quantity=2, unit_tenths=35))
        if i != 1:
            ledger.spend(person.id, 70, source_type="redemption", source_id=sale.id)
        db.session.add(StockMovement(good_id=place.good.id, delta=-2, stock_after=50,
                                     kind="redemption", actor_id=place.admin.id))
        db.session.add(Wish(poster_id=person.id, created_by_id=person.id, zone_id=place.grid.id,
                            title=f"{tag}心愿{i}", kind="item",
                            deadline=date.today() + timedelta(days=30),
                            **(_done(place.member) if i % 2 else {"status": "published"})))
    db.session.flush()


@pytest.fixture
def world(make_user, tree):
    world = World()
    add_community(world, make_user, tree.xinan, tree.xinan_grid, tree.xinan_building,
                  tag="新安", size=4)
    add_community(world, make_user, tree.dongmei, tree.dongmei_grid, tree.dongmei_building,
                  tag="东梅", size=3)
    db.session.commit()
    return world


@pytest.fixture
def grow(world, make_user):
    """grow(n): n more 新安 residents, with a row in every kind's table."""
    def more(size: int) -> None:
        add_people(world, make_user, "新安", size)
        db.session.commit()
    return more


@pytest.fixture
def xinan_admin(make_user, tree):
    return make_user("admin", zone=tree.xinan, name="张丽")


@pytest.fixture
def read_book():
    """read_book(data) -> (sheet, header row, data rows), opened with openpyxl."""
    def read(data: bytes):
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        return sheet, rows[0], rows[1:]
    return read


@pytest.fixture
def download(client):
    def get(kind: str, **args):
        return client.get(f"/staff/exports/{kind}.xlsx", query_string=args)
    return get
