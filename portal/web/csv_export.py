"""CSV exports that staff open in Excel on a community PC: text never runs as a formula."""

from __future__ import annotations

import csv
import re

#: a cell starting with one of these runs as a formula when the CSV is opened in a spreadsheet
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_cell(value):
    """A CSV cell that opens as text, never as a formula: a resident's name like
    '=HYPERLINK(...)' gets a leading apostrophe. Plain numbers (-1.5) stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeCSVWriter:
    """csv.writer for the exports staff open in Excel on a community PC (see csv_cell)."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row) -> None:
        self._writer.writerow([csv_cell(value) for value in row])
