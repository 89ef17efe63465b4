"""The dashboard's and the period report's bar charts: a bar is as long as what it says."""

from __future__ import annotations

import re

from bcp.reports.charts import bar_chart, duration_bar


def bar_widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]


def test_a_median_under_half_a_minute_draws_no_bar():
    svg = bar_chart("Time to acknowledge", [duration_bar("STI", 20), duration_bar("CR", None)])
    assert bar_widths(svg) == [0.0, 0.0]
    assert ">0 min<" in svg and ">—<" in svg


def test_bars_are_in_proportion_to_the_minutes_they_show():
    svg = bar_chart("Time to recover", [duration_bar("STI", 600), duration_bar("CR", 1200)])
    short, long = bar_widths(svg)
    assert long == 2 * short and ">10 min<" in svg and ">20 min<" in svg


def test_chart_text_is_legible_in_a_card_a_third_of_a_desktop_wide():
    svg = bar_chart("Open incidents", [duration_bar("STI", 60)])
    width = float(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    smallest = min(float(size) for size in re.findall(r'font-size="(\d+)"', svg))
    assert smallest * 350 / width >= 12  # px, drawn 350 px wide
