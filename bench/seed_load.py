"""Extra rows for the benchmark: 60 upcoming shifts with posts and sign-ups, so the shift list
shows full pages, and a month of matters in 新安路社区 for the public 台账 page. Run after
seed-demo, against the benchmark's database only."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from portal.errors import DomainError  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.shifts import activities, signups  # noqa: E402
from portal.shifts.models import Activity  # noqa: E402
from portal.types import utcnow  # noqa: E402


def main() -> None:
    app = create_app()
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.phone == "13900000003"))
        activity = db.session.scalar(select(Activity).order_by(Activity.id))
        residents = list(db.session.scalars(select(User).order_by(User.id)))
        start = utcnow() + timedelta(hours=6)
        for i in range(60):
            begins = start + timedelta(hours=5 * i)
            shift = activities.add_shift(
                coordinator, activity, start_dt=begins, end_dt=begins + timedelta(hours=3),
                capacity=None, place=f"桥头市场 {i % 4 + 1} 号口",
                posts=[("消防巡查", 2), ("交通疏导", 3), ("停车秩序", 2)])
            for j, resident in enumerate(residents[i % 3: i % 3 + 4]):
                try:  # a clash with a demo shift (it depends on today's date) is skipped
                    with db.session.begin_nested():
                        signups.sign_up(resident, shift, post_id=shift.posts[j % 3].id,
                                        now=begins - timedelta(days=1))
                except DomainError:
                    continue
        # A shift under way, for the check-in paths: every demo resident is on it.
        from portal.members import codes as members

        begins = utcnow() - timedelta(hours=1)
        live = activities.build_shift(activity, start_dt=begins, end_dt=begins + timedelta(hours=4),
                                      capacity=50, zone=activity.zone, place="桥头市场东入口",
                                      posts=[], team=None, points_rule=None)
        db.session.flush()
        for resident in residents:
            signups._place(live, resident.id, None, begins - timedelta(days=1))
        wang = db.session.scalar(select(User).where(User.phone == "13900000001"))
        key = members.member_key(wang)
        # The counter path: a supermarket open round the clock, a shelf that will not run
        # out, and 王秀英 with points enough for every sale the run makes.
        from datetime import time

        from portal.points import ledger
        from portal.shop.models import Good, Shop

        shop = db.session.scalar(select(Shop).order_by(Shop.id))
        shop.open_days, shop.open_time, shop.close_time = list(range(7)), time(0), \
            time(23, 59, 59)
        tissues = db.session.scalar(select(Good).where(Good.shop_id == shop.id,
                                                       Good.monthly_limit.is_(None)))
        from portal.shop.services import move_stock

        move_stock(tissues.id, 1_000_000, kind="restock", reason="压测备货")
        # Counter customers: every active resident of the shop's community who holds no staff
        # role (the clerk never sells to themselves), each with points and a member key, so
        # concurrent sales spread over residents as at a real counter.
        from portal.zones.services import community_of

        customers = []
        for resident in residents:
            home = community_of(resident.home_zone) if resident.home_zone else None
            if (resident.is_active_account and not resident.grants and home is not None
                    and home.id == shop.zone_id):
                ledger.earn(resident.id, 10_000_000, source_type="bench", source_id=resident.id,
                            memo="压测用积分")
                customers.append(members.member_key(resident))
        filing_path = add_matters()
        db.session.commit()
        print(json.dumps({"live_shift_id": live.id, "member_key": key, "shop_id": shop.id,
                          "good_id": tissues.id, "customer_keys": customers,
                          "filing_path": filing_path}))


def add_matters(count: int = 240) -> str:
    """四单办结: `count` matters filed this month in 新安路社区 by its residents, in every
    stage (waiting, in hand, done, rated, reopened), a third of them public, so the public
    台账 page shows a full page and its figures have something to count. Returns the address
    of the filing form's second step for 王秀英 (category and place chosen)."""
    from portal.cases import services as cases
    from portal.cases.ledger.base import month_span
    from portal.cases.models import CaseCategory
    from portal.clock import local_today
    from portal.demo import lookup
    from portal.zones.services import community_of

    xinan = lookup.zone("DC-XA")
    cases.seed_categories(xinan)
    categories = list(db.session.scalars(select(CaseCategory).where(
        CaseCategory.community_id == xinan.id, CaseCategory.claimable.is_(False))))
    places = [lookup.zone(code) for code in ("DC-XA-01", "DC-XA-02-01", "DC-XA-03-05")]
    admin, worker = lookup.user("13900000005"), lookup.user("13900000003")
    filers = [user for user in db.session.scalars(select(User).order_by(User.id))
              if not user.grants and user.home_zone is not None
              and community_of(user.home_zone) == xinan]
    now = utcnow()
    start = month_span(local_today(now).replace(day=1))[0]
    for i in range(count):
        filer = filers[i % len(filers)]
        case = cases.file_case(filer, filer, category=categories[i % len(categories)],
                               zone=places[i % len(places)], title=f"压测事项{i}",
                               public=i % 3 == 0, now=max(start, now - timedelta(hours=2 * i)))
        if i % 5 == 0:
            continue  # waiting for 派单
        cases.dispatch(admin, case, worker)
        cases.accept(worker, case)
        if i % 5 == 1:
            continue  # in hand
        cases.resolve(worker, case, "已到现场处理完毕，请居民查看。")
        if i % 5 == 3:
            cases.rate(filer, case, rating=("satisfied", "basic")[i % 2],
                       resolution="solved", comment="谢谢")
        elif i % 5 == 4:
            cases.rate(filer, case, rating="unsatisfied", resolution="partly")
    home = lookup.user("13900000001").home_zone
    return f"/cases/new?step=2&category={categories[0].id}&zone={home.id}"


if __name__ == "__main__":
    main()
