"""Typed views of the server's JSON objects.

Each model keeps the whole object it came from in `raw` (hidden from repr), so nothing the
server sends is lost and screens can show keys this code does not know yet. `raw` takes
part in equality on purpose: two snapshots are equal only if the server sent the same
thing, which is what the polling service's change detection needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, Self, TypeVar

from sly_tui.api.parsing import enum_or_text, parse_model, size, tuple_of, wire
from sly_tui.enums import FINAL_STATUSES, AgentStatus, LogLevel, Status

T = TypeVar("T")


class _Model:
    """Adds `from_json` to a model dataclass."""

    __slots__ = ()

    @classmethod
    def from_json(cls, value: Any) -> Self:
        return parse_model(cls, value)


@dataclass(frozen=True, slots=True)
class TaskInfo(_Model):
    """A task as `tasks.info` / `tasks.list` describe it."""

    id: int
    type: str | None
    status: Status | str | None = field(metadata=wire(read=enum_or_text(Status)))
    description: str | None
    workspace_id: int | None
    team_id: int | None
    user_id: int | None
    user_login: str | None
    agent_id: int | None
    agent_name: str | None
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    settings: dict[str, Any]
    meta: dict[str, Any]
    raw: dict[str, Any] = field(repr=False)

    @property
    def is_active(self) -> bool:
        """True while the task may still change on its own; unknown statuses count as active."""
        return self.status not in FINAL_STATUSES

    def with_progress(self, progress: Any) -> TaskInfo:
        """This task as `tasks.info` with `withProgress` would give it: `progress` in `raw`
        (list entries carry none, as `withProgress` is not documented for `tasks.list`)."""
        return replace(self, raw={**self.raw, "progress": progress})

    @property
    def app(self) -> dict[str, Any]:
        """`meta.app` (`id`, `name`, `version`, `moduleId` …) or `{}` for non-app tasks."""
        app = self.meta.get("app")
        return app if isinstance(app, dict) else {}

    @property
    def output(self) -> dict[str, Any]:
        """What `tasks.output.set` stored (`project`, `general`, `model`, `experiment`)."""
        output = self.meta.get("output")
        return output if isinstance(output, dict) else {}


@dataclass(frozen=True, slots=True)
class TaskContext(_Model):
    """`GetTaskContext`: the team and workspace a task runs in."""

    team_id: int | None = field(metadata=wire("team.id"))
    team_name: str | None = field(metadata=wire("team.name"))
    workspace_id: int | None = field(metadata=wire("workspace.id"))
    workspace_name: str | None = field(metadata=wire("workspace.name"))
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class StartedTask(_Model):
    """One element of the `tasks.run.app` reply; `id` falls back to `taskId` as in the SDK."""

    id: int = field(metadata=wire("id", "taskId"))
    user_id: int | None
    module_id: int | None
    app_id: int | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class ProgressRecord:
    """The latest `current/total` of one subtask, as the SDK's `sly.Progress` logs it.

    Read leniently: a malformed progress record is still a valid log line, so odd numbers
    become None instead of failing the whole log fetch.
    """

    subtask: str | None
    current: int | None
    total: int | None
    current_label: str | None
    total_label: str | None

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> ProgressRecord | None:
        event = entry.get("event_type")
        is_progress = entry.get("message") == "progress" or (
            isinstance(event, str) and event.endswith("PROGRESS")
        )
        if not is_progress:
            return None

        def number(key: str) -> int | None:
            value = entry.get(key)
            # JSON from Python may hold NaN and Infinity, which have no integer value.
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None
            return int(value) if math.isfinite(value) else None

        def text(key: str) -> str | None:
            value = entry.get(key)
            return value if isinstance(value, str) else None

        return cls(
            text("subtask"),
            number("current"),
            number("total"),
            text("current_label"),
            text("total_label"),
        )

    @property
    def fraction(self) -> float | None:
        """Done share in [0, 1], or None when the total is unknown."""
        if self.current is None or self.total is None or self.total <= 0:
            return None
        return max(0.0, min(1.0, self.current / self.total))


_LEVEL_ALIASES = {"warning": "warn", "critical": "fatal"}
# Python's logging levels, which the SDK's logger is built on (20.0 counts as 20).
_LEVEL_NUMBERS: dict[float, str] = {
    5: "trace",
    10: "debug",
    20: "info",
    30: "warn",
    40: "error",
    50: "fatal",
}
_log_level = enum_or_text(LogLevel)


def _level(value: Any, where: str) -> LogLevel | str | None:
    """Levels are lower-case SDK names; other spellings (and Python's level numbers) map
    onto them when obvious."""
    if isinstance(value, str):
        value = _LEVEL_ALIASES.get(value.lower(), value.lower())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = _LEVEL_NUMBERS.get(value, value)
    return _log_level(value, where)


def _message(value: Any, where: str) -> str:
    """Apps log whatever they like; a non-string message is still a line to show."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


@dataclass(frozen=True, slots=True)
class LogEntry(_Model):
    """One `tasks.log.download` entry; extras such as `event_type` stay in `raw`."""

    message: str = field(metadata=wire(read=_message))
    level: LogLevel | str | None = field(metadata=wire(read=_level))
    timestamp: datetime | None
    task_id: int | None = field(metadata=wire("task_id", "taskId"))
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """A bare value where an entry was expected is still a line (its text), so that a
        log holding one never fails to load past it."""
        return parse_model(cls, value if isinstance(value, dict) else {"message": value})

    @property
    def progress(self) -> ProgressRecord | None:
        return ProgressRecord.from_entry(self.raw)


@dataclass(frozen=True, slots=True)
class Team(_Model):
    id: int
    name: str | None
    description: str | None
    role: str | None
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Workspace(_Model):
    id: int
    name: str | None
    description: str | None
    team_id: int | None
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class UserTeam(_Model):
    """A team membership listed in `users.me`."""

    id: int
    name: str | None
    role: str | None
    role_id: int | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class User(_Model):
    id: int
    login: str | None
    name: str | None
    email: str | None
    role: str | None
    role_id: int | None
    disabled: bool | None
    last_login: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    teams: tuple[UserTeam, ...] = field(metadata=wire(read=tuple_of(UserTeam.from_json)))
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Agent(_Model):
    """An agent (a machine that runs tasks). Its own token stays in `raw`, out of repr."""

    id: int
    name: str | None
    status: AgentStatus | str | None = field(metadata=wire(read=enum_or_text(AgentStatus)))
    team_id: int | None
    user_id: int | None
    version: str | None
    capabilities: dict[str, Any]
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Module(_Model):
    """An ecosystem module (an app that can be started)."""

    id: int
    slug: str | None
    name: str | None
    type: str | None
    config: dict[str, Any]
    readme: str | None
    repo: str | None = field(metadata=wire("repositoryModuleUrl"))
    github_repo: str | None = field(metadata=wire("repo"))
    meta: dict[str, Any]
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict[str, Any] = field(repr=False)

    @property
    def latest_version(self) -> str | None:
        """`meta.releases[0].version`, which the SDK starts when no version is given."""
        releases = self.meta.get("releases")
        if isinstance(releases, list) and releases and isinstance(releases[0], dict):
            version = releases[0].get("version")
            return version if isinstance(version, str) else None
        return None


@dataclass(frozen=True, slots=True)
class App(_Model):
    """An app installed in a team, with its sessions (tasks)."""

    id: int
    name: str | None
    slug: str | None
    module_id: int | None
    team_id: int | None
    created_by_id: int | None = field(metadata=wire("createdBy"))
    user_login: str | None
    disabled: bool | None
    is_shared: bool | None
    repo: str | None
    config: dict[str, Any]
    tasks: tuple[TaskInfo, ...] = field(metadata=wire(read=tuple_of(TaskInfo.from_json)))
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Project(_Model):
    id: int
    name: str | None
    description: str | None
    type: str | None
    workspace_id: int | None
    team_id: int | None
    size: int | None = field(metadata=wire(read=size))
    items_count: int | None = field(metadata=wire("itemsCount", "imagesCount"))
    datasets_count: int | None
    reference_image_url: str | None
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Model(_Model):
    """A neural network model of the legacy plugin world (`models.info`)."""

    id: int
    name: str | None
    description: str | None
    plugin_id: int | None
    plugin_version: str | None
    task_id: int | None
    workspace_id: int | None
    team_id: int | None
    user_id: int | None
    size: int | None = field(metadata=wire(read=size))
    hash: str | None
    only_train: bool | None
    weights_location: str | None
    config: dict[str, Any]
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class FileInfo(_Model):
    """A file in team files (`file-storage.info`)."""

    id: int
    name: str | None
    path: str | None
    storage_path: str | None
    size: int | None = field(metadata=wire("meta.size", "size", read=size))
    is_dir: bool | None
    team_id: int | None
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Checkpoint(_Model):
    """A training checkpoint; the server's keys are not documented, so several are tried."""

    id: int | None
    name: str | None = field(metadata=wire("name", "title"))
    path: str | None
    epoch: int | None
    step: int | None = field(metadata=wire("step", "iteration", "iter"))
    size: int | None = field(metadata=wire(read=size))
    created_at: datetime | None = field(metadata=wire("createdAt", "created"))
    best: bool | None = field(metadata=wire("best", "isBest"))
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a paginated list."""

    entities: tuple[T, ...]
    page: int
    pages_count: int
    total: int
    per_page: int
    skipped: int = 0  # entities sent but left out, unreadable (see `parsing.each`)
