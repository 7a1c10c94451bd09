"""The contract between the task detail screen and its extra tabs."""

from __future__ import annotations

from textual.containers import Vertical

from sly_tui.api import TaskInfo
from sly_tui.ui.host import Hosted
from sly_tui.ui.workers import ReportsFailedWorkers


class TaskPane(ReportsFailedWorkers, Hosted, Vertical):
    """Base of a detail-screen tab; `TAB` is its label, `applies` says for which tasks."""

    TAB = "Pane"
    DEFAULT_CSS = """
    TaskPane { height: 1fr; }
    """

    def __init__(self, task_id: int, task: TaskInfo | None) -> None:
        super().__init__()
        self.task_id = task_id
        self.info = task

    @classmethod
    def applies(cls, task: TaskInfo | None) -> bool:
        """Whether this tab makes sense for `task` (the screen hides it otherwise)."""
        return True

    def task_updated(self, task: TaskInfo) -> None:
        """The task's info changed (status, meta …)."""
        self.info = task

    def shown(self, active: bool) -> None:
        """The tab became visible (True) or hidden (False)."""
