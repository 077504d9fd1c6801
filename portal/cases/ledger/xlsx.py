"""The month's 台账 as an XLSX workbook (XlsxWriter), one sheet per community: the seed's
columns under a header row, times as real Excel dates in local time, and text that never runs
as a formula (the formats are the exports' shared ones, portal/exports/workbook.py)."""

from __future__ import annotations

import io
import re
from datetime import date

import xlsxwriter

from portal.cases.ledger.rows import LedgerSheet
from portal.exports.workbook import BOOK_OPTIONS, MIMETYPE, Cells

__all__ = ["MIMETYPE", "ledger_workbook"]
#: (header, column width in characters): the seed's form, in Chinese like every export
COLUMNS = (("序号", 6), ("时间", 17), ("来源", 14), ("事项", 36), ("责任人", 16),
           ("时限", 12), ("办理结果", 40), ("评价", 22))
#: characters Excel refuses in a sheet name
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, month: date, taken: set[str]) -> str:
    base = _NOT_IN_SHEET_NAME.sub("", f"{name}{month.year}年{month.month}月台账")[:31]
    found, n = base, 1
    while found.lower() in taken:  # Excel compares sheet names without case
        n += 1
        found = f"{base[:28]}({n})"
    taken.add(found.lower())
    return found


def ledger_workbook(sheets: list[LedgerSheet], month: date) -> bytes:
    out = io.BytesIO()
    # a month's matters are a few hundred rows: built in memory (the exports' shared formats)
    book = xlsxwriter.Workbook(out, {**BOOK_OPTIONS, "in_memory": True})
    cells, taken = Cells(book), set()
    for found in sheets or [LedgerSheet("")]:
        sheet = book.add_worksheet(_sheet_name(found.community, month, taken))
        sheet.set_paper(9)  # A4
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        sheet.freeze_panes(1, 0)
        for col, (title, width) in enumerate(COLUMNS):
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, title, cells.header)
        for r, row in enumerate(found.rows, start=1):
            sheet.write_number(r, 0, row.seq, cells.number)
            cells.write_datetime(sheet, r, 1, row.filed_dt)
            cells.write_text(sheet, r, 2, row.source)
            cells.write_text(sheet, r, 3,
                             f"{row.title}（{row.category} · {row.track} · {row.grid}）")
            cells.write_text(sheet, r, 4, row.responsible)
            if row.due_dt is not None:
                cells.write_day(sheet, r, 5, row.due_dt)
            else:
                cells.write_text(sheet, r, 5, "")
            cells.write_text(sheet, r, 6, row.outcome)
            cells.write_text(sheet, r, 7, row.rating)
    book.close()
    return out.getvalue()
