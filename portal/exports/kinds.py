"""The registry of exports: what each kind is called, who may take it, its columns and where
its rows come from. The staff pages (views.py) and the JSON API (/api/v1/exports/<kind>) both
read KINDS, so a kind is declared once:

    kind = KINDS["points_ledger"]
    policy.check(actor, kind.permission, zone)       # services.export does this
    for values in kind.rows(actor, zone, start, end):  # local dates, both inclusive
        dict(zip(kind.keys, values))                   # the API's row

Values are Python values by column type: text -> str, date -> date, datetime -> aware UTC
datetime, int -> int, points -> integer tenths, hours -> integer minutes, number -> a float
or None (an average)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from portal import policy
from portal.exports import goods, people
from portal.exports.period import Period
from portal.exports.workbook import Column
from portal.zones.models import Zone


@dataclass(frozen=True)
class ExportKind:
    code: str
    title: object  # a lazy Chinese string
    #: the permission (policy.PERMISSIONS) it needs; rows are limited to its zones
    permission: str
    columns: tuple[Column, ...]
    #: (actor, permission, zone, Period) -> tuples in column order
    source: Callable[..., Iterator[tuple]]
    #: what one row is, for the page
    note: object = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def rows(self, actor, zone: Zone | None, start: date, end: date) -> Iterator[tuple]:
        """The rows for `actor`'s scope (narrowed to `zone`), from `start` to `end` (local
        dates, inclusive). The caller checks the permission over `zone` first."""
        return self.source(actor, self.permission, zone, Period(start, end))


def _kinds(*kinds: ExportKind) -> dict[str, ExportKind]:
    return {kind.code: kind for kind in kinds}


KINDS: dict[str, ExportKind] = _kinds(
    ExportKind(
        "hours_by_person", _l("志愿时长（按人）"), "shifts.manage",
        (Column("name", _l("姓名"), width=8), Column("zone", _l("所在网格"), width=20),
         Column("entries", _l("记录（条）"), "int"),
         Column("hours", _l("志愿时长（小时）"), "hours")),
        people.hours_by_person, _l("每位居民一行：期间内记入的志愿时长，已扣除冲正。")),
    ExportKind(
        "hours_by_shift", _l("志愿时长（按班次）"), "shifts.manage",
        (Column("shift_start", _l("班次时间"), "datetime", 16),
         Column("activity", _l("活动"), width=24), Column("place", _l("地点"), width=20),
         Column("zone", _l("网格"), width=20), Column("people", _l("人数"), "int"),
         Column("hours", _l("志愿时长（小时）"), "hours")),
        people.hours_by_shift, _l("每个班次一行：期间内记入的签到时长，已扣除冲正。")),
    ExportKind(
        "points_ledger", _l("积分流水"), "points.view_resident",
        (Column("id", _l("流水号"), "int"), Column("created", _l("时间"), "datetime", 16),
         Column("name", _l("居民"), width=8), Column("zone", _l("所在网格"), width=20),
         Column("kind", _l("类型")), Column("memo", _l("说明"), width=36),
         Column("points", _l("积分"), "points"), Column("balance", _l("余额"), "points")),
        people.points_ledger, _l("每笔积分变动一行，与积分账本一致。")),
    ExportKind(
        "shop_sales", _l("积分超市销售"), "shop.manage",
        (Column("created", _l("时间"), "datetime", 16), Column("receipt", _l("小票号"), width=16),
         Column("shop", _l("超市"), width=16), Column("name", _l("居民"), width=8),
         Column("good", _l("商品"), width=20), Column("quantity", _l("数量"), "int"),
         Column("unit", _l("单价（分）"), "points"), Column("amount", _l("金额（分）"), "points"),
         Column("status", _l("状态"))),
        goods.shop_sales, _l("柜台兑换的每个商品一行；已撤销的兑换也列出并注明。")),
    ExportKind(
        "stock_movements", _l("库存变动"), "shop.manage",
        (Column("created", _l("时间"), "datetime", 16), Column("shop", _l("超市"), width=16),
         Column("good", _l("商品"), width=20), Column("kind", _l("类型")),
         Column("delta", _l("变动"), "int"), Column("stock_after", _l("结存"), "int"),
         Column("reason", _l("原因"), width=30), Column("actor", _l("经手人"), width=8)),
        goods.stock_movements, _l("每次入库、兑换、盘点调整一行。")),
    ExportKind(
        "wishes", _l("微心愿及办理结果"), "wishes.review",
        (Column("created", _l("发布时间"), "datetime", 16), Column("title", _l("心愿"), width=24),
         Column("kind", _l("类型")), Column("zone", _l("网格"), width=20),
         Column("status", _l("状态"), width=14), Column("claimer", _l("认领人"), width=8),
         Column("claimed", _l("认领时间"), "datetime", 16),
         Column("fulfilled", _l("完成时间"), "datetime", 16),
         Column("confirmed", _l("确认时间"), "datetime", 16),
         Column("rating", _l("评分"), "int"), Column("comment", _l("评价"), width=30)),
        goods.wishes, _l("期间内发布的每个心愿一行。")),
    ExportKind(
        "service_cards", _l("双岗双责服务反馈卡"), "wishes.review",
        (Column("name", _l("姓名"), width=8), Column("work_unit", _l("工作单位"), width=24),
         Column("branch", _l("党支部"), width=20),
         Column("wishes", _l("完成心愿（件）"), "int"),
         Column("wish_titles", _l("心愿明细"), width=40),
         Column("rating", _l("平均评价"), "number"),
         Column("shifts", _l("参加排班（次）"), "int"),
         Column("hours", _l("志愿时长（小时）"), "hours")),
        people.service_cards, _l("辖区内每位已核验的在职党员一行。")),
)


def allowed(actor) -> list[ExportKind]:
    """The kinds `actor` may take somewhere."""
    return [kind for kind in KINDS.values() if policy.can(actor, kind.permission)]
