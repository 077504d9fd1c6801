"""The staff exports as JSON (scope exports): the kinds of the XLSX downloads, read from the
same registry (exports/kinds.KINDS) and taken through the same service (exports/services:
the kind's permission over the zone, the actor's scope, the audit log), a page at a time.

A cursor here is signed and names the export it continues (token, kind, zone, period) and
the position in the kind's fixed order, so a page can neither skip the first (audited) page
nor wander into another export; the period stays the first page's, even across midnight.
Points are one-decimal strings and hours strings of hours: no amount passes a float."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from spectree import Response

from portal.api import export_schemas as es
from portal.api.core import (
    ApiError,
    Error,
    bp,
    commit_read,
    current_token,
    documented,
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


def _cursors() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="portal.api.export-cursor")


def _continues(cursor: str, token_id: int, kind: str, zone_id: int) -> tuple[int, date, date]:
    """The offset and period a cursor names, if it continues this export; else bad_cursor."""
    try:
        held, code, zone, start, end, offset = _cursors().loads(cursor)
        if (held, code, zone) == (token_id, kind, zone_id) and isinstance(offset, int) \
                and offset > 0:
            return offset, date.fromisoformat(start), date.fromisoformat(end)
    except (BadSignature, TypeError, ValueError):
        pass
    raise ApiError(400, "bad_cursor", _l("翻页游标无效，请从第一页重新开始。"))


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
    token = current_token()
    if query.cursor:
        offset, start, end = _continues(query.cursor, token.id, found.code, query.zone)
        chosen = period.Period(start, end)
    else:
        offset = 0
        chosen = period.parse(query.period, query.start, query.end, local_today(utcnow()))
    zone = None
    if query.zone:
        zone = db.session.get(Zone, query.zone)
        if zone is None:
            abort(404)
    rows, more = services.page(holder(), found, zone, chosen, offset=offset, limit=query.limit,
                               via=f"（令牌 {token.prefix}…，{token.name}）")
    following = None
    if more:
        following = _cursors().dumps([token.id, found.code, query.zone, chosen.start.isoformat(),
                                      chosen.end.isoformat(), offset + len(rows)])
    types = [c.type for c in found.columns]
    answer = {"kind": found.code, "title": str(found.title), "start": chosen.start,
              "end": chosen.end, "zone_id": zone.id if zone else None,
              "columns": _columns(found),
              "rows": [{key: _value(t, v) for key, t, v in zip(found.keys, types, row,
                                                             strict=True)}
                       for row in rows],
              "next_cursor": following}
    commit_read()
    return answer
