"""The one XLSX writer (XlsxWriter) behind every export and the matters' 台账: a string is
always a string (never a formula, number or link), dates are real Excel dates in local time,
points are numbers with one decimal, the header row is frozen and filtered.

Big exports are written in XlsxWriter's constant_memory mode to a temporary file (each row is
flushed to disk as it is written, so memory stays flat in the number of rows) and the file is
then streamed to the browser in chunks and deleted (`stream_and_delete`)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from portal.clock import local
from portal.web.csv_export import csv_cell

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: no guessing: a string is a string, never a formula, a number or a link
BOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False,
                "strings_to_urls": False}
TYPES = ("text", "date", "datetime", "int", "points", "hours", "number")
#: the widest a column is made, in Latin characters
MAX_WIDTH = 60
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Column:
    """One column of an export: `key` for the JSON API, the Chinese `header`, its `type`, and
    `width`: the widest value expected, in characters as typed (CJK ones count double)."""

    key: str
    header: str
    type: str = "text"
    width: int = 8


def display_width(text: str) -> int:
    """Columns as Excel measures them: a CJK (wide or full-width) character counts double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(column: Column) -> int:
    """Fits the header and the expected value, with a little room for the filter arrow."""
    return min(max(display_width(str(column.header)) + 3, column.width + 2, 6), MAX_WIDTH)


class Cells:
    """A workbook's formats, and a text cell that is always text."""

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
        self.points = book.add_format({"num_format": "0.0", "valign": "top", "border": 1})
        self.hours = book.add_format({"num_format": "0.0#", "valign": "top", "border": 1})

    def write_text(self, sheet, row: int, col: int, value) -> None:
        value = "" if value is None else str(value)
        sheet.write_string(row, col, value,
                           self.guarded if csv_cell(value) != value else self.text)

    def write_datetime(self, sheet, row: int, col: int, value: datetime) -> None:
        """An aware UTC datetime, written as the local wall-clock time."""
        sheet.write_datetime(row, col, local(value).replace(tzinfo=None), self.when)

    def write_day(self, sheet, row: int, col: int, value: date | datetime) -> None:
        day = local(value).date() if isinstance(value, datetime) else value
        sheet.write_datetime(row, col, day, self.day)

    def write(self, sheet, row: int, col: int, kind: str, value) -> None:
        """One cell of a column of type `kind` (see TYPES); None is an empty cell."""
        if value is None:
            sheet.write_blank(row, col, None, self.text)
        elif kind == "datetime":
            self.write_datetime(sheet, row, col, value)
        elif kind == "date":
            self.write_day(sheet, row, col, value)
        elif kind == "int":
            sheet.write_number(row, col, int(value), self.number)
        elif kind == "points":  # integer tenths -> a number with one decimal
            sheet.write_number(row, col, Decimal(int(value)) / 10, self.points)
        elif kind == "hours":  # minutes -> hours
            sheet.write_number(row, col, Decimal(int(value)) / 60, self.hours)
        elif kind == "number":
            sheet.write_number(row, col, value, self.number)
        else:
            self.write_text(sheet, row, col, value)


def header_row(sheet, cells: Cells, columns: Iterable[Column]) -> None:
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column_width(column))
        sheet.write_string(0, col, str(column.header), cells.header)


def write_table(path: str, title: str, columns: tuple[Column, ...], rows: Iterable[tuple]) -> int:
    """Write one sheet named `title` to `path` in constant-memory mode; the number of rows."""
    book = xlsxwriter.Workbook(path, {**BOOK_OPTIONS, "constant_memory": True,
                                      "tmpdir": os.path.dirname(path)})
    try:
        cells = Cells(book)
        sheet = book.add_worksheet(title[:31])
        sheet.freeze_panes(1, 0)
        sheet.repeat_rows(0)
        sheet.set_paper(9)  # A4
        sheet.set_landscape()
        header_row(sheet, cells, columns)
        types = [column.type for column in columns]
        count = 0
        for count, values in enumerate(rows, start=1):
            for col, (kind, value) in enumerate(zip(types, values, strict=True)):
                cells.write(sheet, count, col, kind, value)
        sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    finally:
        book.close()
    return count


def temporary_path() -> str:
    handle, path = tempfile.mkstemp(prefix="portal-export-", suffix=".xlsx")
    os.close(handle)
    return path


class stream_and_delete:  # noqa: N801 - used like the generator function it replaced
    """The file in chunks for a streamed response, deleted once sent. A class and not a
    generator so that `close()`, which the server calls when the response ends (sent, dropped
    or never started, as for a HEAD request), deletes the file even when no chunk was read."""

    def __init__(self, path: str):
        self.path = path

    def __iter__(self) -> Iterator[bytes]:
        try:
            with open(self.path, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    yield chunk
        finally:
            remove_quietly(self.path)

    def close(self) -> None:
        remove_quietly(self.path)


def remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
