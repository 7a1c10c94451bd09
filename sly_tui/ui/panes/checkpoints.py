"""Checkpoints of a train task: what exists, how big, which is best; delete the unused.

The list is polled while the tab is visible and the task runs (see `PolledPane`), and
once more after it ends. "Unused" follows one rule, stated in the confirmation and
matching what the server deletes: every checkpoint except the newest and those marked
best.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from sly_tui.api import ApiError, Checkpoint, SlyClient, TaskInfo
from sly_tui.api.sentences import failure_sentence
from sly_tui.text import one_line
from sly_tui.ui.forms.delete_checkpoints import (
    DeleteCheckpointsModal,
    checkpoint_name,
    plan_cleanup,
    total_size,
)
from sly_tui.ui.panes.polled_pane import PolledPane
from sly_tui.ui.widgets.plain_table import PlainTable
from sly_tui.ui.widgets.sizes import human_size

BEST = "★"


def epoch_text(checkpoint: Checkpoint) -> str:
    """`12`, `12 · step 480` or `step 480`."""
    parts = []
    if checkpoint.epoch is not None:
        parts.append(str(checkpoint.epoch))
    if checkpoint.step is not None:
        parts.append(f"step {checkpoint.step}")
    return " · ".join(parts) or "—"


def created_text(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "—"


class CheckpointsPane(PolledPane):
    TAB = "Checkpoints"
    FOCUS = "#ckpt-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("D", "delete_unused", "Delete unused", id="checkpoints.delete_unused"),
    ]

    DEFAULT_CSS = """
    CheckpointsPane #ckpt-summary { height: 1; padding: 0 1; }
    CheckpointsPane #ckpt-table { height: 1fr; }
    CheckpointsPane #ckpt-status { height: 1; padding: 0 1; color: $text-muted; }
    CheckpointsPane #ckpt-status.-error { color: $error; }
    """

    def __init__(self, task_id: int, task: TaskInfo | None) -> None:
        super().__init__(task_id, task)
        self.checkpoints: list[Checkpoint] | None = None  # None until the first answer
        self.status = ""

    @classmethod
    def applies(cls, task: TaskInfo | None) -> bool:
        return task is not None and task.type == "train"

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading checkpoints…", "italic"), id="ckpt-summary")
        columns = [
            ("best", BEST),
            ("name", "Name"),
            ("epoch", "Epoch"),
            ("size", "Size"),
            ("created", "Created"),
            ("path", "Path"),
        ]
        yield PlainTable(columns, id="ckpt-table")
        yield Static(id="ckpt-status")

    # --- polling --------------------------------------------------------------------------

    async def fetch(self, client: SlyClient) -> list[Checkpoint]:
        return await client.tasks.list_checkpoints(self.task_id)

    def live(self) -> bool:
        return self.info is None or self.info.is_active

    def task_updated(self, task: TaskInfo) -> None:
        was_live = self.live()
        super().task_updated(task)
        if was_live and not self.live():
            self.reload()  # read the final list now rather than one interval later

    def loaded(self, value: Any) -> None:
        checkpoints = list(value)
        if checkpoints != self.checkpoints:
            self.checkpoints = checkpoints
            self._show_table(checkpoints)
            self._show_summary(checkpoints)
        self._show_status(self._status_line(), error=False)

    def failed(self, error: ApiError) -> None:
        self._show_status(f"Could not list the checkpoints: {failure_sentence(error)}", error=True)

    def _show_status(self, line: str, *, error: bool) -> None:
        """One line under the table; written only when it changes (a poll every interval)."""
        if line == self.status:
            return
        self.status = line
        status = self.query_one("#ckpt-status", Static)
        status.set_class(error, "-error")
        status.update(Text(one_line(line)))

    def _status_line(self) -> str:
        if self.live():
            return "Updates while the task runs."
        return "The task has ended: this list is final."

    def _show_summary(self, checkpoints: Sequence[Checkpoint]) -> None:
        summary = Text(no_wrap=True, overflow="ellipsis")
        if not checkpoints:
            summary.append("No checkpoints.", "italic")
        else:
            count = len(checkpoints)
            summary.append(f"{count} checkpoint{'s' if count != 1 else ''}", "bold")
            summary.append(f", {human_size(total_size(checkpoints))}")
            summary.append(f" · newest {checkpoint_name(checkpoints[-1])}")
            best = [c for c in checkpoints if c.best]
            if best:
                summary.append(f" · {BEST} best {', '.join(map(checkpoint_name, best))}")
        self.query_one("#ckpt-summary", Static).update(summary)

    def _show_table(self, checkpoints: Sequence[Checkpoint]) -> None:
        rows = [
            (
                str(index),
                [
                    Text(BEST if checkpoint.best else "", "bold"),
                    Text(checkpoint_name(checkpoint)),
                    Text(epoch_text(checkpoint)),
                    Text(human_size(checkpoint.size)),
                    Text(created_text(checkpoint.created_at)),
                    Text(one_line(checkpoint.path or "")),
                ],
            )
            for index, checkpoint in enumerate(checkpoints)
        ]
        self.query_one(PlainTable).show(rows)

    # --- delete unused --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "delete_unused" and self.sly.read_only)

    def action_delete_unused(self) -> None:
        if self.sly.read_only:
            self.notify("Read-only mode: deleting checkpoints is disabled.", severity="warning")
            return
        if self.checkpoints is None:
            self.notify("The checkpoints are still loading.", severity="warning")
            return
        cleanup = plan_cleanup(self.checkpoints)
        if not cleanup.deleted:
            self.notify("Nothing to delete: only the newest and best checkpoints exist.")
            return
        modal = DeleteCheckpointsModal(self.form_target(), self.task_id, cleanup)
        self.app.push_screen(modal, self._deleted)

    def _deleted(self, result: Any) -> None:
        if result is not None:
            self.reload()
