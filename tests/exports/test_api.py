"""The exports as JSON (/api/v1/exports, scope exports): the same kinds and rows as the XLSX
downloads, limited to the holder's scope, a page at a time; the totals equal the ledger's; an
export is audited once, at its first page. Each answer is held to the spec."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.api import tokens
from portal.audit import AuditEvent
from portal.exports.kinds import KINDS
from portal.extensions import db
from portal.points.models import LedgerEntry, PointsAccount
from tests.api.conftest import conforms


@pytest.fixture
def get(client, app):
    def send(path, headers):
        response = client.get(path, headers=headers)
        with app.test_request_context():
            conforms("GET", path, response)
        return response
    return send


def _bearer(user, scopes="exports") -> dict:
    _token, secret = tokens.issue(user, holder=user, name="街道报表系统", scopes=scopes.split())
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _all_rows(get, headers, kind, limit):
    rows, cursor, pages = [], None, 0
    while True:
        url = f"/api/v1/exports/{kind}?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = get(url, headers).get_json()
        rows += page["rows"]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            return rows, pages


def test_the_ledger_as_json_totals_the_ledger_in_pages_audited_once(get, world, xinan_admin):
    headers = _bearer(xinan_admin)
    listed = get("/api/v1/exports", headers).get_json()["items"]
    assert {k["code"] for k in listed} == set(KINDS)
    rows, pages = _all_rows(get, headers, "points_ledger", limit=3)
    assert pages > 2
    ids = [p.id for p in world.people["新安"]]
    expected = db.session.scalar(
        select(func.sum(LedgerEntry.amount_tenths)).join(PointsAccount)
        .where(PointsAccount.user_id.in_(ids)))
    assert sum(Decimal(row["points"]) for row in rows) * 10 == expected
    assert all(len(row["points"].split(".")[1]) == 1 for row in rows)  # one decimal, a string
    assert {row["name"] for row in rows} <= {p.name for p in world.people["新安"]}
    one_page, _ = _all_rows(get, headers, "points_ledger", limit=1000)
    assert one_page == rows
    audited = db.session.scalar(select(func.count(AuditEvent.id))
                                .where(AuditEvent.action == "export.points_ledger"))
    assert audited == 2  # once per export taken (two here), not once per page


def test_json_rows_are_the_workbooks_rows(get, world, xinan_admin, auth, download, read_book):
    headers = _bearer(xinan_admin)
    rows, _ = _all_rows(get, headers, "hours_by_person", limit=2)
    auth.login(xinan_admin)
    _sheet, _header, book = read_book(download("hours_by_person").data)
    assert [(r["name"], r["entries"], Decimal(r["hours"])) for r in rows] == [
        (name, entries, Decimal(str(hours))) for name, _zone, entries, hours in book]


def test_refusals_carry_codes_and_change_nothing(get, world, xinan_admin, tree, make_user):
    headers = _bearer(xinan_admin)
    outside = get(f"/api/v1/exports/points_ledger?zone={tree.dongmei.id}", headers)
    assert outside.status_code == 403 and outside.get_json()["code"] == "forbidden"
    unknown = get("/api/v1/exports/nothing", headers)
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "unknown_export"
    backwards = get("/api/v1/exports/wishes?period=range&start=2026-02-01&end=2026-01-01",
                    headers)
    assert backwards.status_code == 400 and backwards.get_json()["code"] == "bad_range"
    read_only = get("/api/v1/exports", _bearer(xinan_admin, "read"))
    assert read_only.status_code == 403 and read_only.get_json()["code"] == "scope_missing"
    resident = get("/api/v1/exports/points_ledger", _bearer(make_user(name="周红")))
    assert resident.status_code == 403
    assert get("/api/v1/exports", _bearer(make_user(name="吴敏"))).get_json()["items"] == []
    assert not db.session.scalar(select(func.count(AuditEvent.id))
                                 .where(AuditEvent.action.like("export.%")))


def test_a_cursor_is_signed_and_continues_only_its_own_export(get, world, xinan_admin):
    import base64

    headers = _bearer(xinan_admin)
    first = get("/api/v1/exports/points_ledger?limit=2", headers).get_json()
    made = base64.urlsafe_b64encode(b"v1:1").decode().rstrip("=")
    skipped = get(f"/api/v1/exports/points_ledger?cursor={made}", headers)
    assert skipped.status_code == 400 and skipped.get_json()["code"] == "bad_cursor"
    elsewhere = get(f"/api/v1/exports/stock_movements?cursor={first['next_cursor']}", headers)
    assert elsewhere.status_code == 400
    other_token = get(f"/api/v1/exports/points_ledger?cursor={first['next_cursor']}",
                      _bearer(xinan_admin))
    assert other_token.status_code == 400
    # a cursor keeps its export's period, whatever the later request says
    more = get("/api/v1/exports/points_ledger?period=last_month&cursor="
               f"{first['next_cursor']}", headers).get_json()
    assert (more["start"], more["end"]) == (first["start"], first["end"]) and more["rows"]
    assert {r["id"] for r in more["rows"]}.isdisjoint(r["id"] for r in first["rows"])
