"""Each kind's workbook opens with openpyxl: Chinese headers, a frozen header row, real dates
and numbers; the totals equal the ledger's, the hours' and the sales' own records."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from portal.exports.kinds import KINDS
from portal.extensions import db
from portal.points.models import HoursEntry, LedgerEntry, PointsAccount
from portal.shop.models import Redemption

pytestmark = pytest.mark.usefixtures("world")


@pytest.mark.parametrize("code", sorted(KINDS))
def test_each_kind_opens_with_its_headers_frozen_and_typed(code, app, auth, make_user,
                                                           download, read_book):
    auth.login(make_user("superadmin"))
    response = download(code)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet, header, rows = read_book(response.data)
    kind = KINDS[code]
    with app.test_request_context():
        headers = [str(c.header) for c in kind.columns]
    assert list(header) == headers
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref
    assert rows, code
    for col, column in enumerate(kind.columns):
        values = [row[col] for row in rows if row[col] is not None]
        if column.type in ("date", "datetime"):
            assert all(isinstance(v, datetime) for v in values), column.key
        elif column.type in ("int", "points", "hours", "number"):
            assert all(isinstance(v, int | float) for v in values), column.key
        else:
            assert all(isinstance(v, str) for v in values), column.key
    for col in range(len(kind.columns)):  # widths fit the Chinese headers
        letter = sheet.cell(row=1, column=col + 1).column_letter
        assert sheet.column_dimensions[letter].width >= 2 * len(headers[col])
    if any(c.type == "points" for c in kind.columns):
        col = next(i for i, c in enumerate(kind.columns) if c.type == "points")
        assert sheet.cell(row=2, column=col + 1).number_format == "0.0"


def test_ledger_export_totals_equal_the_ledger(auth, xinan_admin, download, read_book,
                                               world):
    auth.login(xinan_admin)
    _sheet, header, rows = read_book(download("points_ledger").data)
    points = [row[header.index("积分")] for row in rows]
    ids = [p.id for p in world.people["新安"]]
    expected = db.session.scalar(
        select(func.sum(LedgerEntry.amount_tenths)).join(PointsAccount)
        .where(PointsAccount.user_id.in_(ids)))
    assert round(sum(points) * 10) == expected
    assert len(rows) == db.session.scalar(
        select(func.count(LedgerEntry.id)).join(PointsAccount)
        .where(PointsAccount.user_id.in_(ids)))
    assert all(row[header.index("居民")].startswith("新安") for row in rows)


def test_hours_exports_totals_equal_the_hours_entries(auth, xinan_admin, download, read_book,
                                                      world):
    auth.login(xinan_admin)
    ids = [p.id for p in world.people["新安"]]
    minutes = db.session.scalar(select(func.sum(HoursEntry.credited_minutes))
                                .where(HoursEntry.user_id.in_(ids)))
    for code in ("hours_by_person", "hours_by_shift"):
        _sheet, header, rows = read_book(download(code).data)
        total = sum(row[header.index("志愿时长（小时）")] for row in rows)
        assert round(total * 60) == minutes, code
    _sheet, header, rows = read_book(download("hours_by_person").data)
    reversed_one = next(r for r in rows if r[0] == "新安居民0")
    assert reversed_one[header.index("志愿时长（小时）")] == 0


def test_sales_export_equals_the_sales_records(auth, xinan_admin, download, read_book, world):
    auth.login(xinan_admin)
    _sheet, header, rows = read_book(download("shop_sales").data)
    done = [r for r in rows if r[header.index("状态")] == "已完成"]
    shop = world.shops["新安"]
    expected = db.session.scalar(select(func.sum(Redemption.total_tenths)).where(
        Redemption.shop_id == shop.id, Redemption.status == "done"))
    assert round(sum(r[header.index("金额（分）")] for r in done) * 10) == expected
    assert {r[header.index("超市")] for r in rows} == {"新安积分超市"}
    assert any(r[header.index("状态")] == "已撤销" for r in rows)
