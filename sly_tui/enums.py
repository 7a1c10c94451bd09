"""Plain protocol enums shared by the client (`sly_tui.api`) and the emulator (`sly_tui.demo`).

These are the only definitions the two sides share: everything else is implemented twice,
independently, so that each checks the other.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Task status, as the server sends it (`TaskApi.Status` in the SDK)."""

    QUEUED = "queued"
    CONSUMED = "consumed"
    STARTED = "started"
    DEPLOYED = "deployed"
    ERROR = "error"
    FINISHED = "finished"
    TERMINATING = "terminating"
    STOPPED = "stopped"

    @property
    def is_active(self) -> bool:
        """True while the task may still change on its own (it is not in a final state)."""
        return self in ACTIVE_STATUSES


ACTIVE_STATUSES: frozenset[Status] = frozenset(
    {Status.QUEUED, Status.CONSUMED, Status.STARTED, Status.DEPLOYED, Status.TERMINATING}
)
FINAL_STATUSES: frozenset[Status] = frozenset(Status) - ACTIVE_STATUSES
# The statuses in which a task reports progress (`withProgress` of `tasks.info`).
RUNNING_STATUSES: frozenset[Status] = frozenset({Status.STARTED, Status.DEPLOYED})


class PluginTaskType(StrEnum):
    """`taskType` of legacy plugin runs (`tasks.run.plugin`)."""

    TRAIN = "train"
    INFERENCE = "inference"
    INFERENCE_RPC = "inference_rpc"
    SMARTTOOL = "smarttool"
    CUSTOM = "custom"


class RestartPolicy(StrEnum):
    """What the agent does when an app task ends (`tasks.run.app` `restartPolicy`)."""

    NEVER = "never"
    ON_ERROR = "on_error"


class AgentStatus(StrEnum):
    """Agent status; the SDK accepts only these two values."""

    WAITING = "waiting"
    RUNNING = "running"


class LogLevel(StrEnum):
    """Log levels as the SDK's logger names them (note `warn`, not `warning`)."""

    TRACE = "trace"
    DEBUG = "debug"
    INFO = "info"
    WARN = "warn"
    ERROR = "error"
    FATAL = "fatal"


# The RPC methods that change server state. The client refuses them in read-only mode.
MUTATING_METHODS: frozenset[str] = frozenset(
    {
        "tasks.run.app",
        "tasks.run.plugin",
        "tasks.run.dtl",
        "tasks.run.deploy",
        "tasks.run.python",
        "tasks.stop",
        "tasks.status.update",
        "tasks.logs.add",
        "tasks.output.set",
        "tasks.meta.update",
        "tasks.data.set",
        "tasks.request.direct",
        "tasks.checkpoints.clear",
        "tasks.files.bulk.add-by-hash",
        "tasks.files.bulk.upload",
        "tasks.upload.dtl_archive",
    }
)
