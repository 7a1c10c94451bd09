"""The contract between the task detail screen and its extra tabs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Vertical

from sly_tui.api import TaskInfo
from sly_tui.ui.workers import ReportsFailedWorkers

if TYPE_CHECKING:
    from sly_tui.ui.app import SlyApp


class TaskPane(ReportsFailedWorkers, Vertical):
    """Base of a detail-screen tab; `TAB` is its label, `applies` says for which tasks."""

    TAB = "Pane"
    DEFAULT_CSS = """
    TaskPane { height: 1fr; }
    """

    def __init__(self, task_id: int, task: TaskInfo | None) -> None:
        super().__init__()
        self.task_id = task_id
        self.info = task

    @property
    def sly(self) -> SlyApp:
        return self.app  # type: ignore[return-value]

    @classmethod
    def applies(cls, task: TaskInfo | None) -> bool:
        """Whether this tab makes sense for `task` (the screen hides it otherwise)."""
        return True

    def task_updated(self, task: TaskInfo) -> None:
        """The task's info changed (status, meta …)."""
        self.info = task

    def shown(self, active: bool) -> None:
        """The tab became visible (True) or hidden (False)."""
