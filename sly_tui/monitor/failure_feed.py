"""Tasks that ended in error in the last hours across many workspaces, newest first, each
with the first line that says what went wrong.

Read on demand (the feed opens, `r`), not on a timer. Per workspace one `tasks.list`
filtered on `status = error` and sorted by `finishedAt` descending (both documented for
`tasks.list`), in pages of FEED_PAGE until one reaches past the window; then, for each
failure shown, one bounded read of the end of its log (`tasks.log.download` from a few
minutes before it ended): its first error line. A task whose log has none (or cannot be
read) shows its error output instead (`set_output_error`'s title and description).
"""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sly_tui.api import ApiError, SlyClient, TaskInfo
from sly_tui.enums import LogLevel, Status
from sly_tui.monitor.scope import gathered
from sly_tui.text import one_line

FEED_PAGE = 20  # failures per page of one workspace, newest first
MAX_FAILURES = 100  # shown at most, newest first: each costs a log read
LOG_WINDOW = timedelta(minutes=10)  # of the log read before the task ended
LOG_LIMIT = 500  # entries of that window read at most
ERROR_LEVELS = frozenset({LogLevel.ERROR, LogLevel.FATAL})
ERROR_FILTER = [{"field": "status", "operator": "=", "value": str(Status.ERROR)}]


@dataclass(frozen=True, slots=True)
class Failure:
    task: TaskInfo  # its `finished_at` is set
    line: str  # the first error line, else the error output's text, else ""


async def recent_failures(
    client: SlyClient, workspace_ids: list[int], since: datetime
) -> list[Failure]:
    """Tasks of `workspace_ids` that ended in error at `since` or later, newest first
    (at most MAX_FAILURES), each with its first error line."""
    found = await gathered(workspace_ids, lambda wid: _failed_since(client, wid, since))
    tasks = sorted(
        (task for tasks in found for task in tasks),
        key=lambda task: (task.finished_at, task.id),
        reverse=True,
    )[:MAX_FAILURES]
    lines = await gathered(tasks, lambda task: first_error_line(client, task))
    return [Failure(task, line) for task, line in zip(tasks, lines, strict=True)]


async def _failed_since(client: SlyClient, workspace_id: int, since: datetime) -> list[TaskInfo]:
    """The workspace's failures that ended at `since` or later. A failure without an end
    time (a server may list one) is left out: nothing says it is recent."""
    found: list[TaskInfo] = []
    pages = client.tasks.iter_list_pages(
        workspace_id,
        ERROR_FILTER,
        per_page=FEED_PAGE,
        newest_first=True,
        newest_by="finishedAt",
        strict=False,
    )
    async with aclosing(pages):
        async for page in pages:
            ended = [(task.finished_at, task) for task in page.entities if task.finished_at]
            found.extend(task for finished, task in ended if finished >= since)
            if any(finished < since for finished, _ in ended) or len(found) >= MAX_FAILURES:
                break
    return found


async def first_error_line(client: SlyClient, task: TaskInfo) -> str:
    """The first error line of the end of the task's log, else its error output."""
    since = task.finished_at - LOG_WINDOW if task.finished_at is not None else None
    try:
        entries = await client.tasks.get_logs(task.id, since_time=since, limit=LOG_LIMIT)
    except ApiError:
        entries = []
    for entry in entries:
        if entry.level in ERROR_LEVELS and entry.message.strip():
            return one_line(entry.message)
    return error_output(task.output)


def error_output(output: dict[str, Any]) -> str:
    """`title: description` of an error output (`general.isError`), else ""."""
    general = output.get("general")
    if not isinstance(general, dict) or general.get("isError") is not True:
        return ""
    parts = [general.get("title"), general.get("description")]
    return one_line(": ".join(str(part) for part in parts if part))
