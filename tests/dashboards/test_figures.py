"""A dashboard's figures on a small hand-made data set: exact numbers, in the period's local
days, only inside the zone's subtree."""

from datetime import UTC, date, datetime

from sqlalchemy import insert, update

from portal.dashboards import series
from portal.dashboards.figures import figures, stock_now
from portal.dashboards.period import Period
from portal.extensions import db
from portal.points.models import HoursEntry
from portal.shifts.models import SignUp
from portal.shop.models import Good, Shop
from portal.wishes.models import Wish

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
#: 10 November, 10:00 in Shanghai
WHEN = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


def test_the_figures_of_a_small_community(tree, volume):
    volume(tree.xinan_building, tree.xinan_grid, 4, WHEN)
    volume(tree.dongmei_building, tree.dongmei_grid, 3, WHEN)  # another community: not counted
    # one no-show; one wish still waiting for its claimer's work
    db.session.execute(update(SignUp).where(SignUp.id == db.session.scalar(
        SignUp.__table__.select().with_only_columns(SignUp.id).order_by(SignUp.id).limit(1)))
        .values(no_show_dt=WHEN))
    db.session.commit()
    got = figures(tree.xinan, NOVEMBER.span, NOW)
    assert (got.volunteers, got.hours_minutes, got.shifts, got.shifts_filled) == (4, 240, 4, 4)
    assert (got.ended_places, got.no_shows, got.no_show_rate) == (4, 1, 0.25)
    assert (got.points_issued, got.points_spent, got.points_outstanding) == (40, 20, 20)
    assert (got.sales, got.sales_points) == (4, 20)
    assert (got.wishes_posted, got.wishes_claimed, got.wishes_fulfilled) == (4, 4, 4)
    assert (got.ratings, got.rating_avg) == (4, 5.0)
    # users 0 and 2 are verified party members; both served
    assert (got.party_registered, got.party_new, got.party_active) == (2, 2, 2)
    assert (got.cases_due, got.cases_on_time_rate, got.cases_satisfaction) == (0, None, None)
    # the street holds both communities
    street = figures(tree.street, NOVEMBER.span, NOW)
    assert (street.volunteers, street.hours_minutes, street.points_outstanding) == (7, 420, 35)
    # October: nothing happened, and nothing was outstanding at its end
    before = figures(tree.xinan, NOVEMBER.before().span, NOW)
    assert (before.volunteers, before.hours_minutes, before.points_outstanding) == (0, 0, 0)
    assert before.no_show_rate is None and before.rating_avg is None


def test_days_are_shanghai_days(tree, make_user):
    someone = make_user()
    edges = [datetime(2026, 10, 31, 15, 59, tzinfo=UTC),  # 31 Oct 23:59 local: October
             datetime(2026, 10, 31, 16, 0, tzinfo=UTC),   # 1 Nov 00:00 local: November
             datetime(2026, 11, 30, 15, 59, tzinfo=UTC),  # 30 Nov 23:59 local: November
             datetime(2026, 11, 30, 16, 0, tzinfo=UTC)]   # 1 Dec 00:00 local: December
    db.session.execute(insert(HoursEntry), [
        {"user_id": someone.id, "served_minutes": 30 * (i + 1), "credited_minutes": 30 * (i + 1),
         "source_type": "import", "idempotency_key": f"edge:{i}", "created_dt": when}
        for i, when in enumerate(edges)])
    db.session.commit()
    assert figures(tree.xinan, NOVEMBER.span, NOW).hours_minutes == 60 + 90
    weeks = series.hours_by_week(tree.xinan, NOVEMBER)
    assert weeks == [60, 0, 0, 0, 90]


def test_series_and_stock(tree, volume):
    volume(tree.xinan_building, tree.xinan_grid, 3, WHEN)
    db.session.execute(update(Wish).where(Wish.id == db.session.scalar(
        Wish.__table__.select().with_only_columns(Wish.id).limit(1)))
        .values(status="claimed", confirmed_dt=None, rating=None))
    shop = db.session.scalar(Shop.__table__.select().with_only_columns(Shop.id))
    db.session.execute(insert(Good), [
        {"shop_id": shop, "name": "大米", "price_tenths": 300, "stock": 10, "low_stock": 5},
        {"shop_id": shop, "name": "肥皂", "price_tenths": 50, "stock": 2, "low_stock": 5},
        {"shop_id": shop, "name": "旧货", "price_tenths": 50, "stock": 9, "is_active": False}])
    db.session.commit()
    assert series.hours_by_week(tree.xinan, NOVEMBER) == [0, 180, 0, 0, 0]
    assert series.points_by_week(tree.xinan, NOVEMBER)[1] == (30, 15)
    statuses = series.wishes_by_status(tree.xinan, NOVEMBER.span)
    assert (statuses["confirmed"], statuses["claimed"], statuses["pending"]) == (2, 1, 0)
    grids = series.places(tree.xinan)
    assert [g.id for g in grids] == [tree.xinan_grid.id]
    assert series.hours_by_place(tree.xinan, grids, NOVEMBER.span) == [180]
    # a grid sees its community's shop; the other community sees none
    stock = stock_now(tree.xinan_grid)
    assert (stock.value_tenths, stock.goods, stock.low) == (3000 + 100, 2, 1)
    assert stock_now(tree.dongmei).goods == 0
