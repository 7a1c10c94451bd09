"""Training metrics of a task as live line charts, one per metric family.

A `MetricsTopic` of the app's polling service reads the metrics while this tab is visible
(and not covered by another screen) and reports only changes, so an idle chart costs one
request per interval and no drawing. The charts stack; each has its key beside it on wide
terminals and underneath below 100 columns. `b` switches the lines between braille and
half blocks (for fonts without braille; `SLY_TUI_ASCII=1` starts in blocks), `e` writes
the series to CSV and JSON files in the working directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from sly_tui.api import TaskInfo
from sly_tui.monitor.metrics import (
    Metrics,
    MetricsFailed,
    MetricsTopic,
    MetricsUpdated,
    reports_metrics,
    write_export,
)
from sly_tui.ui.bridge import Subscriber
from sly_tui.ui.messages import MonitorEvent
from sly_tui.ui.panes.base import TaskPane
from sly_tui.ui.widgets.metric_chart import ChartStack, MetricChart, blocks_by_default

EMPTY = "No training metrics for this task yet."


class MetricsPane(Subscriber, TaskPane):
    TAB = "Metrics"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "toggle_blocks", "Braille/blocks", id="metrics.ascii"),
        Binding("e", "export", "Export", id="metrics.export"),
    ]

    DEFAULT_CSS = """
    MetricsPane #metrics-note { height: 1; padding: 0 1; color: $text-muted; }
    MetricsPane #metrics-note.-failed { color: $warning; }
    """

    # The line mode chosen last in this session (None: not chosen, use the environment).
    chosen_blocks: ClassVar[bool | None] = None

    def __init__(self, task_id: int, task: TaskInfo | None) -> None:
        super().__init__(task_id, task)
        self.topic = MetricsTopic(task_id, visible=self._visible)
        self.topic.ended = task is not None and not task.is_active
        self.metrics: Metrics | None = None
        self.answered = False  # whether the server has answered once
        self.failure: str | None = None
        chosen = MetricsPane.chosen_blocks
        self.blocks = blocks_by_default() if chosen is None else chosen

    @classmethod
    def applies(cls, task: TaskInfo | None) -> bool:
        return task is not None and reports_metrics(task)

    def compose(self) -> ComposeResult:
        yield Static("Loading metrics…", id="metrics-note")
        yield ChartStack(id="metrics-charts")

    # --- polling --------------------------------------------------------------------------

    def task_updated(self, task: TaskInfo) -> None:
        super().task_updated(task)
        ended = not task.is_active
        if ended and not self.topic.ended and self.subscription is not None:
            self.subscription.refresh()  # read the final metrics now, then stop
        self.topic.ended = ended

    def shown(self, active: bool) -> None:
        super().shown(active)
        if not active:
            self.pause_polling()
            return
        self.query_one(ChartStack).focus()
        self.subscribe(self.topic)

    def _visible(self) -> bool:
        """Whether anyone can see the pane (a form or another screen may cover it)."""
        return self.is_attached and self.screen.is_current

    def on_monitor_event(self, message: MonitorEvent) -> None:
        event = message.event
        if isinstance(event, MetricsUpdated) and event.task_id == self.task_id:
            message.stop()
            self.answered, self.failure = True, None
            self.metrics = event.metrics
            self._draw()
        elif isinstance(event, MetricsFailed) and event.task_id == self.task_id:
            message.stop()
            self.failure = event.error
            self._show_note()

    # --- drawing --------------------------------------------------------------------------

    def _draw(self) -> None:
        """Bring the charts in line with `metrics`: one per family, each redrawn only if
        its series changed; families that vanished lose their chart."""
        metrics = self.metrics
        families = metrics.families() if metrics else []
        box = self.query_one(ChartStack)
        charts = {chart.family: chart for chart in box.query(MetricChart)}
        wanted = {family for family, _ in families}
        for family, chart in charts.items():
            if family not in wanted:
                chart.remove()
        x_label = metrics.x_label if metrics else ""
        for family, series in families:
            shown = charts.get(family)
            if shown is None:
                shown = MetricChart(family)
                box.mount(shown)
            shown.show(series, x_label, self.blocks)
        self._show_note()

    def _show_note(self) -> None:
        note = self.query_one("#metrics-note", Static)
        note.set_class(self.failure is not None, "-failed")
        metrics = self.metrics
        if self.failure is not None:
            kept = " Showing the last metrics read." if metrics else ""
            text = Text(f"Could not read the metrics: {self.failure}{kept}", no_wrap=True)
        elif not self.answered:
            text = Text("Loading metrics…")
        elif not metrics:
            text = Text(EMPTY)
        else:
            last = max(series.xs[-1] for series in metrics.series if series.xs)
            state = "final" if self.topic.ended else "live"
            lines = "blocks" if self.blocks else "braille"
            text = Text(
                f"{metrics.x_label} {last:g} · {len(metrics.series)} series · {state} · {lines}",
                no_wrap=True,
            )
        text.overflow = "ellipsis"
        note.update(text)

    # --- keys -----------------------------------------------------------------------------

    def action_toggle_blocks(self) -> None:
        """Braille lines are finer; half blocks show on any font."""
        self.blocks = not self.blocks
        MetricsPane.chosen_blocks = self.blocks
        self._draw()

    def action_export(self) -> None:
        if not self.metrics:
            self.notify("No metrics to export yet.", severity="warning")
            return
        self._export(self.metrics)

    @work(thread=True, group="metrics-export", exit_on_error=False)
    def _export(self, metrics: Metrics) -> None:
        """Write the files off the event loop (a long run is megabytes)."""
        try:
            paths = write_export(Path.cwd(), self.task_id, metrics)
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, f"Could not export the metrics: {exc}", severity="error", markup=False
            )
            return
        saved = " and ".join(str(path) for path in paths)
        self.app.call_from_thread(self.notify, f"Metrics saved to {saved}", markup=False)
