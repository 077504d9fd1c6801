"""The month's 台账 as an XLSX workbook (XlsxWriter), one sheet per community: the seed's
columns under a header row, times as real Excel dates in local time, and text that never runs
as a formula."""

from __future__ import annotations

import io
import re
from datetime import date

import xlsxwriter

from portal.cases.ledger.rows import LedgerSheet
from portal.clock import local
from portal.web.csv_export import csv_cell

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


class _Cells:
    """The workbook's formats, and a text cell that is always text."""

    def __init__(self, book):
        self.header = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1,
                                       "valign": "vcenter"})
        self.text = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
        # a cell that would start a formula is still written as a string (never a formula),
        # and carries Excel's quote prefix, the XLSX form of the CSV exports' apostrophe
        # (web/csv_export.csv_cell decides which), so it stays text when someone edits it
        self.guarded = book.add_format({"text_wrap": True, "valign": "top", "border": 1,
                                        "quote_prefix": True})
        self.when = book.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top",
                                     "border": 1})
        self.day = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top", "border": 1})
        self.number = book.add_format({"valign": "top", "border": 1})

    def write_text(self, sheet, row: int, col: int, value: str) -> None:
        value = value or ""
        sheet.write_string(row, col, value,
                           self.guarded if csv_cell(value) != value else self.text)


def ledger_workbook(sheets: list[LedgerSheet], month: date) -> bytes:
    out = io.BytesIO()
    # no guessing: a string is a string, never a formula, a number or a link
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_numbers": False, "strings_to_urls": False})
    cells, taken = _Cells(book), set()
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
            sheet.write_datetime(r, 1, local(row.filed_dt).replace(tzinfo=None), cells.when)
            cells.write_text(sheet, r, 2, row.source)
            cells.write_text(sheet, r, 3,
                             f"{row.title}（{row.category} · {row.track} · {row.grid}）")
            cells.write_text(sheet, r, 4, row.responsible)
            if row.due_dt is not None:
                sheet.write_datetime(r, 5, local(row.due_dt).date(), cells.day)
            else:
                cells.write_text(sheet, r, 5, "")
            cells.write_text(sheet, r, 6, row.outcome)
            cells.write_text(sheet, r, 7, row.rating)
    book.close()
    return out.getvalue()
