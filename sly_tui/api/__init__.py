"""Async client of the Supervisely public API (tasks and their neighbours).

The bottom layer of sly-tui: no Textual here, and nothing heavier than httpx at import,
so headless commands start fast.
"""

from sly_tui.api.address import address_problem, api_root, normalize_server_address
from sly_tui.api.client import SlyClient
from sly_tui.api.errors import (
    ApiError,
    AuthError,
    BadRequest,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ReadOnlyError,
    ServerError,
    TaskFinishedWithError,
    Unreachable,
    WaitingTimeExceeded,
)
from sly_tui.api.models import (
    Agent,
    App,
    Checkpoint,
    FileInfo,
    LogEntry,
    Model,
    Module,
    Page,
    ProgressRecord,
    Project,
    StartedTask,
    TaskContext,
    TaskInfo,
    Team,
    User,
    UserTeam,
    Workspace,
)
from sly_tui.api.retry import RetryPolicy
from sly_tui.api.transport import RequestRecord

__all__ = [
    "Agent",
    "ApiError",
    "App",
    "AuthError",
    "BadRequest",
    "Checkpoint",
    "FileInfo",
    "LogEntry",
    "Model",
    "Module",
    "NotFound",
    "OutcomeUnknown",
    "Page",
    "PermissionDenied",
    "ProgressRecord",
    "Project",
    "ProtocolError",
    "RateLimited",
    "ReadOnlyError",
    "RequestRecord",
    "RetryPolicy",
    "ServerError",
    "SlyClient",
    "StartedTask",
    "TaskContext",
    "TaskFinishedWithError",
    "TaskInfo",
    "Team",
    "Unreachable",
    "User",
    "UserTeam",
    "WaitingTimeExceeded",
    "Workspace",
    "address_problem",
    "api_root",
    "normalize_server_address",
]
