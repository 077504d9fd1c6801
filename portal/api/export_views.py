"""The staff exports as JSON (scope exports): the kinds of the XLSX downloads, read from the
same registry (exports/kinds.KINDS) and taken through the same service (exports/services:
the kind's permission over the zone, the actor's scope, the audit log), a page at a time.

A cursor here stands for a position in the kind's fixed order; points are one-decimal
strings and hours are strings of hours, so no amount passes through a float."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import abort
from spectree import Response

from portal.api import export_schemas as es
from portal.api.core import (
    Error,
    bp,
    commit_read,
    current_token,
    decode_cursor,
    documented,
    encode_cursor,
    holder,
    needs,
)
from portal.clock import local_today
from portal.exports import kinds, period, services
from portal.extensions import db
from portal.types import utcnow
from portal.zones.models import Zone

AUTH = {"HTTP_401": Error, "HTTP_403": Error, "HTTP_422": Error, "HTTP_429": Error}
TAGS = ["数据导出"]


def _points(tenths: int) -> str:
    return f"{Decimal(int(tenths)).scaleb(-1):.1f}"


def _hours(minutes: int) -> str:
    hours = (Decimal(int(minutes)) / 60).quantize(Decimal("0.01"))
    return format(hours.normalize(), "f") if hours else "0"


def _value(kind: str, value):
    """A cell as JSON: the column's type decides (exports/kinds.py lists them)."""
    if value is None:
        return None
    if kind == "points":
        return _points(value)
    if kind == "hours":
        return _hours(value)
    if kind == "number":
        return float(value)
    if kind == "int":
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _columns(kind: kinds.ExportKind) -> list[dict]:
    return [{"key": c.key, "title": str(c.header), "type": c.type} for c in kind.columns]


@bp.get("/exports")
@needs("exports")
@documented(resp=Response(HTTP_200=es.ExportKinds, **AUTH), tags=TAGS)
def exports():
    """可导出的数据

    权限范围：exports。持有人的角色能导出的种类（与工作台“数据导出”页相同），每种带列的说明。"""
    items = [{"code": kind.code, "title": str(kind.title), "note": str(kind.note),
              "columns": _columns(kind)} for kind in kinds.allowed(holder())]
    commit_read()
    return {"items": items}


@bp.get("/exports/<kind>")
@needs("exports")
@documented(query=es.ExportQuery,
            resp=Response(HTTP_200=es.ExportPage, HTTP_400=Error, HTTP_404=Error, **AUTH),
            tags=TAGS)
def export(kind: str, query: es.ExportQuery):
    """一种导出的数据

    权限范围：exports。与 XLSX 下载同样的行（exports/services），限于持有人的辖区，
    可用 zone 缩小到其中的社区或网格；期间为本月、上月或自定范围（最长 366 天）。
    按游标翻页，每页最多 1000 行；第一页记入审计日志。拒绝时的 code：unknown_export（404）、
    bad_period、bad_date、bad_range、range_too_long（400）、forbidden（403，辖区外）。"""
    found = services.kind_of(kind)
    chosen = period.parse(query.period, query.start, query.end, local_today(utcnow()))
    zone = None
    if query.zone:
        zone = db.session.get(Zone, query.zone)
        if zone is None:
            abort(404)
    offset = decode_cursor(query.cursor) or 0
    token = current_token()
    rows, more = services.page(holder(), found, zone, chosen, offset=offset, limit=query.limit,
                               via=f"（令牌 {token.prefix}…，{token.name}）")
    types = [c.type for c in found.columns]
    answer = {"kind": found.code, "title": str(found.title), "start": chosen.start,
              "end": chosen.end, "zone_id": zone.id if zone else None,
              "columns": _columns(found),
              "rows": [{key: _value(t, v) for key, t, v in zip(found.keys, types, row,
                                                             strict=True)}
                       for row in rows],
              "next_cursor": encode_cursor(offset + len(rows)) if more else None}
    commit_read()
    return answer
