"""What a dashboard page shows: the figures of the period beside the period before, each with
its change in words, and the charts with the tables of their numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.dashboards import charts, series
from portal.dashboards.figures import Figures, figures, stock_now
from portal.dashboards.period import Period
from portal.points.amounts import format_hours, format_points
from portal.wishes.models import STATUSES
from portal.zones.models import Zone

#: the wish statuses in the words the wish pages use
STATUS_WORDS = {"pending": _l("待审核"), "rejected": _l("未通过"), "published": _l("待认领"),
                "claimed": _l("已认领"), "fulfilled": _l("待确认"), "confirmed": _l("已圆梦"),
                "withdrawn": _l("已撤回")}


def _count(n) -> str:
    return str(n)


def _hours(minutes) -> str:
    return _("%(h)s 小时", h=format_hours(minutes))


def _points(tenths) -> str:
    return _("%(p)s 分", p=format_points(tenths))


def _rate(value) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _stars(value) -> str:
    return "—" if value is None else _("%(r)s 星", r=round(value, 1))


@dataclass
class Row:
    label: str
    now: str
    before: str
    change: str
    #: "up", "down" or "" (same, or nothing to compare): a class for colour; the words say it
    trend: str = ""


def _change(now, before, show) -> tuple[str, str]:
    if now is None or before is None:
        return _("无可比数据"), ""
    if now == before:
        return _("与上期持平"), ""
    more = now > before
    word = _("比上期多 %(d)s", d=show(abs(now - before))) if more else \
        _("比上期少 %(d)s", d=show(abs(now - before)))
    return word, "up" if more else "down"


def _rate_change(now, before) -> tuple[str, str]:
    if now is None or before is None:
        return _("无可比数据"), ""
    points = round(now * 100) - round(before * 100)
    if points == 0:
        return _("与上期持平"), ""
    if points > 0:
        return _("比上期高 %(d)s 个百分点", d=points), "up"
    return _("比上期低 %(d)s 个百分点", d=-points), "down"


def _row(label, now: Figures, before: Figures, name: str, show=_count, rate=False) -> Row:
    a, b = getattr(now, name), getattr(before, name)
    change, trend = _rate_change(a, b) if rate else _change(a, b, show)
    shown = _rate if rate else show
    return Row(str(label), shown(a), shown(b), change, trend)


def groups(now: Figures, before: Figures) -> list[tuple[str, list[Row]]]:
    r = _row
    return [
        (_("志愿服务"), [
            r(_l("活跃志愿者（人）"), now, before, "volunteers"),
            r(_l("服务时长"), now, before, "hours_minutes", _hours),
            r(_l("班次"), now, before, "shifts"),
            r(_l("满员班次"), now, before, "shifts_filled"),
            r(_l("未到岗率"), now, before, "no_show_rate", rate=True)]),
        (_("积分"), [
            r(_l("发放积分"), now, before, "points_issued", _points),
            r(_l("使用积分"), now, before, "points_spent", _points),
            r(_l("居民积分余额（期末）"), now, before, "points_outstanding", _points)]),
        (_("积分超市"), [
            r(_l("兑换笔数"), now, before, "sales"),
            r(_l("兑换积分"), now, before, "sales_points", _points)]),
        (_("微心愿"), [
            r(_l("新发布"), now, before, "wishes_posted"),
            r(_l("被认领"), now, before, "wishes_claimed"),
            r(_l("已圆梦"), now, before, "wishes_fulfilled"),
            r(_l("收到评价"), now, before, "ratings"),
            r(_l("平均评价"), now, before, "rating_avg", _stars)]),
        (_("党员"), [
            r(_l("已报到党员（期末）"), now, before, "party_registered"),
            r(_l("新报到"), now, before, "party_new"),
            r(_l("参与服务的党员"), now, before, "party_active")]),
        (_("四单办结"), [
            r(_l("到期事项"), now, before, "cases_due"),
            r(_l("按期办结率"), now, before, "cases_on_time_rate", rate=True),
            r(_l("收到评价"), now, before, "cases_rated"),
            r(_l("满意率"), now, before, "cases_satisfaction", rate=True)]),
    ]


@dataclass
class Chart:
    key: str
    title: str
    svg: str
    #: the table beside it: column headings, then rows (the first cell names the row)
    head: list[str]
    rows: list[list[str]]


def _labels(period: Period) -> list[str]:
    return [f"{day.month}/{day.day}" for day in period.weeks()]


def chart_list(zone: Zone, period: Period) -> list[Chart]:
    labels = _labels(period)
    per = _("每周") if period.stretch == 7 else _("每 %(n)d 周", n=period.stretch // 7)
    hours = series.hours_by_week(zone, period)
    points = series.points_by_week(zone, period)
    wishes = series.wishes_by_status(zone, period.span)
    children = series.places(zone)
    by_place = series.hours_by_place(zone, children, period.span)
    week_head = _("自该日起")
    made = [
        Chart("hours", _("%(per)s服务时长（小时）", per=per),
              charts.columns(labels, [m / 60 for m in hours],
                             _("%(per)s服务时长（小时）", per=per)),
              [week_head, _("服务时长")],
              [[w, _hours(m)] for w, m in zip(labels, hours, strict=True)]),
        Chart("points", _("%(per)s积分发放与使用", per=per),
              charts.lines(labels, {_("发放"): [i / 10 for i, _s in points],
                                    _("使用"): [s / 10 for _i, s in points]},
                           _("%(per)s积分发放与使用", per=per)),
              [week_head, _("发放"), _("使用")],
              [[w, _points(i), _points(s)]
               for w, (i, s) in zip(labels, points, strict=True)]),
        Chart("wishes", _("本期发布的心愿现在的状态"),
              charts.bars([str(STATUS_WORDS[s]) for s in STATUSES],
                                [wishes[s] for s in STATUSES], _("本期发布的心愿现在的状态")),
              [_("状态"), _("心愿数")],
              [[str(STATUS_WORDS[s]), str(wishes[s])] for s in STATUSES]),
    ]
    if children:
        title = _("各%(kind)s服务时长（按居住地，小时）", kind=_kind_word(children[0].kind))
        made.append(Chart(
            "places", title,
            charts.bars([c.name for c in children], [m / 60 for m in by_place], title),
            [_("地点"), _("服务时长")],
            [[c.name, _hours(m)] for c, m in zip(children, by_place, strict=True)]))
    return made


def _kind_word(kind: str) -> str:
    return {"community": _("社区"), "grid": _("网格"), "building": _("楼栋")}.get(kind, "")


def build(zone: Zone, period: Period, now: datetime) -> dict:
    before = period.before()
    current, previous = figures(zone, period.span, now), figures(zone, before.span, now)
    return {"groups": groups(current, previous), "stock": stock_now(zone),
            "charts": chart_list(zone, period), "before": before}
