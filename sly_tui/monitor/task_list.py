"""The task list of one workspace, kept current at about two requests a tick, whatever its
history.

Every tick asks `tasks.list` for the tasks still active (`status in` the active statuses;
only what the API documents for `tasks.list` is sent: filters on `id`, `type`, `status`
by equality, sorting by id). A new task almost always first shows as queued or started,
so this one request finds it too. Each tick then spends at most one more request, the
first of these that is due:

- the tasks that were active and are no longer, to learn how they ended (one missing was
  deleted or moved away): the look for new tasks below when they are among the newest,
  else one `tasks.list` with `id in [...]`;
- every `NEW_EVERY` ticks, the tasks created and ended between two ticks: newest first by
  id, in small pages until one reaches the newest id the previous look saw;
- the progress (`withProgress`, documented for `tasks.info` only) of one running task, each
  at most every `PROGRESS_EVERY` seconds, or, for one running training task, its main
  metric's trend (`tasks.train-metrics`, for a sparkline) or its epochs (the progress
  records of the log since the last read, `Training`), each at most every `TREND_EVERY`
  seconds: whichever has waited longest.

Progress and trends are read only for the tasks the subscriber shows (`show`), so their
cost follows the rows on screen, never the history nor the poll interval. What a progress
read returns is carried into the list's entries (`raw["progress"]`) until the next one.
A full sweep (every page) runs when the list is opened, on manual refresh and every few
minutes, to catch what the cheap ticks cannot see (deleted or edited old tasks); it reads
the progress of the newest `MAX_PROGRESS` running tasks shown, so bars appear at once.
"""

from __future__ import annotations

import asyncio
import heapq
import math
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import aclosing
from typing import Any

from sly_tui.api import ApiError, Page, SlyClient, TaskInfo
from sly_tui.enums import ACTIVE_STATUSES, RUNNING_STATUSES, Status
from sly_tui.monitor.events import TasksChanged, TrendsChanged
from sly_tui.monitor.metrics import reports_metrics
from sly_tui.monitor.service import Next, Sink
from sly_tui.monitor.trainings import Training, TrainingReader

SWEEP_EVERY = 300.0  # seconds between full sweeps
MAX_ENDED_PER_TICK = 50  # more endings than this in one tick: sweep instead
TREND_EVERY = 30.0  # seconds at least between two trend reads of one task
NEW_EVERY = 5  # ticks between two looks for tasks newer than the newest seen
NEW_PAGE = 20  # tasks per page when looking for new ones, newest first
PROGRESS_EVERY = 10.0  # seconds at least between two progress reads of one task
MAX_PROGRESS = 32  # running tasks whose progress the sweep reads, newest first
# Seconds a sweep leaves the screen to draw its rows before reading their progress: the
# reads (a request per running task) would otherwise take the event loop first, and the
# first rows of a start would wait for them.
DRAW_FIRST = 0.05

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


def sweep_pages(client: SlyClient, workspace_id: int) -> AsyncIterator[Page[TaskInfo]]:
    """The pages a sweep reads: every task of the workspace, newest first."""
    return client.tasks.iter_list_pages(workspace_id, newest_first=True, strict=False)


class HeadStart:
    """The first sweep of a workspace, its first page asked for at once: the dashboard
    sends it along with `users.me`, before the list screen exists, so the first rows do not
    wait a round trip for who the user is. Hand it to the `TaskListTopic` of that workspace
    (and client); if no list uses it, `cancel` it."""

    def __init__(self, client: SlyClient, workspace_id: int) -> None:
        self.client = client
        self.workspace_id = workspace_id
        self._pages = sweep_pages(client, workspace_id)
        self._first = asyncio.ensure_future(anext(self._pages, None))
        # A failure is the sweep's to report; one nobody awaits is no error of its own.
        self._first.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def pages(self) -> AsyncIterator[Page[TaskInfo]]:
        """The first page, then the rest, read as asked for."""
        first = await self._first
        if first is None:
            return
        yield first
        async for page in self._pages:
            yield page

    def cancel(self) -> None:
        self._first.cancel()


class TaskListTopic:
    """Polls one workspace's tasks; publishes `TasksChanged` diffs."""

    def __init__(
        self,
        workspace_id: int,
        *,
        sweep_every: float = SWEEP_EVERY,
        clock: Callable[[], float] = time.monotonic,
        head_start: HeadStart | None = None,
    ) -> None:
        self.workspace_id = workspace_id
        self._head_start = head_start  # the first sweep, under way (see `HeadStart`)
        self.tasks: dict[int, TaskInfo] = {}
        # The active ones among them, kept by `_apply`: each tick looks at these several
        # times, and walking all of a 10,000-task workspace each time was most of its CPU.
        self._active: dict[int, TaskInfo] = {}
        self._sweep_every = sweep_every
        self._clock = clock
        self._next_sweep: float | None = None  # None: sweep on the next poll
        self._retried_sweep = False
        self._seen_up_to = 0  # the newest id the last sweep or look for new tasks saw
        self._ticks_to_new = NEW_EVERY  # ticks until the next look for new tasks
        self.shown: frozenset[int] | None = None  # None: every task counts as shown
        self._progress_read: dict[int, float] = {}  # when each task's progress was read
        self._trend_read: dict[int, float] = {}  # when each task's trend was read
        self._epochs_read: dict[int, float] = {}  # when each training's log was read
        self.trends: dict[int, Training] = {}  # what the list shows of running trainings
        self._trainings = TrainingReader()
        self.progress: dict[int, Any] = {}  # the latest `withProgress` value, by task id

    def __repr__(self) -> str:
        return f"TaskListTopic(workspace={self.workspace_id})"

    def refresh(self) -> None:
        self._next_sweep = None

    def show(self, task_ids: Iterable[int] | None) -> None:
        """The tasks whose rows are on screen (None: all of them): only their progress and
        trends are read."""
        self.shown = None if task_ids is None else frozenset(task_ids)

    @property
    def all_read(self) -> bool:
        """Every shown running task's progress, and every shown training's trend and
        epochs, has been read at least once: what the list will show until they change."""
        return all(i in read for read, _, _, task_ids in self._reads() for i in task_ids)

    @property
    def active_ids(self) -> set[int]:
        """Tasks that may still change, which the tick asks for by status: the active
        statuses and any status this client does not know (a newer server's; it might still
        change, and asking for it by name costs no extra request)."""
        return {task_id for task_id, task in self._active.items() if task.status is not None}

    def _active_filter(self) -> list[dict[str, Any]]:
        watched = _ACTIVE.union(
            str(task.status) for task in self._active.values() if task.status is not None
        )
        return [{"field": "status", "operator": "in", "value": sorted(watched)}]

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
        skipped = 0  # unreadable entities (no id): counted, so the list still adds up
        total: int | None = None
        head_start, self._head_start = self._head_start, None
        if head_start is not None and head_start.client is client:
            pages = head_start.pages()
        else:
            if head_start is not None:
                head_start.cancel()
            pages = sweep_pages(client, self.workspace_id)
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
        self._seen_up_to = max(seen, default=self._seen_up_to)
        self._ticks_to_new = NEW_EVERY
        removed = self.tasks.keys() - seen if consistent else ()
        running = sorted(self._shown_of(self._running()), reverse=True)[:MAX_PROGRESS]
        if running:
            await asyncio.sleep(DRAW_FIRST)
        await self._read_progress(client, emit, running)  # before the list counts as loaded
        emit(self._apply({}, removed=removed, full=True))
        self._forget_stopped(emit)

    async def _tick(self, client: SlyClient, emit: Sink) -> None:
        """The active tasks, then at most one more request (see the module's docstring)."""
        active = await client.tasks.get_list(self.workspace_id, self._active_filter())
        fresh = {task.id: task for task in active}
        ended = sorted(self.active_ids - fresh.keys())
        removed: list[int] = []
        self._ticks_to_new -= 1
        if len(ended) > MAX_ENDED_PER_TICK:
            await self._sweep(client, emit)
            return
        spare = False  # whether this tick may still read a progress or a trend
        if ended:
            final, removed = await self._endings(client, ended)
            fresh.update(final)
        elif self._ticks_to_new <= 0:
            fresh.update((await self._newest(client))[0])
        else:
            spare = True
        if change := self._apply(fresh, removed=removed, full=False):
            emit(change)
        self._forget_stopped(emit)
        if spare:
            await self._read_one(client, emit)

    async def _endings(
        self, client: SlyClient, ended: list[int]
    ) -> tuple[dict[int, TaskInfo], list[int]]:
        """How the tasks of `ended` ended, in one request: when they are among the newest
        known, the look for new tasks sees them too (and is then not due for NEW_EVERY
        ticks), else `tasks.list` by `id in`. Returns what was read and the ended tasks gone
        (deleted or moved away); one older than the look reached stays as it was, and the
        next tick, which then knows the tasks that pushed it down, asks for it by id."""
        if min(ended) >= min(heapq.nlargest(NEW_PAGE, self.tasks)):
            read, reached = await self._newest(client)
        else:
            id_in = [{"field": "id", "operator": "in", "value": ended}]
            read = {t.id: t for t in await client.tasks.get_list(self.workspace_id, id_in)}
            reached = 0
        return read, [task_id for task_id in ended if task_id >= reached and task_id not in read]

    async def _newest(self, client: SlyClient) -> tuple[dict[int, TaskInfo], int]:
        """The newest tasks, in pages newest first until one reaches the newest id the
        previous look saw (not the newest id known: a task found active since may be newer
        than one created and ended before it), and the lowest id down to which they are all
        read (0 when the list ended)."""
        self._ticks_to_new = NEW_EVERY
        seen_up_to = self._seen_up_to
        found: dict[int, TaskInfo] = {}
        pages = client.tasks.iter_list_pages(
            self.workspace_id, per_page=NEW_PAGE, newest_first=True, strict=False
        )
        async with aclosing(pages):
            async for page in pages:
                found.update((task.id, task) for task in page.entities)
                self._seen_up_to = max(found, default=self._seen_up_to)
                if any(task.id <= seen_up_to for task in page.entities):
                    return found, min(found)
        return found, 0

    def _running(self) -> list[int]:
        return [i for i, task in self._active.items() if task.status in RUNNING_STATUSES]

    def _training(self) -> list[int]:
        return [
            i
            for i, task in self._active.items()
            if task.status == Status.STARTED and reports_metrics(task)
        ]

    def _shown_of(self, task_ids: list[int]) -> list[int]:
        shown = self.shown
        return task_ids if shown is None else [i for i in task_ids if i in shown]

    def _reads(self) -> list[tuple[dict[int, float], float, str, list[int]]]:
        """Each kind of read of the shown tasks: when each task was last read, how often,
        its name, and the tasks it is for."""
        running, training = self._shown_of(self._running()), self._shown_of(self._training())
        return [
            (self._progress_read, PROGRESS_EVERY, "progress", running),
            (self._trend_read, TREND_EVERY, "trend", training),
            (self._epochs_read, TREND_EVERY, "epochs", training),
        ]

    async def _read_one(self, client: SlyClient, emit: Sink) -> None:
        """The progress, trend or epochs read that has waited longest, if one is due: each
        task's progress every PROGRESS_EVERY seconds, a training's trend and epochs every
        TREND_EVERY (never read: due at once, the newest task first)."""
        now = self._clock()
        due = [
            (read.get(task_id, -math.inf) + every, -task_id, kind)
            for read, every, kind, task_ids in self._reads()
            for task_id in task_ids
        ]
        if not due:
            return
        when, negative_id, kind = min(due)
        if when > now:
            return
        if kind == "progress":
            await self._read_progress(client, emit, [-negative_id])
        else:
            await self._read_training(client, emit, -negative_id, kind)

    async def _read_progress(self, client: SlyClient, emit: Sink, task_ids: list[int]) -> None:
        """The progress of `task_ids`; a failed read keeps what was known (a stale progress
        bar is not worth failing the list for)."""
        if not task_ids:
            return
        self._progress_read.update(dict.fromkeys(task_ids, self._clock()))
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

    async def _read_training(self, client: SlyClient, emit: Sink, task_id: int, kind: str) -> None:
        """One request of one running training: its metrics' trend or its epochs."""
        reads, reader = (
            (self._trend_read, self._trainings.read_metrics)
            if kind == "trend"
            else (self._epochs_read, self._trainings.read_epochs)
        )
        reads[task_id] = self._clock()
        last = self.trends.get(task_id, Training())
        shown = await reader(client, self.tasks[task_id], last)
        if shown != last:
            self._set_trends(emit, {task_id: shown or None})

    def _forget_stopped(self, emit: Sink) -> None:
        """Drop the progress and trends of tasks that no longer run."""
        running, training = set(self._running()), set(self._training())
        self._progress_read = {i: t for i, t in self._progress_read.items() if i in running}
        self.progress = {i: p for i, p in self.progress.items() if i in running}
        self._trend_read = {i: t for i, t in self._trend_read.items() if i in training}
        self._epochs_read = {i: t for i, t in self._epochs_read.items() if i in training}
        self._trainings.keep_only(training)
        if stopped := self.trends.keys() - training:
            self._set_trends(emit, dict.fromkeys(stopped))

    def _set_trends(self, emit: Sink, changed: dict[int, Training | None]) -> None:
        self.trends = {i: v for i, v in {**self.trends, **changed}.items() if v}
        emit(TrendsChanged(self.workspace_id, trends=changed))

    def _apply(
        self, fresh: Mapping[int, TaskInfo], removed: Iterable[int], *, full: bool
    ) -> TasksChanged:
        fresh = {task_id: self._with_progress(task) for task_id, task in fresh.items()}
        added, changed, gone = diff_tasks(self.tasks, fresh, removed)
        self.tasks.update(fresh)
        for task_id, task in fresh.items():
            if task.is_active:
                self._active[task_id] = task
            else:
                self._active.pop(task_id, None)
        for task_id in gone:
            del self.tasks[task_id]
            self._active.pop(task_id, None)
        return TasksChanged(self.workspace_id, tuple(added), tuple(changed), tuple(gone), full)

    def _with_progress(self, task: TaskInfo) -> TaskInfo:
        """The task with the progress last read for it, while it runs (list entries carry
        none of their own)."""
        progress = self.progress.get(task.id)
        if progress is None or task.status not in RUNNING_STATUSES or "progress" in task.raw:
            return task
        return task.with_progress(progress)
