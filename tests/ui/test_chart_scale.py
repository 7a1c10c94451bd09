"""Chart numbers: y ticks evenly spaced on the rows textual-plot draws them on, and one
format for every value of a legend; then the same seen on a live chart."""

from __future__ import annotations

import random
import re
from itertools import pairwise

import pytest
from textual.geometry import Region
from textual_plot.plot_widget import map_coordinate_to_pixel

from sly_tui.demo import Emulator
from sly_tui.ui.widgets.chart_scale import even_ticks, legend_format
from sly_tui.ui.widgets.metric_chart import MetricChart, MetricPlot

from ..monitor.test_metrics import trained
from .helpers import widget_lines
from .test_metrics import app, braille, open_metrics  # noqa: F401 (fixtures)


def drawn_rows(low: float, high: float, ticks: list[float], rows: int) -> list[int]:
    """The rows textual-plot puts the ticks on (its own mapping, border rows included)."""
    region = Region(1, 1, 40, rows)
    return [map_coordinate_to_pixel(0, tick, 0, 1, low, high, region)[1] for tick in ticks]


def test_ticks_are_evenly_spaced_and_cover_the_data():
    picks = random.Random(11)
    for _ in range(3000):
        rows = picks.randint(2, 40)
        low = picks.uniform(-1e3, 1e3) * 10.0 ** picks.randint(-8, 3)
        high = low + abs(picks.gauss(0, 1)) * 10.0 ** picks.randint(-6, 4)
        bottom, top, ticks = even_ticks(low, high, rows)
        where = drawn_rows(bottom, top, ticks, rows)
        gaps = {below - above for below, above in pairwise(where)}
        assert len(gaps) == 1 and min(gaps) >= (2 if rows >= 5 else 1), (low, high, rows)
        assert bottom <= low and high <= top and all(1 <= row <= rows for row in where)
        assert len(ticks) >= (3 if rows >= 5 else 2)


@pytest.mark.parametrize("low, high", [(3.0, 3.0), (float("nan"), 1.0), (-0.5, 0.5)])
def test_flat_odd_or_straddling_data_still_gets_ticks(low: float, high: float):
    bottom, top, ticks = even_ticks(low, high, 9)
    assert bottom < top and len(ticks) >= 3


def test_a_legend_shows_all_its_values_with_the_same_decimals():
    number = legend_format([0.4123, 0.05, 1.2])
    assert [number(v) for v in (0.4123, 0.05, 1.2)] == ["0.412", "0.050", "1.200"]
    number = legend_format([1234.5, 12.0])
    assert [number(v) for v in (1234.5, 12.0)] == ["1234", "12"]
    tiny = legend_format([1.2e-5, 3e-6])
    assert [tiny(v) for v in (1.2e-5, 3e-6)] == ["1.200e-05", "3.000e-06"]


async def test_a_live_chart_has_even_ticks_and_a_consistent_key(app, emulator: Emulator):  # noqa: F811
    task_id = trained(emulator, epochs=6)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await open_metrics(pilot, task_id)
        for chart in pane.query(MetricChart):
            plot = chart.query_one(MetricPlot)
            where = drawn_rows(*plot.y_axis)
            assert len(where) >= 3
            assert len({a - b for a, b in pairwise(where)}) == 1
            key = "\n".join(widget_lines(chart.query_one("#chart-key")))
            numbers = re.findall(r"(?<![\w.])-?\d+\.(\d+)", key)
            assert numbers and len({len(decimals) for decimals in numbers}) == 1, key
