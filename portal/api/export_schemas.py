"""The models of the staff exports as JSON (portal/api/export_views.py): the same kinds,
columns and rows as the XLSX downloads (portal/exports/kinds.KINDS)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from portal.api.schemas import Strict

#: the most rows one page of an export gives
MAX_EXPORT_LIMIT = 1000


class ExportColumn(BaseModel):
    key: str
    title: str = Field(description="表头（中文）")
    type: str = Field(description=(
        "text | int | date | datetime（ISO 8601，UTC）| points（一位小数的字符串，例如 "
        "“12.5”）| hours（小时，最多两位小数的字符串）| number（平均值，可为空）"))


class ExportKindOut(BaseModel):
    code: str
    title: str
    note: str
    columns: list[ExportColumn]


class ExportKinds(BaseModel):
    items: list[ExportKindOut]


class ExportQuery(Strict):
    period: Literal["this_month", "last_month", "range"] = Field(
        "this_month", description="本月 | 上月 | 自定日期范围（须给 start、end）")
    start: str | None = Field(None, max_length=10, description="开始日期，例如 2026-11-01")
    end: str | None = Field(None, max_length=10, description="结束日期（含），不晚于今天")
    zone: int = Field(0, ge=0, le=2**31 - 1, description="辖区内的街道、社区或网格；0 为全部辖区")
    cursor: str | None = Field(None, max_length=300, description=(
        "上一页返回的 next_cursor；带游标时沿用第一页的期间，period、start、end 不再起作用"))
    limit: int = Field(500, ge=1, le=MAX_EXPORT_LIMIT, description="每页行数")


class ExportPage(BaseModel):
    kind: str
    title: str
    start: date
    end: date
    zone_id: int | None
    columns: list[ExportColumn]
    rows: list[dict[str, str | int | float | None]]
    next_cursor: str | None
