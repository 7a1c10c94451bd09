"""The task list of one workspace, kept current at a cost that does not grow with history.

A tick asks for two things, with only what the API documents for `tasks.list` (filters on
`id`, `type`, `status` by equality, sorting by id): the tasks still active (queued,
consumed, started, deployed, terminating) and the newest tasks, newest first in small
pages until one holds a task already known, which is almost always the first page. A task
that was active and is in neither answer has ended: one `tasks.info` learns how. So with
10,000 finished tasks and 20 running ones a tick costs two requests, plus one per task
that just ended. A full
sweep (every page of the list) runs when the list is opened, on manual refresh and every
few minutes, to catch what the cheap ticks cannot see (deleted or edited old tasks).

`withProgress` is documented for `tasks.info`, not `tasks.list`, so the progress of running
(started or deployed) tasks is read apart, one `tasks.info` each: every sweep reads it for
the newest `MAX_PROGRESS`; then each tick reads it for at most `PROGRESS_PER_TICK` of them,
those read longest ago, each at most every `PROGRESS_EVERY` seconds. A few running tasks
are so refreshed every few seconds, and many cost no more per tick. What a read returns is
carried into the list's entries (`raw["progress"]`) until the next one.

Running training tasks also get a trend of their main metric (the last few train-loss
values) for a sparkline: a tick at most every `TREND_EVERY` seconds (the first soon after
opening) reads `tasks.train-metrics` once per such task, at most `MAX_TRENDS`, so that cost
follows the running trainings, never the history, nor the poll interval.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sly_tui.api import ApiError, SlyClient, TaskInfo
from sly_tui.enums import ACTIVE_STATUSES, RUNNING_STATUSES, Status
from sly_tui.monitor.events import TasksChanged
from sly_tui.monitor.metrics import parse_metrics, reports_metrics, trend
from sly_tui.monitor.service import Next, Sink

T = TypeVar("T")

SWEEP_EVERY = 300.0  # seconds between full sweeps
MAX_INFO_PER_TICK = 50  # more endings than this in one tick: sweep instead
INFO_CONCURRENCY = 8
TREND_FIRST = 2.0  # seconds after the first sweep until trends are first read
TREND_EVERY = 10.0  # seconds between trend reads after that
TREND_POINTS = 8  # values per trend
MAX_TRENDS = 32  # running training tasks whose trend is read, newest first
NEW_PAGE = 20  # tasks per page when looking for new ones, newest first
PROGRESS_EVERY = 5.0  # seconds at least between two progress reads of one task
PROGRESS_PER_TICK = 1  # progress reads per tick at most (after the sweep's)
MAX_PROGRESS = 32  # running tasks whose progress the sweep reads, newest first

_ACTIVE = frozenset(str(s) for s in ACTIVE_STATUSES)


def diff_tasks(
    current: Mapping[int, TaskInfo],
    fresh: Mapping[int, TaskInfo],
    removed: Iterable[int] = (),
) -> tuple[list[TaskInfo], list[TaskInfo], list[int]]:
    """What `fresh` (a partial or full view) and `removed` change in `current`."""
    added = [task for task_id, task in fresh.items() if task_id not in current]
    changed = [
        task for task_id, task in fresh.items() if task_id in current and current[task_id] != task
    ]
    gone = sorted({task_id for task_id in removed if task_id in current} - fresh.keys())
    return added, changed, gone


@dataclass(frozen=True, slots=True)
class TrendsChanged(TasksChanged):
    """The main-metric trend of some running training tasks changed; an empty tuple means
    the task has none any more (it ended). It is a `TasksChanged` without task changes so
    that it reaches the task table by the same way as the list's diffs."""

    trends: Mapping[int, tuple[float, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.trends)


class TaskListTopic:
    """Polls one workspace's tasks; publishes `TasksChanged` diffs."""

    def __init__(
        self,
        workspace_id: int,
        *,
        sweep_every: float = SWEEP_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.workspace_id = workspace_id
        self.tasks: dict[int, TaskInfo] = {}
        self._sweep_every = sweep_every
        self._clock = clock
        self._next_sweep: float | None = None  # None: sweep on the next poll
        self._retried_sweep = False
        self._next_trends: float | None = None  # when trends are due; None: not yet planned
        self._progress_read: dict[int, float] = {}  # when each task's progress was read
        self.trends: dict[int, tuple[float, ...]] = {}
        self.progress: dict[int, Any] = {}  # the latest `withProgress` value, by task id

    def __repr__(self) -> str:
        return f"TaskListTopic(workspace={self.workspace_id})"

    def refresh(self) -> None:
        self._next_sweep = None

    @property
    def active_ids(self) -> set[int]:
        """Tasks that may still change, which the tick asks for by status: the active
        statuses and any status this client does not know (a newer server's; it might still
        change, and asking for it by name costs no extra request)."""
        return {
            task_id
            for task_id, task in self.tasks.items()
            if task.is_active and task.status is not None
        }

    def _active_filter(self) -> list[dict[str, Any]]:
        watched = _ACTIVE.union(str(self.tasks[task_id].status) for task_id in self.active_ids)
        return [{"field": "status", "operator": "in", "value": sorted(watched)}]

    async def poll(self, client: SlyClient, emit: Sink) -> Next:
        if self._next_sweep is None or self._clock() >= self._next_sweep:
            await self._sweep(client, emit)
            if self._next_trends is None:
                self._next_trends = self._clock() + TREND_FIRST
        else:
            await self._tick(client, emit)
            await self._read_progress(client, emit, self._progress_due())
            if self._next_trends is not None and self._clock() >= self._next_trends:
                await self._read_trends(client, emit)
                self._next_trends = self._clock() + TREND_EVERY
        return Next.WAIT

    async def _sweep(self, client: SlyClient, emit: Sink) -> None:
        """Every page, newest first, published page by page so the first rows show at once.

        A list that changed between pages (its pages held more or fewer tasks than its
        `total`) may have skipped a task, so then nothing is removed and the sweep is
        repeated on the next tick, once.
        """
        seen: set[int] = set()
        skipped = 0  # unreadable entities (no id): counted, so the list still adds up
        total: int | None = None
        pages = client.tasks.iter_list_pages(self.workspace_id, newest_first=True, strict=False)
        async for page in pages:
            total = page.total if total is None else total
            fresh = {task.id: task for task in page.entities}
            seen.update(fresh)
            skipped += page.skipped
            if change := self._apply(fresh, removed=(), full=False):
                emit(change)
            await asyncio.sleep(0)  # let the UI draw this page before parsing the next
        consistent = total is None or len(seen) + skipped == total
        if consistent or self._retried_sweep:
            self._next_sweep = self._clock() + self._sweep_every
            self._retried_sweep = False
        else:
            self._next_sweep = self._clock()
            self._retried_sweep = True
        removed = self.tasks.keys() - seen if consistent else ()
        running = sorted(self._running(), reverse=True)[:MAX_PROGRESS]
        await self._read_progress(client, emit, running)  # before the list counts as loaded
        emit(self._apply({}, removed=removed, full=True))

    async def _tick(self, client: SlyClient, emit: Sink) -> None:
        active, new = await asyncio.gather(
            client.tasks.get_list(self.workspace_id, self._active_filter()), self._newest(client)
        )
        fresh = {task.id: task for task in (*active, *new)}
        ended = sorted(self.active_ids - fresh.keys())
        if len(ended) > MAX_INFO_PER_TICK:
            await self._sweep(client, emit)
            return
        removed: list[int] = []
        for task_id, info in zip(ended, await self._infos(client, ended), strict=True):
            if info is None or info.workspace_id not in (None, self.workspace_id):
                removed.append(task_id)
            else:
                fresh[task_id] = info
        if change := self._apply(fresh, removed=removed, full=False):
            emit(change)

    async def _newest(self, client: SlyClient) -> list[TaskInfo]:
        """The tasks newer than every known one: pages newest first until one reaches a
        known id (or the list ends)."""
        newest = max(self.tasks, default=0)
        found: list[TaskInfo] = []
        pages = client.tasks.iter_list_pages(
            self.workspace_id, per_page=NEW_PAGE, newest_first=True, strict=False
        )
        async with aclosing(pages):
            async for page in pages:
                found.extend(task for task in page.entities if task.id > newest)
                if any(task.id <= newest for task in page.entities):
                    break
        return found

    def _running(self) -> list[int]:
        return [i for i, task in self.tasks.items() if task.status in RUNNING_STATUSES]

    def _progress_due(self) -> list[int]:
        """The running tasks whose progress this tick reads: those read longest ago (never
        read: the newest first), each at most every PROGRESS_EVERY seconds."""
        due = self._clock() - PROGRESS_EVERY
        oldest = sorted(self._running(), key=lambda i: (self._progress_read.get(i, -1e18), -i))
        return [i for i in oldest if self._progress_read.get(i, -1e18) <= due][:PROGRESS_PER_TICK]

    async def _read_progress(self, client: SlyClient, emit: Sink, task_ids: list[int]) -> None:
        """The progress of `task_ids`; a failed read keeps what was known (a stale progress
        bar is not worth failing the list for)."""
        running = set(self._running())
        self._progress_read = {i: t for i, t in self._progress_read.items() if i in running}
        self.progress = {i: p for i, p in self.progress.items() if i in running}
        if not task_ids:
            return
        now = self._clock()
        self._progress_read.update(dict.fromkeys(task_ids, now))
        try:
            read = await client.tasks.get_progress(task_ids)
        except ApiError:
            return
        for task_id in task_ids:
            if task_id in read:
                self.progress[task_id] = read[task_id]
            else:
                self.progress.pop(task_id, None)
        fresh = {i: self.tasks[i] for i in task_ids if i in self.tasks}
        if change := self._apply(fresh, removed=(), full=False):
            emit(change)

    @staticmethod
    async def _each(fetch: Callable[[int], Awaitable[T]], task_ids: list[int]) -> list[T]:
        """`fetch` for every task, a few at a time."""
        gate = asyncio.Semaphore(INFO_CONCURRENCY)

        async def one(task_id: int) -> T:
            async with gate:
                return await fetch(task_id)

        return list(await asyncio.gather(*(one(task_id) for task_id in task_ids)))

    async def _infos(self, client: SlyClient, task_ids: list[int]) -> list[TaskInfo | None]:
        return await self._each(client.tasks.get_info_by_id, task_ids)

    async def _read_trends(self, client: SlyClient, emit: Sink) -> None:
        """Trends of the running training tasks; one that cannot be read keeps its last
        (a missing sparkline is not worth failing the list for)."""
        running = sorted(
            (
                task_id
                for task_id, task in self.tasks.items()
                if task.status == Status.STARTED and reports_metrics(task)
            ),
            reverse=True,
        )[:MAX_TRENDS]

        async def read(task_id: int) -> tuple[float, ...]:
            try:
                raw = await client.tasks.get_training_metrics(task_id)
            except ApiError:
                return self.trends.get(task_id, ())
            return trend(parse_metrics(raw), TREND_POINTS) if raw is not None else ()

        fresh = dict(zip(running, await self._each(read, running), strict=True))
        fresh.update({task_id: () for task_id in self.trends.keys() - fresh.keys()})
        changed = {i: values for i, values in fresh.items() if self.trends.get(i, ()) != values}
        self.trends = {i: values for i, values in fresh.items() if values}
        if changed:
            emit(TrendsChanged(self.workspace_id, trends=changed))

    def _apply(
        self, fresh: Mapping[int, TaskInfo], removed: Iterable[int], *, full: bool
    ) -> TasksChanged:
        fresh = {task_id: self._with_progress(task) for task_id, task in fresh.items()}
        added, changed, gone = diff_tasks(self.tasks, fresh, removed)
        self.tasks.update(fresh)
        for task_id in gone:
            del self.tasks[task_id]
        return TasksChanged(self.workspace_id, tuple(added), tuple(changed), tuple(gone), full)

    def _with_progress(self, task: TaskInfo) -> TaskInfo:
        """The task with the progress last read for it, while it runs (list entries carry
        none of their own)."""
        progress = self.progress.get(task.id)
        if progress is None or task.status not in RUNNING_STATUSES or "progress" in task.raw:
            return task
        return task.with_progress(progress)
