"""Verbs on the zone tree. They flush, never commit: the request commits once."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal import audit, policy
from portal.errors import DomainError
from portal.extensions import db
from portal.zones.models import KIND_LEVEL, ZONE_KINDS, Zone

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
KIND_LABELS = {
    "street": _l("街道"),
    "community": _l("社区"),
    "grid": _l("网格"),
    "building": _l("楼栋/单元"),
}


def community_of(zone: Zone) -> Zone | None:
    """The 社区 above (or at) a zone; None for a street."""
    ids = [int(i) for i in zone.path.strip("/").split("/")]
    return db.session.scalar(select(Zone).where(Zone.id.in_(ids), Zone.kind == "community"))


def same_community(a: Zone | None, b: Zone | None) -> bool:
    """Whether two zones lie in one 社区 (False when either is outside every community)."""
    if a is None or b is None:
        return False
    here, there = community_of(a), community_of(b)
    return here is not None and there is not None and here.id == there.id


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


def _check_code(code: str, exclude_id: int | None = None) -> str:
    code = normalise_code(code)
    if not CODE_RE.match(code):
        raise DomainError("bad_code", _l("编码只能用字母、数字和短横线，2 到 32 位。"), 400)
    clash = db.session.scalar(select(Zone.id).where(Zone.code == code))
    if clash is not None and clash != exclude_id:
        raise DomainError("code_taken", _l("编码 %(code)s 已被使用。", code=code))
    return code


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise DomainError("bad_name", _l("名称不能为空，最多 60 个字。"), 400)
    return name


def _check_placement(kind: str, parent: Zone | None) -> None:
    if kind not in ZONE_KINDS:
        raise DomainError("bad_kind", _l("请选择正确的区域类型。"), 400)
    if parent is None:
        if kind != "street":
            raise DomainError("needs_parent", _l("只有街道可以作为最上级。"), 400)
        return
    if parent.is_retired:
        raise DomainError("parent_retired", _l("上级区域已停用，不能在其下添加。"))
    if KIND_LEVEL[kind] <= parent.level:
        raise DomainError(
            "bad_level",
            _l("%(kind)s 不能放在 %(parent)s 之下。", kind=KIND_LABELS[kind],
               parent=KIND_LABELS[parent.kind]),
            400,
        )


def create_zone(actor, *, parent: Zone | None, code: str, name: str, kind: str) -> Zone:
    """Add a zone under `parent` (a street has no parent and needs a superadmin)."""
    if parent is None:
        if not policy.is_superadmin(actor):
            raise policy.NotAllowed()
    else:
        policy.check(actor, "zones.manage", parent)
    _check_placement(kind, parent)
    zone = Zone(code=_check_code(code), name=_check_name(name), kind=kind, parent=parent)
    db.session.add(zone)
    db.session.flush()
    zone.path = f"{parent.path if parent else '/'}{zone.id}/"
    audit.record(actor, "zone.create", zone, f"新建区域 {zone.name}（{zone.code}）", zone)
    db.session.flush()
    return zone


def parse_fence(lat: str, lng: str, radius: str) -> tuple[float, float, int] | None:
    """A geofence from three form fields: all blank clears it; otherwise all three, in range."""
    parts = [(v or "").strip() for v in (lat, lng, radius)]
    if not any(parts):
        return None
    bad = DomainError("bad_fence", _l("签到范围请同时填写纬度（-90 到 90）、经度（-180 到 180）"
                                      "和半径（20 到 5000 米）。"), 400)
    try:
        values = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise bad from None
    if not (-90 <= values[0] <= 90 and -180 <= values[1] <= 180 and 20 <= values[2] <= 5000):
        raise bad
    return values


def update_zone(actor, zone: Zone, *, name: str, code: str,
                fence: tuple[float, float, int] | None | bool = False) -> Zone:
    """Rename a zone, change its code, and (when `fence` is given) set or clear its
    self check-in geofence."""
    policy.check(actor, "zones.manage", zone)
    old = f"{zone.name}（{zone.code}）"
    zone.name = _check_name(name)
    zone.code = _check_code(code, exclude_id=zone.id)
    if fence is not False:
        zone.geo_lat, zone.geo_lng, zone.geo_radius_m = fence or (None, None, None)
    audit.record(actor, "zone.update", zone, f"区域 {old} 改为 {zone.name}（{zone.code}）", zone)
    db.session.flush()
    return zone


def move_zone(actor, zone: Zone, new_parent: Zone) -> Zone:
    """Hang `zone` and its subtree under `new_parent`, keeping every path consistent."""
    policy.check(actor, "zones.manage", zone)
    policy.check(actor, "zones.manage", new_parent)
    if zone.contains(new_parent):
        raise DomainError("move_into_self", _l("不能把区域移动到它自己或它的下级之下。"), 400)
    _check_placement(zone.kind, new_parent)
    old_path = zone.path
    new_path = f"{new_parent.path}{zone.id}/"
    # Rewrite the prefix of every path in the subtree in one statement.
    db.session.execute(
        update(Zone)
        .where(Zone.path.startswith(old_path, autoescape=True))
        .values(path=new_path + func.substr(Zone.path, len(old_path) + 1))
        .execution_options(synchronize_session=False)
    )
    zone.parent = new_parent
    db.session.flush()
    db.session.expire_all()
    audit.record(actor, "zone.move", zone, f"区域 {zone.name} 移到 {new_parent.name} 之下", zone)
    db.session.flush()
    return zone


def zone_in_use(zone: Zone) -> bool:
    """True when any row anywhere refers to this zone (residents, roles, shifts ...).

    It walks the foreign keys in the metadata, so tables added by later features count
    without touching this function.
    """
    for table in db.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == "zones" and fk.column.name == "id":
                if table.name == "audit_events":
                    continue
                count = db.session.scalar(
                    select(func.count()).select_from(table).where(fk.parent == zone.id)
                )
                if count:
                    return True
    return False


def remove_zone(actor, zone: Zone) -> str:
    """Delete an unused zone, or retire a used one with its subtree. Returns what happened."""
    policy.check(actor, "zones.manage", zone)
    if not zone_in_use(zone):
        # Its own audit trail moves up to the parent, so the parent's staff still see it.
        db.session.execute(
            update(audit.AuditEvent)
            .where(audit.AuditEvent.zone_id == zone.id)
            .values(zone_id=zone.parent_id)
            .execution_options(synchronize_session=False)
        )
        audit.record(actor, "zone.delete", None, f"删除区域 {zone.name}（{zone.code}）",
                     zone.parent)
        db.session.delete(zone)
        db.session.flush()
        return "deleted"
    db.session.execute(
        update(Zone)
        .where(Zone.path.startswith(zone.path, autoescape=True))
        .values(is_retired=True)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    audit.record(actor, "zone.retire", zone, f"停用区域 {zone.name}（{zone.code}）及其下级", zone)
    db.session.flush()
    return "retired"


def restore_zone(actor, zone: Zone) -> Zone:
    """Bring a retired zone back (not its children: each is restored on purpose)."""
    policy.check(actor, "zones.manage", zone)
    if zone.parent is not None and zone.parent.is_retired:
        raise DomainError("parent_retired", _l("请先恢复上级区域。"))
    zone.is_retired = False
    audit.record(actor, "zone.restore", zone, f"恢复区域 {zone.name}（{zone.code}）", zone)
    db.session.flush()
    return zone


def zones_in_scope(actor, permission: str = "zones.manage") -> list[Zone]:
    """Every zone the actor may manage, in tree order (siblings by code)."""
    in_scope = db.session.scalars(select(Zone).where(policy.zone_filter(actor, permission)))
    return tree_order(list(in_scope))


def tree_order(zones: list[Zone]) -> list[Zone]:
    """Parents before children, siblings by code. Paths hold ids, so text order is wrong
    ("/10/" < "/9/"); sort by the codes along each path instead."""
    code_of = dict(db.session.execute(select(Zone.id, Zone.code)).all())
    return sorted(zones, key=lambda z: [code_of.get(a, "") for a in _ancestor_ids(z)])


def _ancestor_ids(zone: Zone) -> list[int]:
    return [int(i) for i in zone.path.strip("/").split("/")]


def zone_labels() -> dict[int, str]:
    """id -> '新安路社区 · 第一网格 · 1栋' for every zone, from one query.

    Zones are few (hundreds in a district), so labelling them all at once is cheaper than
    walking parents row by row on a list page.
    """
    by_id = {z.id: z for z in db.session.scalars(select(Zone))}
    return {
        zid: " · ".join(
            by_id[a].name for a in _ancestor_ids(z) if a in by_id and by_id[a].kind != "street"
        )
        for zid, z in by_id.items()
    }


def home_zone_choices() -> list[tuple[int, str, str]]:
    """(id, label, community) for active grids and buildings a resident may call home.

    The label starts below the community ("新安小区网格 · 新安小区1栋") and the community is the
    option group, so the part that matters fits a phone-width select in large text.
    """
    zones = db.session.scalars(select(Zone)).all()
    by_id = {z.id: z for z in zones}
    homes = tree_order([z for z in zones if z.kind in ("grid", "building") and not z.is_retired])
    choices = []
    for zone in homes:
        chain = [by_id[a] for a in _ancestor_ids(zone) if a in by_id]
        community = next((z.name for z in chain if z.kind == "community"), "")
        below = [z.name for z in chain if z.kind in ("grid", "building")]
        choices.append((zone.id, " · ".join(below), community))
    return choices
