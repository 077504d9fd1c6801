"""The 台账's figures, from matters built step by step through the services: 按期 against late,
unrated never 满意, 部分解决, ratings counted in the month they were given, and scope."""

from datetime import UTC, date, datetime

import pytest

from portal.cases import services
from portal.cases.ledger import base, figures, rows
from portal.extensions import db
from tests.cases.conftest import TUESDAY
from tests.conftest import make_zone

NOVEMBER = date(2026, 11, 1)


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    """A local (Shanghai) time in 2026, as the UTC the database holds."""
    return datetime(2026, month, day, hour - 8, tzinfo=UTC)


def handled(case, admin, worker, resolved: datetime):
    services.dispatch(admin, case, worker)
    services.accept(worker, case)
    services.resolve(worker, case, "已处理完毕，请查看。", now=resolved)
    return case


@pytest.fixture
def month_of_matters(file, resident, admin, gridworker, categories, tree):
    """Six matters filed on Tuesday 10 November (房屋漏水: 5 working days, due the 17th):

    A  done on the 12th, 满意 (已解决)               on time
    B  done on the 20th, 基本满意 (部分解决)          late
    C  never handled                                 late, overdue
    D  done on the 11th, unrated: closed on the 19th on time, never 满意
    E  done on the 12th, 不满意: waiting for 回访     late (open past the limit), overdue
    F  邻里纠纷, declined                            not in the on-time rate
    """
    a, b, c, d, e = (file(title=f"事项{x}") for x in "ABCDE")
    f = file("邻里纠纷", title="事项F")
    handled(a, admin, gridworker, at(12))
    services.rate(resident, a, rating="satisfied", resolution="solved", now=at(13))
    handled(d, admin, gridworker, at(11))
    handled(e, admin, gridworker, at(12))
    services.rate(resident, e, rating="unsatisfied", resolution="unsolved", now=at(13))
    assert services.close_unrated(now=at(19)) == 1  # D, resolved eight days before
    handled(b, admin, gridworker, at(20))
    services.rate(resident, b, rating="basic", resolution="partly", comment="还有一点渗水",
                  now=at(21))
    services.decline(admin, f, "属于物业合同纠纷，请联系物业或街道司法所。")
    db.session.commit()
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f}


def the_month(viewer, now=None):
    return figures.month_figures(base.staff_scope(viewer), NOVEMBER, now or at(25))


def test_the_months_figures(month_of_matters, admin):
    (xinan,) = the_month(admin)
    t = xinan.total
    assert (t.opened, t.done) == (6, 3)  # E was reopened: not done until it is done again
    assert (t.on_time, t.due) == (2, 5)  # A and D; B late, C and E open past the limit
    assert t.on_time_rate == pytest.approx(0.4)
    assert (t.satisfied, t.basic, t.unsatisfied) == (1, 1, 1)
    assert t.satisfaction == pytest.approx(2 / 3)
    assert t.unrated == 1 and t.partly == 1
    # working days from filing: A 2 (Wed, Thu), D 1, B 8
    assert sorted(t.days) == [1, 2, 8] and t.median_days == 2
    assert t.overdue == 2


def test_unrated_is_never_satisfied(file, resident, admin, gridworker):
    case = handled(file(), admin, gridworker, at(11))
    services.close_unrated(now=at(19))
    db.session.commit()
    (xinan,) = the_month(admin)
    assert xinan.total.unrated == 1
    assert xinan.total.rated == 0 and xinan.total.satisfaction is None  # "—", not 100%
    (sheet,) = rows.month_ledger(base.staff_scope(admin), NOVEMBER, at(25))
    assert "不计满意" in sheet.rows[0].rating and "满意（" not in sheet.rows[0].rating
    assert case.rating is None


def test_a_month_without_matters_has_no_rates(admin, categories):
    assert the_month(admin) == []
    empty = figures.Tally()
    assert empty.on_time_rate is None and empty.satisfaction is None
    assert empty.median_days is None


def test_ratings_count_in_the_month_they_were_given(file, resident, admin, gridworker, make_user):
    """不满意 in November, then 满意 in December after the 回访: November counts the 不满意,
    December the 满意 and the 办结; the matter was filed (opened) in November only."""
    case = handled(file(), admin, gridworker, at(12))
    services.rate(resident, case, rating="unsatisfied", resolution="unsolved", now=at(13))
    services.revisit(admin, case, "上门查看，窗边仍渗水。", now=at(16))
    handled(case, admin, gridworker, at(2, month=12))
    services.rate(resident, case, rating="satisfied", resolution="solved", now=at(3, month=12))
    db.session.commit()
    (november,) = the_month(admin, now=at(10, month=12))
    assert (november.total.opened, november.total.done, november.total.unsatisfied) == (1, 0, 1)
    assert november.total.satisfied == 0
    (december,) = figures.month_figures(base.staff_scope(admin), date(2026, 12, 1),
                                         at(10, month=12))
    assert (december.total.opened, december.total.done, december.total.satisfied) == (0, 1, 1)
    assert december.total.unsatisfied == 0
    # the new time limit runs from the 回访 (16th + 5 working days = 23rd): due in November,
    # done in December, so November counts it late
    assert (november.total.due, november.total.on_time) == (1, 0)


def test_a_limit_not_yet_reached_is_not_counted_until_done(file, admin, gridworker):
    waiting, early = file(title="还没到期"), file(title="提前办结")
    handled(early, admin, gridworker, at(11))
    db.session.commit()
    (xinan,) = the_month(admin, now=at(12))  # both are due on the 17th
    assert (xinan.total.due, xinan.total.on_time) == (1, 1)
    assert xinan.total.overdue == 0 and waiting.status == "new"


def test_grids_categories_and_tracks(month_of_matters, file, admin, tree, categories, resident):
    market = make_zone("桥头市场网格", "grid", tree.xinan, code="DC-XA-01")
    services.file_case(resident, resident, category=categories["市场秩序"], zone=market,
                       title="摊位占道", now=TUESDAY)
    services.file_case(resident, resident, category=categories["安全隐患"], zone=tree.xinan,
                       title="路灯不亮", now=TUESDAY)
    db.session.commit()
    (xinan,) = the_month(admin)
    grids = {line.name: line.tally.opened for line in xinan.grids.values()}
    assert grids == {"新安小区网格": 6, "桥头市场网格": 1, "未分网格": 1}
    assert list(grids) == ["桥头市场网格", "新安小区网格", "未分网格"]  # by code; above-grid last
    categories_seen = {name: line.tally.opened for name, line in xinan.categories.items()}
    assert categories_seen == {"市场秩序": 1, "邻里纠纷": 1, "房屋漏水": 5, "安全隐患": 1}
    assert list(categories_seen) == ["市场秩序", "邻里纠纷", "房屋漏水", "安全隐患"]  # seeds' order
    tracks = {key: line.tally.opened for key, line in xinan.tracks.items()}
    assert tracks == {"instant": 1, "timed": 7}
    assert xinan.grids[market.id].tally.overdue == 1  # 市场秩序: 2 working days, long past


def test_staff_see_their_own_zones_only(month_of_matters, make_user, tree, categories):
    other_grid = make_zone("锦绣花园网格", "grid", tree.xinan, code="DC-XA-03")
    grid_worker = make_user("coordinator", zone=other_grid)
    assert the_month(grid_worker) == []
    assert rows.overdue_list(base.staff_scope(grid_worker), at(25)) == ([], 0)
    dongmei_admin = make_user("admin", zone=tree.dongmei)
    assert the_month(dongmei_admin) == []
    street_admin = make_user("admin", zone=tree.street)
    assert [c.name for c in the_month(street_admin)] == ["新安路社区"]


def test_overdue_list_longest_first(month_of_matters, admin):
    found, total = rows.overdue_list(base.staff_scope(admin), at(25))
    assert total == 2
    assert [row.title for row in found] == ["事项C", "事项E"]  # same limit: by number
    assert found[0].responsible == "未派单" and found[1].responsible == "陈志强"
    # the 17th's limit, on Wednesday the 25th: 18, 19, 20, 23, 24, 25
    assert found[0].workdays_late == 6 and found[0].grid == "新安小区网格"
    assert rows.overdue_list(base.staff_scope(admin), at(25), limit=1)[1] == 2


def test_ledger_rows_on_the_seeds_form(month_of_matters, admin, make_user, tree):
    (sheet,) = rows.month_ledger(base.staff_scope(admin), NOVEMBER, at(25))
    assert sheet.community == "新安路社区"
    by_title = {row.title: row for row in sheet.rows}
    assert [row.seq for row in sheet.rows] == [1, 2, 3, 4, 5, 6]
    a = by_title["事项A"]
    assert a.source == "居民网上提交" and a.category == "房屋漏水" and a.grid == "新安小区网格"
    assert a.responsible == "陈志强" and a.track == "限时办"
    assert a.outcome == "已结案：已处理完毕，请查看。" and a.rating == "满意（已解决）"
    assert by_title["事项B"].rating == "基本满意（部分解决）"
    assert by_title["事项C"].outcome == "待派单（已超期）"
    assert by_title["事项E"].rating == "不满意，待回访"
    assert by_title["事项F"].outcome.startswith("不予受理：属于物业合同纠纷")
    assert by_title["事项F"].responsible == "未派单"


def test_month_parameter():
    today = date(2026, 12, 3)
    assert base.parse_month("2026-11", today) == (NOVEMBER, None)
    assert base.parse_month(" 2026-2 ", today) == (date(2026, 2, 1), None)
    assert base.parse_month(None, today) == (date(2026, 12, 1), None)
    for junk in ("2026-13", "2026-00", "1999-12", "２０２６-11", "2026-11-01", "x", "-1",
                 "99999-01", "2026/11"):
        assert base.parse_month(junk, today) == (date(2026, 12, 1), "bad"), junk
    assert base.parse_month("2027-01", today) == (date(2026, 12, 1), "future")
    assert base.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert base.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
