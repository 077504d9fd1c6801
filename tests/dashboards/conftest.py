"""Fixtures the dashboard tests share: `add_volume`, a fast bulk loader of the rows a
dashboard adds up (people, points and hours, shifts with sign-ups and attendance, sales,
wishes, party members), in a few multi-row INSERTs whatever the count."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import insert, select

from portal.accounts.models import PartyMembership, User
from portal.checkin.models import Attendance
from portal.extensions import db
from portal.points.models import HoursEntry, LedgerEntry, PointsAccount
from portal.shifts.models import Activity, Shift, SignUp
from portal.shop.models import Redemption, Shop
from portal.wishes.models import Wish
from portal.zones.models import Zone

_batch = itertools.count(1)


def _ids(model, rows: list[dict]) -> list[int]:
    return list(db.session.scalars(insert(model).returning(model.id), rows))


def _shop_of(community: Zone) -> int:
    shop = db.session.scalar(select(Shop.id).where(Shop.zone_id == community.id))
    if shop is None:
        shop = _ids(Shop, [{"zone_id": community.id, "name": "积分超市", "open_days": [1],
                            "open_time": time(9), "close_time": time(11)}])[0]
    return shop


def add_volume(home: Zone, place: Zone, n: int, when: datetime) -> None:
    """n residents of `home`, each with: 1 point earned and 0.5 spent at the counter, an hour
    credited, a shift in `place` they signed up for and attended, a wish they posted and
    (being party members, every other one) claimed; all at `when`."""
    batch = next(_batch)
    users = _ids(User, [{"phone": f"16{batch:03d}{i:06d}", "name": f"批量居民{i}",
                         "password_hash": "x", "home_zone_id": home.id} for i in range(n)])
    accounts = _ids(PointsAccount, [{"user_id": u, "balance_tenths": 5} for u in users])
    db.session.execute(insert(LedgerEntry), [
        row for i, a in enumerate(accounts) for row in (
            {"account_id": a, "amount_tenths": 10, "kind": "earn", "source_type": "award",
             "idempotency_key": f"bulk:{batch}:{i}:earn", "balance_after_tenths": 10,
             "created_dt": when},
            {"account_id": a, "amount_tenths": -5, "kind": "spend", "source_type": "redemption",
             "idempotency_key": f"bulk:{batch}:{i}:spend", "balance_after_tenths": 5,
             "created_dt": when})])
    db.session.execute(insert(HoursEntry), [
        {"user_id": u, "served_minutes": 60, "credited_minutes": 60, "source_type": "import",
         "idempotency_key": f"bulk:{batch}:{i}:hours", "created_dt": when}
        for i, u in enumerate(users)])
    activity = _ids(Activity, [{"title": "批量活动", "zone_id": place.id}])[0]
    shifts = _ids(Shift, [{"activity_id": activity, "zone_id": place.id, "start_dt": when,
                           "end_dt": when + timedelta(hours=2), "capacity": 1}
                          for _u in users])
    signups = _ids(SignUp, [{"shift_id": s, "user_id": u, "status": "confirmed",
                             "queue_seq": 1} for s, u in zip(shifts, users, strict=True)])
    db.session.execute(insert(Attendance), [
        {"signup_id": g, "shift_id": s, "user_id": u, "checkin_dt": when,
         "checkin_method": "manual"}
        for g, s, u in zip(signups, shifts, users, strict=True)])
    shop = _shop_of(db.session.get(Zone, int(place.path.strip("/").split("/")[1])))
    db.session.execute(insert(Redemption), [
        {"shop_id": shop, "user_id": u, "clerk_id": users[0], "total_tenths": 5,
         "receipt_no": f"B{batch}-{i}", "created_dt": when} for i, u in enumerate(users)])
    db.session.execute(insert(PartyMembership), [
        {"user_id": u, "work_unit": "批量单位", "branch": "批量支部", "status": "verified",
         "reviewed_dt": when} for u in users[::2]])
    db.session.execute(insert(Wish), [
        {"poster_id": u, "created_by_id": u, "zone_id": place.id, "title": "批量心愿",
         "kind": "item", "deadline": when.date() + timedelta(days=30), "status": "confirmed",
         "claimer_id": users[i - i % 2], "claimed_dt": when, "confirmed_dt": when,
         "rating": 5, "created_dt": when} for i, u in enumerate(users)])
    db.session.commit()


@pytest.fixture
def volume():
    return add_volume
