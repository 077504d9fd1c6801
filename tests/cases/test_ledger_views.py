"""The 台账's pages through the test client: the staff ledger and its month, the printed A4
form, the XLSX export read back from its XML, and the public 晒账 page (consent, masking)."""

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest

from portal.cases import services
from portal.extensions import db
from portal.types import utcnow
from tests.cases.conftest import TUESDAY

NOVEMBER = "2026-11"


def at(day: int, hour: int = 10) -> datetime:
    """A local (Shanghai) time in November 2026, as the UTC the database holds."""
    return datetime(2026, 11, day, hour - 8, tzinfo=UTC)


def handled(case, admin, worker, resolved):
    services.dispatch(admin, case, worker)
    services.accept(worker, case)
    services.resolve(worker, case, "楼顶防水层已修补，已不漏。", now=resolved)
    return case


@pytest.fixture
def november(file, resident, admin, gridworker):
    """Filed on the 10th, due the 17th: A on time and 满意, B late with 基本满意 and 部分解决,
    C unrated, D never handled."""
    a, b, c, d = (file(title=f"事项{x}") for x in "ABCD")
    handled(a, admin, gridworker, at(12))
    services.rate(resident, a, rating="satisfied", resolution="solved", now=at(13))
    handled(c, admin, gridworker, at(11))
    services.close_unrated(now=at(19))
    handled(b, admin, gridworker, at(20))
    services.rate(resident, b, rating="basic", resolution="partly", now=at(21))
    db.session.commit()
    return a, b, c, d


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def shown(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>([^<]*)<', html)
    return found.group(1).strip()


# ---------------------------------------------------------------- the staff ledger


def test_staff_ledger_shows_the_months_figures(client, auth, admin, november):
    auth.login(admin)
    html = page(client, f"/staff/cases/ledger?month={NOVEMBER}")
    assert shown(html, "ledger-month") == "2026年11月"
    assert shown(html, "opened") == "4" and shown(html, "done") == "3"
    # due in November: all four; on time: A and C
    assert shown(html, "on-time") == "50%" and "（2/4）" in html
    # rated: A 满意, B 基本满意; C unrated, counted apart
    assert shown(html, "satisfaction") == "100%" and "（2/2）" in html
    assert shown(html, "unrated") == "1"
    assert "其中“部分解决” 1" in html
    assert shown(html, "median") == "2" and '<span class="unit"> 个工作日' in html  # C 1, A 2, B 8
    for table in ("by-grid", "by-category", "by-track"):
        assert f'data-testid="{table}"' in html
    assert "新安小区网格" in html and "房屋漏水" in html and "限时办" in html
    # the overdue list: D, past the 17th and never handled
    assert "超期未办结（1 件）" in html and "事项D" in html and f"/cases/{november[3].id}" in html
    # how each figure is counted, in words
    assert "统计口径" in html and "当天办结记 0 个工作日" in html and "不算满意" in html


def test_staff_ledger_is_scoped(client, auth, make_user, tree, november, categories):
    dongmei_admin = make_user("admin", zone=tree.dongmei)
    auth.login(dongmei_admin)
    html = page(client, f"/staff/cases/ledger?month={NOVEMBER}")
    assert "这个月份没有事项" in html and "事项D" not in html
    assert "超期未办结（0 件）" in html
    html = page(client, f"/staff/cases/ledger/print?month={NOVEMBER}")
    assert "事项A" not in html


@pytest.mark.parametrize("month, note", [
    ("2026-13", "月份请按“2026-11”这样的格式填写"),
    ("junk", "月份请按“2026-11”这样的格式填写"),
    ("1999-12", "月份请按“2026-11”这样的格式填写"),
    ("9999-01", "还没有到这个月份"),
])
def test_a_bad_month_shows_this_month_with_a_note(client, auth, admin, month, note):
    auth.login(admin)
    today = utcnow() + timedelta(hours=8)
    for url in ("/staff/cases/ledger", "/staff/cases/ledger/print"):
        html = page(client, f"{url}?month={month}")
        assert note in html
        assert f"{today.year}年{today.month}月" in html
    response = client.get(f"/staff/cases/ledger.xlsx?month={month}")
    assert response.status_code == 400 and "月份请按" in response.get_data(as_text=True)


def test_the_months_either_side(client, auth, admin):
    auth.login(admin)
    html = page(client, "/staff/cases/ledger?month=2026-01")
    assert 'href="/staff/cases/ledger?month=2025-12"' in html
    assert 'href="/staff/cases/ledger?month=2026-02"' in html
    html = page(client, "/staff/cases/ledger?month=2000-01")
    assert "month=1999-12" not in html
    html = page(client, "/staff/cases/ledger")  # this month: nothing later
    this_month = (utcnow() + timedelta(hours=8)).strftime("%Y-%m")
    assert f'value="{this_month}"' in html and "下个月" not in html


def test_dashboard_links_the_ledger_for_case_staff(client, auth, gridworker, make_user):
    auth.login(gridworker)
    assert 'href="/staff/cases/ledger"' in page(client, "/staff/")
    auth.logout()
    auth.login(make_user("clerk"))
    assert 'href="/staff/cases/ledger"' not in page(client, "/staff/")


# ---------------------------------------------------------------- the printed A4 form


def test_print_has_one_row_per_matter_of_the_month(client, auth, admin, november, file):
    file(title="十月的事项", now=TUESDAY - timedelta(days=30))
    auth.login(admin)
    html = page(client, f"/staff/cases/ledger/print?month={NOVEMBER}")
    headers = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert headers == ["序号", "时间", "来源", "事项", "责任人", "时限", "办理结果", "评价"]
    assert html.count('data-testid="ledger-row"') == 4 and "十月的事项" not in html
    assert "新安路社区 四单办结事项台账（2026年11月）" in html
    assert "11-10<br>09:00" in html  # filed at 01:00 UTC: local time
    assert "满意（已解决）" in html and "基本满意（部分解决）" in html
    assert "未评价，自动结案（不计满意）" in html
    assert 'class="ledger-print-page"' in html and "js/print.js" in html
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text()
    assert "@page { size: A4" in css and ".ledger-table thead { display: table-header-group" in css


# ---------------------------------------------------------------- the XLSX export

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def read_xlsx(data: bytes) -> dict:
    """The workbook's sheet names, and its first sheet's cells as {ref: (value, number format
    or None, quote prefix)}: openpyxl is not a dependency, so read the XML itself."""
    book = zipfile.ZipFile(io.BytesIO(data))
    xml = {name: ElementTree.fromstring(book.read(name)) for name in book.namelist()
           if name.endswith(".xml")}
    names = [sheet.get("name") for sheet in xml["xl/workbook.xml"].iter(f"{MAIN}sheet")]
    shared = ["".join(t.text or "" for t in item.iter(f"{MAIN}t"))
              for item in xml["xl/sharedStrings.xml"].iter(f"{MAIN}si")]
    styles = xml["xl/styles.xml"]
    formats = {f.get("numFmtId"): f.get("formatCode") for f in styles.iter(f"{MAIN}numFmt")}
    xfs = [(formats.get(xf.get("numFmtId")), xf.get("quotePrefix") == "1")
           for xf in styles.find(f"{MAIN}cellXfs")]
    cells, formulas = {}, 0
    for cell in xml["xl/worksheets/sheet1.xml"].iter(f"{MAIN}c"):
        formulas += cell.find(f"{MAIN}f") is not None
        raw = cell.find(f"{MAIN}v")
        value = None if raw is None else (
            shared[int(raw.text)] if cell.get("t") == "s" else float(raw.text))
        fmt, quoted = xfs[int(cell.get("s", 0))]
        cells[cell.get("r")] = (value, fmt, quoted)
    return {"names": names, "cells": cells, "formulas": formulas}


def excel_date(serial: float) -> datetime:
    return datetime(1899, 12, 30) + timedelta(days=serial)


def test_xlsx_has_the_forms_columns_real_dates_and_no_formulas(client, auth, admin, november,
                                                               file):
    file(title="=HYPERLINK(\"http://x\")", place="@SUM(1+1)")
    file(title="+86 热线转来", public=False)
    auth.login(admin)
    response = client.get(f"/staff/cases/ledger.xlsx?month={NOVEMBER}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "cases-ledger-2026-11.xlsx" in response.headers["Content-Disposition"]
    found = read_xlsx(response.data)
    assert found["names"] == ["新安路社区2026年11月台账"]
    cells = found["cells"]
    assert [cells[f"{col}1"][0] for col in "ABCDEFGH"] == [
        "序号", "时间", "来源", "事项", "责任人", "时限", "办理结果", "评价"]
    assert cells["A2"][0] == 1 and cells["C2"][0] == "居民网上提交"
    assert cells["D2"][0] == "事项A（房屋漏水 · 限时办 · 新安小区网格）"
    # 时间 and 时限 are Excel dates (numbers with a date format), in local time
    filed, fmt, _quoted = cells["B2"]
    assert fmt == "yyyy-mm-dd hh:mm"
    assert excel_date(filed) == datetime(2026, 11, 10, 9, 0)
    due, fmt, _quoted = cells["F2"]
    assert fmt == "yyyy-mm-dd" and excel_date(due) == datetime(2026, 11, 17)
    assert cells["G2"][0] == "已结案：楼顶防水层已修补，已不漏。"
    assert cells["H2"][0] == "满意（已解决）"
    # a title that would start a formula is text, marked as such; nothing is a formula
    assert found["formulas"] == 0
    assert cells["D6"] == ("=HYPERLINK(\"http://x\")（房屋漏水 · 限时办 · 新安小区网格）",
                           None, True)
    assert cells["D7"][2] is True and cells["D7"][0].startswith("+86")
    assert cells["D2"][2] is False
    assert len([ref for ref in cells if ref.startswith("A")]) == 7  # header and six matters


def test_xlsx_of_an_empty_month_has_the_header_only(client, auth, admin, categories):
    auth.login(admin)
    found = read_xlsx(client.get("/staff/cases/ledger.xlsx?month=2026-10").data)
    assert found["names"] == ["2026年10月台账"]
    assert sorted(found["cells"]) == [f"{col}1" for col in "ABCDEFGH"]


# ---------------------------------------------------------------- the public 晒账 page


@pytest.fixture
def this_month(file, resident, admin, gridworker, make_user, categories, tree):
    """This month in 新安路社区: a public matter done and rated, a public one waiting, a
    private one, and a public one the resident withdrew."""
    now = utcnow()
    done = file(title="3号楼楼顶漏水", place="3号楼 601", details="卧室天花板渗水", now=now)
    handled(done, admin, gridworker, now)
    services.rate(resident, done, rating="basic", resolution="partly", comment="还有点潮",
                  now=now)
    file("环境卫生", title="楼道堆放杂物", now=now)
    file("邻里纠纷", title="楼上噪音扰民", public=False, now=now)
    gone = file("停车", title="车位被占", now=now)
    services.withdraw(resident, gone)
    db.session.commit()
    return done


def test_public_page_needs_no_login_and_shows_only_consented_matters(client, this_month,
                                                                     resident, gridworker):
    html = page(client, "/cases/public/DC-XA")
    assert "新安路社区 晒账公示" in html
    assert '<a href="/" aria-current="page">' in html  # under 首页, not 管理
    assert html.count('data-testid="public-matter"') == 2
    assert "房屋漏水" in html and "环境卫生" in html
    assert "邻里纠纷" not in html  # the resident did not allow it
    assert "停车" not in html  # withdrawn
    assert "王**" in html and "王秀英" not in html
    assert "基本满意（部分解决）" in html and "楼顶防水层已修补" in html
    assert "新安小区网格" in html and "新安小区1栋" not in html
    # never the title, the place, the details, the phone or a photo
    for private in ("3号楼楼顶漏水", "3号楼 601", "卧室天花板渗水", resident.phone, "还有点潮",
                    "<img", gridworker.name):
        assert private not in html, private
    # the whole community's figures, the private matter included
    assert "本月新增" in html and re.search(r"<strong>4</strong><span>本月新增", html)
    assert shown(html, "satisfaction") == "100%"


def test_public_page_codes(client, this_month):
    assert "晒账公示" in page(client, "/cases/public/dc-xa")
    for code in ("NOPE", "DC", "DC-XA-02", "x" * 300, "测试"):
        html = page(client, f"/cases/public/{code}", 404)
        assert "没有找到这个社区的晒账公示" in html


def test_public_page_shortens_long_replies(client, file, resident, admin, gridworker):
    case = file(now=utcnow())
    services.dispatch(admin, case, gridworker)
    services.accept(gridworker, case)
    services.resolve(gridworker, case, "修" * 300)
    db.session.commit()
    html = page(client, "/cases/public/DC-XA")
    assert "修" * 39 + "…" in html and "修" * 41 not in html


def test_public_list_of_communities(client, auth, this_month, resident):
    html = page(client, "/cases/public")
    assert 'href="/cases/public/DC-XA"' in html and 'href="/cases/public/DC-DM"' in html
    assert "本月公示 2 件" in html and "本月公示 0 件" in html
    assert 'data-testid="home-community"' not in html
    auth.login(resident)
    html = page(client, "/cases/public")
    assert "我的社区：新安路社区" in html


def test_home_page_leads_to_the_public_ledger(client, auth, resident):
    assert 'href="/cases/public"' in page(client, "/")
    auth.login(resident)
    assert 'href="/cases/public"' in page(client, "/")
