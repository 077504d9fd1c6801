"""The 台账: the staff ledger (建账、销账) with its monthly print and XLSX, and the public 晒账
page anyone can open."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases_ledger", __name__)
