"""What the polling service tells its subscribers: plain dataclasses, no Textual.

The dashboard wraps these in a Textual message; the headless commands read them directly.
Lists arrive as diffs so a widget touches only what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sly_tui.api import ProgressRecord, TaskContext, TaskInfo


@dataclass(frozen=True, slots=True)
class TasksChanged:
    """The task list of a workspace changed. `full` marks a complete sweep."""

    workspace_id: int
    added: tuple[TaskInfo, ...] = ()
    changed: tuple[TaskInfo, ...] = ()
    removed: tuple[int, ...] = ()
    full: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.full)


@dataclass(frozen=True, slots=True)
class TaskUpdated:
    """A watched task's latest info (sent only when it changed)."""

    task: TaskInfo
    context: TaskContext | None = None


@dataclass(frozen=True, slots=True)
class TaskGone:
    """A watched task no longer exists on the server (404)."""

    task_id: int


@dataclass(frozen=True, slots=True)
class LogsUnavailable:
    """The server does not offer this task's log through the API (`tasks.log.download`
    answers 404 for a task that exists: an older instance); the rest still works."""

    task_id: int
    sentence: str = "This server does not offer task logs through the API."


@dataclass(frozen=True, slots=True)
class LogsAppended:
    """New log lines of a task were spooled; `total` is the spool's new length.

    `progress` holds the latest record per subtask seen so far; `complete` means the
    task has ended and its last lines have arrived, so polling of it has stopped.
    """

    task_id: int
    count: int
    total: int
    progress: dict[str | None, ProgressRecord] = field(default_factory=dict)
    complete: bool = False


class Phase(StrEnum):
    """How fresh the data on screen is."""

    CONNECTING = "connecting"
    LIVE = "live"
    RETRYING = "retrying"  # the server answered with an error; data is stale
    DISCONNECTED = "disconnected"  # the server could not be reached at all
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """The service's health, for the header: phase, last success, next retry, the error.

    Times are `time.monotonic()` values, so the header can tick "stale for N s" and
    "retrying in N s" by itself between events.
    """

    phase: Phase
    last_ok: float | None = None
    retry_at: float | None = None
    error: str | None = None
    failures: int = 0
