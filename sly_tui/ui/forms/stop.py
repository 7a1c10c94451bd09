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
from textual.widget import Widget
from textual.widgets import Button, Static

from sly_tui.api import ApiError, SlyClient
from sly_tui.text import one_line
from sly_tui.ui import format as fmt
from sly_tui.ui.forms.base import Call, FormModal, Target
from sly_tui.ui.status import status_label

MAX_LISTED = 12


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
            outcome[task_id] = f"not stopped: {exc.sentence}"
    if failures and len(failures) == len(task_ids):
        raise failures[0]
    return outcome


class StopModal(FormModal):
    """Are you sure? Lists id, name, status and agent of every task to stop."""

    SUBMIT_LABEL = "Stop"
    SUBMIT_VARIANT = "error"

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.tasks = [task for task in target.tasks if task.is_active]
        self.task_ids = [task.id for task in self.tasks]
        count = len(self.tasks)
        self.heading = f"Stop {count} tasks?" if count > 1 else f"Stop task {self.task_ids[0]}?"
        if ended := len(target.tasks) - count:
            self.heading += f" ({ended} marked already ended: left out)"

    def compose_fields(self) -> Iterable[Widget]:
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
        yield Static(table, id="stop-list")

    def on_mount(self) -> None:
        self.query_one("#form-cancel", Button).focus()  # the safe choice is the default

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
