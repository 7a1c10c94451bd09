"""What the polling service tells its subscribers: plain dataclasses, no Textual.

Every event a topic emits is one of `Event`, so a subscriber can match on a closed set.
The dashboard wraps each in a Textual message (`sly_tui.ui.bridge`); the headless commands
read them directly. Lists arrive as diffs so a widget touches only what changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias

from sly_tui.api import ApiError, ProgressRecord, TaskContext, TaskInfo

if TYPE_CHECKING:  # both modules publish these events, so they import this one
    from sly_tui.monitor.metrics import Metrics
    from sly_tui.monitor.trainings import Training


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
class TrendsChanged(TasksChanged):
    """What the list shows of some running trainings (trend, epochs) changed; `None`
    means the task has nothing to show any more (it ended). It is a `TasksChanged` without
    task changes so that it reaches the task table by the same way as the list's diffs."""

    trends: Mapping[int, Training | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.trends)


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


@dataclass(frozen=True, slots=True)
class MetricsUpdated:
    """A task's metrics changed (or reading them works again); None: the server has none."""

    task_id: int
    metrics: Metrics | None


@dataclass(frozen=True, slots=True)
class MetricsFailed:
    """Reading a task's metrics failed; the last ones stay valid. Sent once per outage."""

    task_id: int
    error: str


@dataclass(frozen=True, slots=True)
class TaskEnded:
    """A watched task reached a final status (finished, error, stopped …)."""

    task: TaskInfo


@dataclass(frozen=True, slots=True)
class Fetched:
    """A topic that makes one call per poll got its answer."""

    value: Any


@dataclass(frozen=True, slots=True)
class FetchFailed:
    """That call failed; what was shown before stays."""

    error: ApiError


Event: TypeAlias = (
    TasksChanged
    | TrendsChanged
    | TaskUpdated
    | TaskGone
    | LogsUnavailable
    | LogsAppended
    | MetricsUpdated
    | MetricsFailed
    | TaskEnded
    | Fetched
    | FetchFailed
)
"""Everything a topic emits through its `Sink`."""


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
