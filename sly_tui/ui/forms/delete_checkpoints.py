"""Delete the unused checkpoints of a train task, after a confirmation with Cancel focused.

`tasks.checkpoints.clear` takes only the task id; the server decides what is unused. The
confirmation states the rule the dashboard expects the server to follow (keep the newest
and the best) and what it means for the list on screen: how many checkpoints go and how
much space that frees. Success reports the count the server answered, and says so
when it differs from the one announced.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Button, Static

from sly_tui.api import Checkpoint
from sly_tui.text import one_line
from sly_tui.ui.forms.base import FormModal
from sly_tui.ui.targets import Call, Target
from sly_tui.ui.widgets.sizes import human_size

MAX_LISTED = 12
RULE = "The newest checkpoint and the one marked best are kept; every other one is deleted."


def checkpoint_name(checkpoint: Checkpoint) -> str:
    """The server's name, else the file name of its path, else its id."""
    name = checkpoint.name or (checkpoint.path or "").rsplit("/", 1)[-1]
    if not name:
        name = f"#{checkpoint.id}" if checkpoint.id is not None else "?"
    return one_line(name)


def total_size(checkpoints: Iterable[Checkpoint]) -> int:
    return sum(c.size or 0 for c in checkpoints)


@dataclass(frozen=True)
class Cleanup:
    """What "delete unused" does to a list: the checkpoints kept and those deleted."""

    kept: tuple[Checkpoint, ...]
    deleted: tuple[Checkpoint, ...]


def plan_cleanup(checkpoints: Sequence[Checkpoint]) -> Cleanup:
    """Keep the newest (the last the server lists) and every one marked best."""
    newest = len(checkpoints) - 1
    kept = tuple(c for i, c in enumerate(checkpoints) if i == newest or c.best)
    deleted = tuple(c for i, c in enumerate(checkpoints) if i != newest and not c.best)
    return Cleanup(kept, deleted)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class DeleteCheckpointsModal(FormModal):
    """Lists what goes and what stays; Delete sends `tasks.checkpoints.clear`."""

    SUBMIT_LABEL = "Delete"
    SUBMIT_VARIANT = "error"

    DEFAULT_CSS = """
    DeleteCheckpointsModal #ckpt-delete-facts { margin-bottom: 1; }
    """

    def __init__(self, target: Target, task_id: int, cleanup: Cleanup) -> None:
        super().__init__(target)
        self.task_id = task_id
        self.cleanup = cleanup
        count = _plural(len(cleanup.deleted), "unused checkpoint")
        self.heading = f"Delete {count} of task {task_id}?"

    def compose_fields(self) -> Iterable[Widget]:
        kept, deleted = self.cleanup.kept, self.cleanup.deleted
        facts = Text()
        facts.append(f"Frees {human_size(total_size(deleted))} on the server.\n", "bold")
        facts.append(RULE + "\n")
        newest = kept[-1] if kept else None

        def role(c: Checkpoint) -> str:
            roles = (("newest", c is newest), ("best", bool(c.best)))
            return ", ".join(name for name, applies in roles if applies)

        facts.append("Kept: " + ", ".join(f"{checkpoint_name(c)} ({role(c)})" for c in kept))
        yield Static(facts, id="ckpt-delete-facts")
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right", no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_row(*(Text(h, "bold") for h in ("DELETED", "EPOCH", "SIZE")))
        for checkpoint in deleted[:MAX_LISTED]:
            epoch = "" if checkpoint.epoch is None else str(checkpoint.epoch)
            table.add_row(
                Text(checkpoint_name(checkpoint)), Text(epoch), Text(human_size(checkpoint.size))
            )
        if len(deleted) > MAX_LISTED:
            table.add_row(Text(f"… and {len(deleted) - MAX_LISTED} more", "italic"))
        yield Static(table, id="ckpt-delete-list")

    def on_mount(self) -> None:
        self.query_one("#form-cancel", Button).focus()  # the safe choice is the default

    def build(self) -> Call:
        task_id = self.task_id
        return Call(
            "tasks.checkpoints.clear",
            {"id": task_id},
            lambda client: client.tasks.delete_unused_checkpoints(task_id),
        )

    def done_message(self, call: Call, result: Any) -> str:
        """The server's count, compared with the one announced."""
        expected = len(self.cleanup.deleted)
        deleted = result.get("deleted") if isinstance(result, dict) else None
        if not isinstance(deleted, int) or isinstance(deleted, bool):
            answer = json.dumps(result, ensure_ascii=False, default=str)
            return f"Task {self.task_id}: the server answered {answer}."
        message = f"Task {self.task_id}: the server deleted {_plural(deleted, 'checkpoint')}"
        if deleted != expected:
            return f"{message} ({expected} were announced)."
        return f"{message}."
