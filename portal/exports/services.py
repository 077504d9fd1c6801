"""Taking an export: check the kind's permission over the scope, write the workbook to a
temporary file (constant memory), and record it in the audit log with its kind, scope,
period and row count. The view streams the file and deletes it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, policy
from portal.errors import DomainError
from portal.exports.kinds import KINDS, ExportKind
from portal.exports.period import Period
from portal.exports.workbook import remove_quietly, temporary_path, write_table
from portal.extensions import db
from portal.zones.models import Zone

#: the zones offered as an export's scope: the street, communities and grids
SCOPE_KINDS = ("street", "community", "grid")


@dataclass
class Made:
    kind: ExportKind
    path: str
    rows: int
    filename: str


def kind_of(code: str) -> ExportKind:
    kind = KINDS.get(code)
    if kind is None:
        raise DomainError("unknown_export", _l("没有这种导出。"), 404)
    return kind


def scopes(actor) -> list[Zone]:
    """The street, communities and grids the actor works in (the page's scope choices)."""
    return list(db.session.scalars(
        select(Zone).where(policy.zone_filter(actor, "staff.dashboard", Zone.path),
                           Zone.kind.in_(SCOPE_KINDS), Zone.is_retired.is_(False))
        .order_by(Zone.path).limit(300)))


def scope_label(zone: Zone | None) -> str:
    return zone.name if zone is not None else str(_l("我的全部辖区"))


def export(actor, kind: ExportKind, zone: Zone | None, period: Period) -> Made:
    """The kind's workbook for the actor's scope (narrowed to `zone`, which must lie inside
    it: else NotAllowed, a 403) over `period`; audited. The caller deletes `path`."""
    policy.check(actor, kind.permission, zone)
    path = temporary_path()
    try:
        count = write_table(path, str(kind.title), kind.columns,
                            kind.rows(actor, zone, period.start, period.end))
    except BaseException:
        remove_quietly(path)
        raise
    audit.record(actor, f"export.{kind.code}", zone,
                 f"导出{kind.title} · {scope_label(zone)} · {period.label()} · {count} 行",
                 zone=zone)
    return Made(kind, path, count,
                f"{kind.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")


def page(actor, kind: ExportKind, zone: Zone | None, period: Period, *, offset: int, limit: int,
         via: str = "") -> tuple[list[tuple], bool]:
    """One page of the kind's rows (the JSON API's export): `limit` rows from `offset` in the
    kind's fixed order (the window is applied in SQL), and whether more follow. The same
    permission check as the workbook; the export is audited at its first page (`via` names
    the token). The caller makes sure an offset is one it handed out (a signed cursor)."""
    policy.check(actor, kind.permission, zone)
    window = Period(period.start, period.end, offset=offset, limit=limit + 1)
    rows = kind.source(actor, kind.permission, zone, window)
    try:
        taken = list(rows)
    finally:
        rows.close()
    if offset == 0:
        audit.record(actor, f"export.{kind.code}", zone,
                     f"接口导出{kind.title} · {scope_label(zone)} · {period.label()}{via}",
                     zone=zone)
    return taken[:limit], len(taken) > limit
