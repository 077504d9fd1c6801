"""The charts' SVG: inline-ready, script- and style-free, named for screen readers, small."""

from xml.etree import ElementTree as ET

from portal.dashboards import charts

LABELS = ["11/1", "11/8", "11/15", "11/22", "11/29"]


def _all():
    return [charts.columns(LABELS, [1.5, 0, 3, 12, 4], "每周服务时长"),
            charts.lines(LABELS, {"发放": [1, 2, 0, 4, 5], "使用": [0, 1, 1, 2, 0]}, "积分"),
            charts.bars(["待审核", "已圆梦", "已撤回"], [0, 0, 0], "心愿"),
            charts.columns(["11/1"], [0], "空")]


def test_plain_svg_that_html_reads_as_svg():
    # qrcode registers the prefix "svg" for the SVG namespace, process-wide: the charts must
    # still start <svg (HTML reads <svg:svg> as an unknown element, not a drawing)
    ET.register_namespace("svg", charts.SVG_NS)
    for svg in _all():
        assert svg.startswith("<svg ") and "svg:" not in svg
        assert 'role="img"' in svg and 'aria-label="' in svg and "<title>" in svg
        assert "<script" not in svg and "<style" not in svg and "style=" not in svg
        assert "font-family" not in svg and 'viewBox="0 0 ' in svg
        assert len(svg.encode()) < 8 * 1024


def test_ticks_are_round_numbers():
    assert charts._ticks([0]) == [0, 1, 2, 3, 4]
    assert charts._ticks([476]) == [0, 200, 400, 600, 800]
    assert charts._ticks([112.5, 4]) == [0, 50, 100, 150, 200]
