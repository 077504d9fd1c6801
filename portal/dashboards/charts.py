"""Charts as plain inline SVG, drawn on the server by leather.

leather writes presentation attributes only (no <style>, no <script>, no inline style), so
its SVG passes the CSP as it is and weighs about 3 KB a chart; see ARCHITECTURE, "Dashboards"
for why not pygal. finish() makes it scale (a viewBox in place of a fixed size) and names it
for screen readers (role="img", aria-label and <title>); the table beside each chart carries
its numbers."""

from __future__ import annotations

import math
import re
from xml.etree import ElementTree as ET

import leather
from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
#: drawn at the size it shows in a card on a 390 px phone, so 14 px labels stay 14 px
WIDTH, HEIGHT = 330, 220
#: CJK first, so labels never fall back to boxes (fonts-noto-cjk on the server, the phone's own)
FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
#: the portal's red, a blue, amber, green: told apart in greyscale too (the legend names them)
COLOURS = ["#b3261e", "#1a56b8", "#b26a00", "#2e7d32"]
_NUMBER = re.compile(r"-?\d+\.\d{2,}")

# leather keeps its look in module settings: set once, for every chart the portal draws
for _part in ("title", "legend", "axis_title", "tick"):
    setattr(leather.theme, f"{_part}_font_family", FONTS)
    setattr(leather.theme, f"{_part}_font_size", 14)
    # leather sizes its margins from these: a CJK character is as wide as it is high
    setattr(leather.theme, f"{_part}_font_char_width", 14)
    setattr(leather.theme, f"{_part}_font_char_height", 14)
leather.theme.background_color = "#ffffff"
leather.theme.label_color = "#4f4a4a"
leather.theme.legend_color = "#1c1b1f"
leather.theme.tick_color = "#e6e0df"
leather.theme.default_series_colors = COLOURS



def _short(match: re.Match) -> str:
    return f"{float(match.group()):.1f}"


def finish(chart: leather.Chart, label: str, height: int = HEIGHT) -> Markup:
    """The chart's SVG, scaling to its box, with role="img", aria-label and a <title>."""
    root = ET.fromstring(chart.to_svg(width=WIDTH, height=height))
    for name in ("width", "height", "version"):
        root.attrib.pop(name, None)
    root.set("xmlns", SVG_NS)
    root.set("viewBox", f"0 0 {WIDTH} {height}")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("class", "chart-svg")
    title = ET.Element("title")
    title.text = label
    root.insert(0, title)
    for element in root.iter():  # coordinates to one decimal: a third of the bytes
        # plain tag names: ElementTree's namespace prefixes are process-wide (qrcode registers
        # "svg"), and HTML reads <svg:svg> as no SVG at all
        element.tag = element.tag.rpartition("}")[2]
        element.attrib.pop("font-family", None)  # charts.css sets FONTS once for the chart
        for name, value in element.attrib.items():
            element.set(name, _NUMBER.sub(_short, value))
    return Markup(ET.tostring(root, encoding="unicode"))


def _whole(value) -> str:
    return f"{value:g}"


def _ticks(values) -> list[int]:
    """Five whole-number ticks from 0 that cover the values (an axis of zeros too, which
    leather cannot scale by itself)."""
    rough = max([0, *values]) / 4
    step = 1
    if rough > 1:
        power = 10 ** math.floor(math.log10(rough))
        step = next(power * m for m in (1, 2, 5, 10) if power * m >= rough)
    return [step * i for i in range(5)]


def _y_scale(chart: leather.Chart, values) -> list[int]:
    ticks = _ticks(values)
    chart.set_y_scale(leather.Linear(0, ticks[-1]))
    return ticks


def columns(labels: list[str], values: list[float], label: str) -> Markup:
    """One column per stretch of the period (hours by week)."""
    chart = leather.Chart()
    ticks = _y_scale(chart, values)
    chart.add_x_axis(tick_formatter=lambda value, i, n: value if n <= 7 or i % 2 == 0 else "")
    chart.add_y_axis(ticks=ticks, tick_formatter=lambda value, i, n: _whole(value))
    chart.add_columns(list(zip(labels, values, strict=True)))
    return finish(chart, label)


def lines(labels: list[str], named: dict[str, list[float]], label: str) -> Markup:
    """Several series over the same stretches (points issued against spent)."""
    chart = leather.Chart()
    chart.set_x_scale(leather.Linear(0, max(1, len(labels) - 1)))
    ticks = _y_scale(chart, [v for values in named.values() for v in values])
    step = 1 if len(labels) <= 7 else 2
    chart.add_x_axis(ticks=list(range(0, len(labels), step)),
                     tick_formatter=lambda value, i, n: labels[int(value)])
    chart.add_y_axis(ticks=ticks, tick_formatter=lambda value, i, n: _whole(value))
    for name, values in named.items():  # a line's x is a number: the stretch's index
        chart.add_line(list(enumerate(values)), name=name)
    return finish(chart, label)


def bars(labels: list[str], values: list[float], label: str) -> Markup:
    """One bar per label, read at a glance: wishes by status, hours by place."""
    chart = leather.Chart()
    ticks = _ticks(values)
    chart.set_x_scale(leather.Linear(0, ticks[-1]))
    chart.add_x_axis(ticks=ticks, tick_formatter=lambda value, i, n: _whole(value))
    chart.add_bars(list(zip(values, labels, strict=True)))
    return finish(chart, label, height=max(HEIGHT, 50 + 32 * len(labels)))
