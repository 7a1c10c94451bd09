"""One chart of training metrics: a family of series (train and val loss …) as lines with
axes and ticks, and beside it a key with each series' colour, latest and best value.

Built on textual-plot's `PlotWidget`. Its in-plot legend is not used: on a small terminal
it would cover the curves, and it re-parses labels as markup. The key beside the chart is
the legend, with names from the server rendered literally. Nothing is drawn again unless
the series, the line mode or the theme changed, so a poll that brings nothing new costs
nothing here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from math import isfinite

from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static
from textual_plot import HiResMode, PlotWidget
from textual_plot.plot_widget import DataSet

from sly_tui.monitor.metrics import Series
from sly_tui.text import one_line
from sly_tui.ui.widgets.chart_scale import even_ticks, legend_format

# Theme colours for the splits, in order of preference; other splits take what is left.
SPLIT_COLOURS = {"train": "primary", "val": "warning", "eval": "success", "test": "error"}
SPARE_COLOURS = ("success", "error", "accent", "secondary", "foreground")
MAX_PLOTTED = 1_000  # points per line; longer series are thinned evenly (the key is exact)
ASCII_ENV = "SLY_TUI_ASCII"
NARROW = 100  # columns below which the key goes under the plot instead of beside it
MIN_CHART = 13  # rows: title, a plot with five rows of data and its ticks, a gap
TALL_CHART = 16  # rows from which a chart also spends two on its x label


def blocks_by_default() -> bool:
    """Whether charts start in block mode (`SLY_TUI_ASCII=1`), for fonts without braille."""
    return os.environ.get(ASCII_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def series_colours(series: Sequence[Series], variables: Mapping[str, str]) -> list[str]:
    """A distinct theme colour per series: train in primary, val in warning, and so on."""
    used: list[str] = []
    for item in series:
        preferred = SPLIT_COLOURS.get(item.split)
        names = ((preferred,) if preferred else ()) + SPARE_COLOURS
        options = [variables[name] for name in names if name in variables]
        colour = next((c for c in options if c not in used), options[0] if options else "")
        used.append(colour)
    return used


def thinned(values: Sequence[float], most: int = MAX_PLOTTED) -> Sequence[float]:
    """Every n-th value so at most `most` remain, always keeping the last one."""
    if len(values) <= most:
        return values
    step = -(-len(values) // most)
    kept = list(values[::step])
    if (len(values) - 1) % step:
        kept.append(values[-1])
    return kept


class ChartStack(VerticalScroll):
    """Charts one under another that share the height while each gets `MIN_CHART` rows;
    more charts than that keep the minimum and scroll. (In a scrolling container `1fr`
    turns into the full height as soon as the content overflows.)"""

    DEFAULT_CSS = """
    ChartStack { height: 1fr; }
    """

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        charts = list(self.query_children(MetricChart))
        if charts:
            share = self.scrollable_content_region.height // len(charts)
            for chart in charts:
                chart.fit_height(max(MIN_CHART, share))


class MetricPlot(PlotWidget, can_focus=False, inherit_bindings=False):
    """A `PlotWidget` that takes no keys: its zoom and pan keys (`+ - r` and arrows) would
    shadow the app's refresh and interval keys, and a chart that redraws itself live has no
    use for a zoom the next update would undo."""

    DEFAULT_CSS = """
    MetricPlot { height: 1fr; width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__(allow_pan_and_zoom=False)
        self.y_range: tuple[float, float] | None = None  # of the data; None: no data

    def _render_plot(self) -> None:
        """Before each drawing (new data or a new size), y limits and ticks that space the
        ticks evenly on this many rows (`even_ticks`); textual-plot's own round ticks land
        on uneven rows. Set as fields, since `set_ylimits` would schedule yet another render.
        """
        if self.y_range is not None:
            low, high, ticks = even_ticks(*self.y_range, self._scale_rectangle.height)
            self._auto_y_min = self._auto_y_max = False
            self._y_min, self._y_max, self._y_ticks = low, high, ticks
        super()._render_plot()

    @property
    def datasets(self) -> tuple[DataSet, ...]:
        """What is drawn, a data set per line (textual-plot keeps the list to itself)."""
        return tuple(self._datasets)

    @property
    def y_axis(self) -> tuple[float, float, list[float], int]:
        """The y limits, the tick values and the rows they are spread over, as last drawn."""
        return self._y_min, self._y_max, list(self._y_ticks or []), self._scale_rectangle.height

    def on_mount(self) -> None:
        self.margin_top = 0  # holds only the y label, which is the chart's title instead

    @on(events.MouseScrollDown)
    def _wheel_down(self) -> None:
        self._scroll_page(1)

    @on(events.MouseScrollUp)
    def _wheel_up(self) -> None:
        self._scroll_page(-1)

    def _scroll_page(self, direction: int) -> None:
        """The base class swallows the wheel to zoom (off here): scroll the page instead, or
        a stack of charts taller than the terminal could not be wheeled through."""
        for node in self.ancestors:
            if isinstance(node, Widget) and node.allow_vertical_scroll:
                node.scroll_relative(y=direction * self.app.scroll_sensitivity_y, animate=False)
                return

    def fit(self, x_label: bool) -> None:
        """Under the tick labels, two more rows for the x label ("epoch") or none."""
        margin = 3 if x_label else 1
        if margin != self.margin_bottom:
            self.margin_bottom = margin
            # The canvases get their new sizes in the coming layout pass; draw after it.
            self.call_after_refresh(self.refresh, layout=True)


class MetricChart(Vertical):
    """Title, plot and key of one metric family."""

    DEFAULT_CSS = """
    MetricChart { height: 12; margin-bottom: 1; }
    MetricChart > #chart-title { height: 1; padding: 0 1; }
    MetricChart > #chart-body { height: 1fr; layout: horizontal; }
    MetricChart > #chart-body > #chart-key { width: 44; height: auto; padding: 1 1 0 1; }
    MetricChart.-narrow > #chart-body { layout: vertical; height: auto; }
    MetricChart.-narrow > #chart-body > MetricPlot { height: 10; }
    MetricChart.-narrow > #chart-body > #chart-key { width: 100%; padding: 0 1; }
    """

    def __init__(self, family: str) -> None:
        super().__init__()
        self.family = family
        self.series: tuple[Series, ...] = ()
        self._wanted: tuple[tuple[Series, ...], str, bool] = ((), "", False)
        self._drawn: tuple[object, ...] | None = None  # what is on screen; equal: no redraw
        self._rows = MIN_CHART
        self.number: Callable[[float], str] = str  # the key's format of its values
        self._ready = False  # parts composed (`is_mounted` turns True only after on_mount)

    def compose(self) -> ComposeResult:
        yield Static(id="chart-title")
        with Vertical(id="chart-body"):
            yield MetricPlot()
            yield Static(id="chart-key")

    def on_mount(self) -> None:
        self._ready = True
        if isinstance(self.parent, ChartStack):
            self.parent.fit()  # one more chart: all take a new share
        self._fit()
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        """Below `NARROW` columns the key moves under the plot, which keeps its width."""
        narrow = event.size.width < NARROW
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self._fit()

    def fit_height(self, rows: int) -> None:
        """Take `rows` rows, gap included (a narrow chart takes what its parts need)."""
        if rows != self._rows:
            self._rows = rows
            self._fit()

    def _fit(self) -> None:
        if not self._ready:
            return  # on_mount fits
        narrow = self.has_class("-narrow")
        gap = self.styles.margin.bottom
        self.styles.height = "auto" if narrow else max(1, self._rows - gap)
        self.query_one(MetricPlot).fit(x_label=not narrow and self._rows >= TALL_CHART)

    def notify_style_update(self) -> None:
        """Styles changed, perhaps the theme: the lines take their colours from it."""
        super().notify_style_update()
        if self._ready:
            self._draw()  # a no-op unless the colours changed

    def show(self, series: Sequence[Series], x_label: str, blocks: bool) -> None:
        """Show `series` (one family), drawn as braille lines or as half `blocks`."""
        self._wanted = (tuple(series), x_label, blocks)
        if self._ready:
            self._draw()

    def _draw(self) -> None:
        series, x_label, blocks = self._wanted
        colours = series_colours(series, self.app.theme_variables)
        drawn = (*self._wanted, tuple(colours))
        if drawn == self._drawn:
            return
        self._drawn = drawn
        resized = len(series) != len(self.series)  # the key gains or loses a row
        self.series = series
        mode = HiResMode.HALFBLOCK if blocks else HiResMode.BRAILLE
        plot = self.query_one(MetricPlot)
        plot.clear()
        values = [value for item in series for value in item.ys if isfinite(value)]
        plot.y_range = (min(values), max(values)) if values else None
        for item, colour in zip(series, colours, strict=True):
            plot.plot(thinned(item.xs), thinned(item.ys), line_style=colour, hires_mode=mode)
        plot.set_xlabel(x_label)
        self.query_one("#chart-title", Static).update(self._title(series), layout=False)
        key = self.query_one("#chart-key", Static)
        sample = "▀▀" if blocks else "⠒⠒"
        shown = [point[1] for item in series for point in (item.latest(), item.best()) if point]
        self.number = legend_format(shown)
        key.update(self._key(series, colours, sample, x_label, self.number), layout=resized)

    @staticmethod
    def _title(series: Sequence[Series]) -> Text:
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(one_line(series[0].metric) if series else "", "bold")
        direction = series[0].direction if series else None
        if direction is not None:
            better = "lower" if direction == "min" else "higher"
            title.append(f"  {better} is better", "dim")
        return title

    @staticmethod
    def _key(
        series: Sequence[Series],
        colours: Sequence[str],
        sample: str,
        x: str,
        number: Callable[[float], str],
    ) -> Table:
        """The legend: per series its line sample, name, latest and best value (with x)."""
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        table.add_column(no_wrap=True, justify="right")
        table.add_column(no_wrap=True, justify="right")
        table.add_row(Text(""), Text("latest", "dim"), Text(f"best ({x})", "dim"))
        for item, colour in zip(series, colours, strict=True):
            name = Text(no_wrap=True, overflow="ellipsis")
            name.append(sample, colour)
            name.append(" " + one_line(item.name))
            latest = item.latest()
            best = item.best()
            table.add_row(
                name,
                Text(number(latest[1]) if latest else "—"),
                Text(f"{number(best[1])} ({best[0]:g})" if best else "—"),
            )
        return table
