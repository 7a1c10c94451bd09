"""Training metrics of a task as live line charts (placeholder until implemented)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from sly_tui.api import TaskInfo
from sly_tui.ui.panes.base import TaskPane


class MetricsPane(TaskPane):
    TAB = "Metrics"

    @classmethod
    def applies(cls, task: TaskInfo | None) -> bool:
        return task is not None and task.type == "train"

    def compose(self) -> ComposeResult:
        yield Static("Training metrics will appear here.")
