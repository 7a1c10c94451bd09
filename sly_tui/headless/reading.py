"""Reading a task's log the way the dashboard does: `TaskDetailTopic` and its `LogCursor`.

The topic pages through the log (widening the page for long runs of one timestamp) and
its cursor never loses or repeats a line, across pages, polls and outages. Instead of the
dashboard's file spool, the headless commands give it `_Taken`, which holds each batch
until the command prints it, so memory stays at one page whatever the log's length.

The API reads logs forwards only (`sinceTime` and a first-N `limit`). To get the *end* of
a huge log (`logs --tail`, the latest progress of `task`), `tail_readers` reads ever
longer tails, 10 minutes before the task's end, then 40, 160 …, until the caller has
enough or a tail reaches back to the task's creation; each read costs at most four times
the last (so about 4/3 of what was needed), instead of the whole log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sly_tui.api import LogEntry, SlyClient, TaskContext, TaskInfo
from sly_tui.headless.errors import CommandError
from sly_tui.monitor.events import LogsUnavailable, TaskGone
from sly_tui.monitor.service import Next
from sly_tui.monitor.task_detail import TaskDetailTopic

FIRST_TAIL = timedelta(minutes=10)
TAIL_GROWTH = 4


def missing(task_id: int) -> CommandError:
    return CommandError(f"Task {task_id} does not exist (or is not visible to this token).")


async def task_info(client: SlyClient, task_id: int) -> TaskInfo:
    info = await client.tasks.get_info_by_id(task_id)
    if info is None:
        raise missing(task_id)
    return info


class _Taken:
    """The topic's spool: entries wait here until the command takes them."""

    def __init__(self, since: datetime | None) -> None:
        self._since = since
        self._pending: list[LogEntry] = []
        self._count = 0

    def append(self, entries: Sequence[LogEntry]) -> range:
        first = self._count
        self._pending.extend(entries)
        self._count += len(entries)
        return range(first, self._count)

    def __len__(self) -> int:
        return self._count

    def last_entries(self) -> tuple[datetime | None, Sequence[Mapping[str, Any]]]:
        return self._since, []

    def close(self) -> None:
        self._pending = []

    def take(self) -> list[LogEntry]:
        taken, self._pending = self._pending, []
        return taken


class LogReader:
    """One task's log from `since` (None: the beginning), read by the dashboard's topic."""

    def __init__(self, task_id: int, since: datetime | None = None) -> None:
        self.task_id = task_id
        self._spool = _Taken(since)
        self.topic = TaskDetailTopic(task_id, self._spool)

    @property
    def task(self) -> TaskInfo | None:
        return self.topic.task

    @property
    def context(self) -> TaskContext | None:
        return self.topic.context

    def take(self) -> list[LogEntry]:
        """The lines read since the last call."""
        return self._spool.take()

    def check(self, event: object) -> None:
        if isinstance(event, TaskGone):
            raise missing(self.task_id)
        if isinstance(event, LogsUnavailable):
            raise CommandError(event.sentence)

    async def pages(self, client: SlyClient) -> AsyncIterator[list[LogEntry]]:
        """Everything the log holds now, a page at a time."""
        while True:
            events: list[object] = []
            outcome = await self.topic.poll(client, events.append)
            for event in events:
                self.check(event)
            if page := self.take():
                yield page
            if outcome is not Next.AGAIN:
                return


def tail_readers(task: TaskInfo, since: datetime | None = None) -> Iterator[LogReader]:
    """Readers of ever longer tails of the log; the last one reads from `since` (or the
    beginning). A running task's tail ends now by this machine's clock: if it runs ahead
    of the server's, the first tails are empty and cheap; if behind, they hold more."""
    end = task.finished_at if not task.is_active and task.finished_at else datetime.now(UTC)
    floor = since if since is not None else (task.created_at or task.started_at)
    window = FIRST_TAIL
    while True:
        begin = end - window
        whole = floor is None or begin <= floor
        yield LogReader(task.id, since if whole else begin)
        if whole:
            return
        window *= TAIL_GROWTH
