"""The task list of one workspace, kept current at a cost that does not grow with history.

A tick asks for two things: the tasks still active (queued, consumed, started, deployed,
terminating) and the tasks newer than the highest id seen. A task that was active and is
in neither answer has ended: one `tasks.info` learns how. So with 10,000 finished tasks
and 20 running ones a tick costs two requests, plus one per task that just ended. A full
sweep (every page of the list) runs when the list is opened, on manual refresh and every
few minutes, to catch what the cheap ticks cannot see (deleted or edited old tasks).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping

from sly_tui.api import SlyClient, TaskInfo
from sly_tui.enums import ACTIVE_STATUSES
from sly_tui.monitor.events import TasksChanged
from sly_tui.monitor.service import Next, Sink

SWEEP_EVERY = 300.0  # seconds between full sweeps
MAX_INFO_PER_TICK = 50  # more endings than this in one tick: sweep instead
INFO_CONCURRENCY = 8

_ACTIVE_FILTER = [
    {"field": "status", "operator": "in", "value": sorted(str(s) for s in ACTIVE_STATUSES)}
]


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

    def __repr__(self) -> str:
        return f"TaskListTopic(workspace={self.workspace_id})"

    def refresh(self) -> None:
        self._next_sweep = None

    @property
    def active_ids(self) -> set[int]:
        return {task_id for task_id, task in self.tasks.items() if task.is_active}

    async def poll(self, client: SlyClient, emit: Sink) -> Next:
        if self._next_sweep is None or self._clock() >= self._next_sweep:
            await self._sweep(client, emit)
        else:
            await self._tick(client, emit)
        return Next.WAIT

    async def _sweep(self, client: SlyClient, emit: Sink) -> None:
        """Every page, newest first, published page by page so the first rows show at once.

        A list that changed between pages (its pages held more or fewer tasks than its
        `total`) may have skipped a task, so then nothing is removed and the sweep is
        repeated on the next tick, once.
        """
        seen: set[int] = set()
        total: int | None = None
        pages = client.tasks.iter_list_pages(
            self.workspace_id, newest_first=True, strict=False, with_progress=True
        )
        async for page in pages:
            total = page.total if total is None else total
            fresh = {task.id: task for task in page.entities}
            seen.update(fresh)
            if change := self._apply(fresh, removed=(), full=False):
                emit(change)
            await asyncio.sleep(0)  # let the UI draw this page before parsing the next
        consistent = total is None or len(seen) == total
        if consistent or self._retried_sweep:
            self._next_sweep = self._clock() + self._sweep_every
            self._retried_sweep = False
        else:
            self._next_sweep = self._clock()
            self._retried_sweep = True
        removed = self.tasks.keys() - seen if consistent else ()
        emit(self._apply({}, removed=removed, full=True))

    async def _tick(self, client: SlyClient, emit: Sink) -> None:
        newest = max(self.tasks, default=0)
        active, new = await asyncio.gather(
            client.tasks.get_list(self.workspace_id, _ACTIVE_FILTER, with_progress=True),
            client.tasks.get_list(
                self.workspace_id, [{"field": "id", "operator": ">", "value": newest}]
            ),
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

    @staticmethod
    async def _infos(client: SlyClient, task_ids: list[int]) -> list[TaskInfo | None]:
        gate = asyncio.Semaphore(INFO_CONCURRENCY)

        async def one(task_id: int) -> TaskInfo | None:
            async with gate:
                return await client.tasks.get_info_by_id(task_id)

        return list(await asyncio.gather(*(one(task_id) for task_id in task_ids)))

    def _apply(
        self, fresh: Mapping[int, TaskInfo], removed: Iterable[int], *, full: bool
    ) -> TasksChanged:
        added, changed, gone = diff_tasks(self.tasks, fresh, removed)
        self.tasks.update(fresh)
        for task_id in gone:
            del self.tasks[task_id]
        return TasksChanged(self.workspace_id, tuple(added), tuple(changed), tuple(gone), full)
