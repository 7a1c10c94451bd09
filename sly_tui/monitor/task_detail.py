"""One task, watched closely: its info every tick, and its log read incrementally.

New log lines are spooled to a file (`LogSpool`) so a million-line log costs the view
almost no memory; the cursor resumes from the spool, so reopening the view (or the app)
neither repeats nor loses lines. A task that has ended is polled until its final state
and its last lines have arrived, then no more.

The log is read until a request brings nothing new, not until a reply is shorter than
the `limit` asked for: a server may cap its pages lower (by an undocumented size), and a
short page would otherwise end the reading with most of the log unread.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sly_tui.api import LogEntry, NotFound, ProgressRecord, SlyClient, TaskContext, TaskInfo
from sly_tui.monitor.events import LogsAppended, LogsUnavailable, TaskGone, TaskUpdated
from sly_tui.monitor.log_cursor import LogCursor
from sly_tui.monitor.service import Next, Sink
from sly_tui.monitor.vanishing import Vanishing

LOG_PAGE = 5000  # log entries per request
LOG_PAGE_CAP = 200_000  # a run of same-timestamp entries longer than this cannot be paged
MAX_SUBTASKS = 6  # progress bars kept per task


class Spool(Protocol):
    """What the topic needs from the log store."""

    def append(self, entries: Sequence[LogEntry]) -> range: ...

    def __len__(self) -> int: ...

    def last_entries(self) -> tuple[datetime | None, Sequence[Mapping[str, Any]]]: ...

    def close(self) -> None: ...


def note_progress(progress: dict[str | None, ProgressRecord], entries: Sequence[LogEntry]) -> None:
    """Keep the last progress record per subtask, the most recently reported last, and only
    the `MAX_SUBTASKS` most recent: apps that name a subtask per epoch ("Epoch 5/360")
    would otherwise pile up one progress bar per epoch."""
    for entry in entries:
        record = entry.progress
        if record is not None:
            progress.pop(record.subtask, None)
            progress[record.subtask] = record
    for stale in list(progress)[:-MAX_SUBTASKS]:
        del progress[stale]


S = TypeVar("S", bound=Spool)


class TaskDetailTopic(Generic[S]):
    """Polls `tasks.info` and the log of one task; publishes updates and new lines."""

    def __init__(
        self,
        task_id: int,
        spool: S,
        *,
        page: int = LOG_PAGE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.task_id = task_id
        self.task: TaskInfo | None = None
        self.context: TaskContext | None = None
        self.spool: S = spool  # the dashboard's is a `LogSpool`, which its log view reads
        last, seen = spool.last_entries()
        self.cursor = LogCursor(last, seen)
        self._page = page
        self._limit = page
        self._ended_seen = False
        self._more_logs = False
        self._vanishing = Vanishing(task_id, clock)
        self._gone = False
        self.logs_unavailable = False
        self.progress: dict[str | None, ProgressRecord] = {}

    def __repr__(self) -> str:
        return f"TaskDetailTopic(task={self.task_id})"

    def refresh(self) -> None:
        """Read info and logs again until nothing new comes, even for an ended task."""
        self._ended_seen = False

    async def poll(self, client: SlyClient, emit: Sink) -> Next:
        if not self._more_logs:
            info = await client.tasks.get_info_by_id(self.task_id)
            if info is None:
                return self._missing(emit)
            self._vanishing.found()
            context_is_new = self.context is None
            if context_is_new:
                self.context = await client.tasks.get_context(self.task_id)
            if info != self.task or context_is_new or self._gone:
                self._gone = False
                self.task = info
                emit(TaskUpdated(info, self.context))
        ended_before = self._ended_seen
        self._ended_seen = self.task is not None and not self.task.is_active
        if self.logs_unavailable:
            return Next.DONE if self._ended_seen else Next.WAIT
        try:
            batch = await client.tasks.get_logs(
                self.task_id, since_time=self.cursor.since, limit=self._limit
            )
        except NotFound:
            # `tasks.info` has just found the task: it is the endpoint that is missing.
            self.logs_unavailable = True
            emit(LogsUnavailable(self.task_id))
            return Next.WAIT
        fresh = self.cursor.accept(batch)
        full_page = len(batch) >= self._limit
        # A full page with nothing new is a run of entries sharing one timestamp that is
        # longer than a page: widen the page until the run fits.
        self._limit = min(self._limit * 2, LOG_PAGE_CAP) if full_page and not fresh else self._page
        self._more_logs = bool(fresh) or (full_page and self._limit < LOG_PAGE_CAP)
        complete = ended_before and not fresh and not self._more_logs
        if fresh or complete:
            # Off the event loop: a page of thousands of lines takes tens of milliseconds.
            await asyncio.to_thread(self.spool.append, fresh)
            note_progress(self.progress, fresh)
            emit(
                LogsAppended(
                    self.task_id, len(fresh), len(self.spool), dict(self.progress), complete
                )
            )
        if complete:
            return Next.DONE
        return Next.AGAIN if self._more_logs else Next.WAIT

    def _missing(self, emit: Sink) -> Next:
        """A 404: a task never seen is gone at once. One seen before is retried (the banner
        says why) until its 404s have lasted `GONE_AFTER` seconds, and is then declared
        gone but still polled, so that the view recovers if it comes back."""
        if self.task is None:
            emit(TaskGone(self.task_id))
            return Next.DONE
        if (blip := self._vanishing.missing()) is not None:
            raise blip
        if not self._gone:
            self._gone = True
            emit(TaskGone(self.task_id))
        return Next.WAIT
