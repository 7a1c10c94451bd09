"""Stop one or several tasks, after a confirmation with Cancel focused.

The modal is built from the tasks as they were when the user asked, and stops exactly
those ids, whatever the list's filters or order do meanwhile. It reports what the server
answered for each task; the screens keep polling, so each one is followed to its end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.notifications import SeverityLevel
from textual.widget import Widget
from textual.widgets import Button, Static

from sly_tui.api import ApiError, SlyClient
from sly_tui.monitor.events import TaskGone, TaskUpdated
from sly_tui.monitor.task_statuses import TaskStatusesTopic
from sly_tui.text import one_line
from sly_tui.ui import format as fmt
from sly_tui.ui.bridge import Subscriber
from sly_tui.ui.forms.base import FormModal
from sly_tui.ui.messages import MonitorEvent
from sly_tui.ui.status import status_label
from sly_tui.ui.targets import Call, Target

MAX_LISTED = 12
REFUSED = "not stopped: "  # starts the outcome of a task the server would not stop


async def stop_tasks(client: SlyClient, task_ids: Sequence[int]) -> dict[int, str]:
    """Stop each task; returns id → the status the server answered, or why it refused.

    One refusal does not stop the others; only when every stop fails is it an error, so
    the form stays open to show why.
    """
    outcome: dict[int, str] = {}
    failures: list[ApiError] = []
    for task_id in task_ids:
        try:
            outcome[task_id] = str(await client.tasks.stop(task_id))
        except ApiError as exc:
            failures.append(exc)
            outcome[task_id] = f"{REFUSED}{one_line(str(exc))}"  # with the server's reason
    if failures and len(failures) == len(task_ids):
        raise failures[0]
    return outcome


class StopModal(Subscriber, FormModal):
    """Are you sure? Lists id, name, status and agent of every task to stop, and keeps the
    listed statuses current while open: a task that ends meanwhile is shown ended and left
    out of the stop (the ids stay those the user was asked about)."""

    SUBMIT_LABEL = "Stop"
    SUBMIT_VARIANT = "error"

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.tasks = [task for task in target.tasks if task.is_active]
        self.task_ids = [task.id for task in self.tasks]
        self.left_out = len(target.tasks) - len(self.tasks)  # marked, but ended already
        self.heading = self._heading()

    def _heading(self) -> str:
        ids = self.task_ids
        heading = f"Stop {len(ids)} tasks?" if len(ids) > 1 else f"Stop task {ids[0]}?"
        if self.left_out:
            heading += f" ({self.left_out} marked already ended: left out)"
        return heading

    def compose_fields(self) -> Iterable[Widget]:
        yield Static(self._table(), id="stop-list")

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        for _ in range(4):
            table.add_column(no_wrap=True, overflow="ellipsis")
        table.add_row(*(Text(h, "bold") for h in ("ID", "NAME", "STATUS", "AGENT")))
        for task in self.tasks[:MAX_LISTED]:
            table.add_row(
                Text(str(task.id)),
                Text(fmt.task_name(task)),
                Text(status_label(task.status)),
                Text(one_line(task.agent_name or str(task.agent_id or "—"))),
            )
        if len(self.tasks) > MAX_LISTED:
            table.add_row(Text(f"… and {len(self.tasks) - MAX_LISTED} more", "italic"))
        return table

    def on_mount(self) -> None:
        self.query_one("#form-cancel", Button).focus()  # the safe choice is the default
        self.subscribe(TaskStatusesTopic(self.tasks[:MAX_LISTED]))

    def on_monitor_event(self, message: MonitorEvent) -> None:
        """A listed task changed (or is gone): show it, and stop only what is still active."""
        event = message.event
        if isinstance(event, TaskUpdated):
            self.tasks = [event.task if task.id == event.task.id else task for task in self.tasks]
        elif isinstance(event, TaskGone):
            self.tasks = [task for task in self.tasks if task.id != event.task_id]
        else:
            return
        self.query_one("#stop-list", Static).update(self._table())
        active = [task.id for task in self.tasks if task.is_active]
        if not active:
            self.query_one("#form-title", Static).update(
                Text("Every listed task has ended: there is nothing to stop.")
            )
            self.query_one("#form-submit", Button).disabled = True
            return
        if active != self.task_ids:
            self.left_out += len(self.task_ids) - len(active)
            self.task_ids = active
            self.query_one("#form-title", Static).update(Text(self._heading()))
        self.refresh_preview()

    def build(self) -> Call:
        ids = list(self.task_ids)
        return Call(
            "tasks.stop",
            {"ids": ids},
            lambda client: stop_tasks(client, ids),
        )

    def done_message(self, call: Call, result: Any) -> str:
        """What the server answered for each task (`1163: terminating`)."""
        return "; ".join(f"{task_id}: {status.rstrip('.')}" for task_id, status in result.items())

    def done_severity(self, result: Any) -> SeverityLevel:
        """Some refused: a warning, so it stays long enough to read why."""
        refused = any(status.startswith(REFUSED) for status in result.values())
        return "warning" if refused else "information"
