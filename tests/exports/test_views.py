"""The exports page and downloads: scope (a 新安路 admin never gets 东梅's rows), the audit
log, a flat query count, no formula in any cell, bad periods answered in Chinese, and the
temporary file gone once sent."""

import glob
import os
import tempfile

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.exports.kinds import KINDS
from portal.extensions import db
from portal.points import ledger


def test_a_xinan_admin_is_refused_dongmei_and_gets_only_xinan(auth, xinan_admin, download,
                                                              read_book, tree, world):
    auth.login(xinan_admin)
    assert download("points_ledger", zone=tree.dongmei.id).status_code == 403
    assert download("points_ledger", zone=tree.dongmei_grid.id).status_code == 403
    for code in KINDS:
        _sheet, _header, rows = read_book(download(code).data)
        text = repr(rows)
        assert "东梅" not in text, code
    _sheet, _header, rows = read_book(download("wishes", zone=tree.xinan_grid.id).data)
    assert len(rows) == 4


def test_a_role_without_the_permission_is_refused(auth, make_user, download, tree, world):
    auth.login(make_user("coordinator", zone=tree.xinan))  # no shop.manage
    assert download("shop_sales").status_code == 403
    assert download("hours_by_person").status_code == 200
    assert download("no_such_kind").status_code == 404


def test_every_export_is_audited_with_kind_scope_period_and_rows(auth, xinan_admin, download,
                                                                 tree, world):
    auth.login(xinan_admin)
    response = download("points_ledger", zone=tree.xinan.id, period="range",
                        start="2026-01-01", end="2026-01-31")
    assert response.status_code == 200
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert event.action == "export.points_ledger"
    assert event.actor_id == xinan_admin.id and event.zone_id == tree.xinan.id
    assert "新安" in event.summary and "2026-01-01–2026-01-31" in event.summary
    assert event.summary.endswith("0 行")


def test_query_count_is_flat_in_the_rows(auth, xinan_admin, download, read_book,
                                         count_queries, grow):
    auth.login(xinan_admin)
    rounds = []
    for _round in range(2):
        counts, sizes = {}, {}
        for code in KINDS:
            with count_queries() as counter:
                response = download(code)
            counts[code], sizes[code] = counter.count, len(read_book(response.data)[2])
        rounds.append((counts, sizes))
        grow(12)  # four times the rows in every kind's table
    (first, small), (second, big) = rounds
    assert first == second
    assert all(big[code] > small[code] for code in KINDS), (small, big)


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\",\"点我\")", "+1", "-2+3", "@SUM(A1)",
                                  "=1+1"])
def test_no_cell_is_ever_a_formula(name, auth, xinan_admin, download, read_book, make_user,
                                   tree):
    resident = make_user(home=tree.xinan_building, name=name)
    ledger.earn(resident.id, 10, source_type="test", source_id=1)
    db.session.commit()
    auth.login(xinan_admin)
    sheet, header, rows = read_book(download("points_ledger").data)
    col = header.index("居民") + 1
    cell = next(sheet.cell(row=r, column=col) for r in range(2, sheet.max_row + 1)
                if sheet.cell(row=r, column=col).value == name)
    assert cell.data_type == "s"  # a string, not a formula ("f")
    assert cell.quotePrefix or name == "+1"  # a plain number stays as typed, as in the CSVs


def test_bad_periods_are_answered_in_chinese_and_nothing_is_exported(auth, xinan_admin,
                                                                     client, download, world):
    auth.login(xinan_admin)
    before = db.session.scalar(select(db.func.count(AuditEvent.id)))
    for args, words in [({"period": "range", "start": "2026-13-01", "end": "2026-01-02"},
                         "开始日期请按"),
                        ({"period": "range", "start": "2025-01-01", "end": "2026-06-01"},
                         "一次最多导出"),
                        ({"period": "range", "start": "2026-02-01", "end": "2026-01-01"},
                         "不能晚于"),
                        ({"period": "range", "start": "2999-01-01", "end": "2999-01-02"},
                         "之间"),
                        ({"period": "decade"}, "请选择本月")]:
        response = download("points_ledger", **args)
        assert response.status_code == 302
        page = client.get(response.location).get_data(as_text=True)
        assert words in page, args
    assert download("points_ledger", zone="99999999999999").status_code == 200  # junk: all
    assert download("points_ledger", zone=2**31 - 2).status_code == 404
    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == before + 1


def test_the_temporary_file_is_gone_once_sent(auth, xinan_admin, download, world):
    auth.login(xinan_admin)
    pattern = os.path.join(tempfile.gettempdir(), "portal-export-*.xlsx")
    before = set(glob.glob(pattern))
    response = download("points_ledger")
    assert response.data[:2] == b"PK"
    assert int(response.headers["Content-Length"]) == len(response.data)
    response.close()
    assert set(glob.glob(pattern)) <= before
    response = download("points_ledger")  # never read: closing the response deletes it
    assert set(glob.glob(pattern)) - before  # still there, unread
    response.close()
    assert set(glob.glob(pattern)) <= before


def test_the_page_lists_what_the_viewer_may_export(auth, make_user, client, tree):
    auth.login(make_user("clerk", zone=tree.xinan))
    page = client.get("/staff/exports/").get_data(as_text=True)
    assert "积分超市销售" in page and "积分流水" in page
    assert "志愿时长（按人）" not in page and "事项台账" not in page
    auth.logout()
    auth.login(make_user("admin", zone=tree.xinan))
    page = client.get("/staff/exports/").get_data(as_text=True)
    assert "志愿时长（按人）" in page and "/staff/cases/ledger" in page
    assert "/staff/exports/" in client.get("/staff/").get_data(as_text=True)
