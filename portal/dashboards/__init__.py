"""Dashboards (数据看板): one page per staff scope (街道, 社区, 网格) for a chosen period, each
figure beside the period before it, with server-rendered SVG charts and their tables.

    period.py   the period asked for (this month, last month, a range of local days) and
                the one before it, as UTC spans
    figures.py  the figures, each a fixed number of aggregate statements (GROUP BY in SQL)
    series.py   the charts' series: per week and per place, bucketed in SQL
    charts.py   pygal charts made into plain, script-free inline SVG
    forms.py, views.py   /staff/dashboards/ (the scopes) and /staff/dashboards/<zone>
"""
