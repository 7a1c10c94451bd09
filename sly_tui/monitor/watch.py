"""Watched tasks: which of them ended, whatever screen is open.

A task's list or detail subscription pauses while another screen covers it, and may show
another workspace altogether, so the watched tasks have a topic of their own, subscribed
for as long as the dashboard is connected. Each tick reads one watched task (`tasks.info`),
the one read longest ago: a tick costs one request whatever the number watched, and a
dozen watched tasks are each checked every dozen intervals. Nothing watched: no request.

A task read in an ended status is published as `TaskEnded` and leaves the watch; one the
server no longer has as `TaskGone`, once its 404s have lasted a minute (`Vanishing`: a
failover answers 404 for a moment too). A task ended before it was read (while the
dashboard was closed, say) is told all the same, on the first read.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable

from sly_tui.api import SlyClient
from sly_tui.monitor.events import TaskEnded, TaskGone
from sly_tui.monitor.service import Next, Sink
from sly_tui.monitor.vanishing import Vanishing


class WatchTopic:
    """Reads the watched tasks in turn, one a tick."""

    def __init__(
        self, task_ids: Iterable[int] = (), *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._queue: deque[int] = deque(dict.fromkeys(task_ids))
        self._clock = clock
        self._missing: dict[int, Vanishing] = {}  # watched tasks the server answered 404 for

    def __repr__(self) -> str:
        return f"WatchTopic({len(self._queue)} tasks)"

    @property
    def task_ids(self) -> frozenset[int]:
        return frozenset(self._queue)

    def add(self, task_id: int) -> None:
        """Watch `task_id`, read first on the next tick (the user just asked)."""
        if task_id not in self._queue:
            self._queue.appendleft(task_id)

    def remove(self, task_id: int) -> None:
        if task_id in self._queue:
            self._queue.remove(task_id)
        self._missing.pop(task_id, None)

    def refresh(self) -> None:
        """Nothing to redo: every tick reads afresh."""

    async def poll(self, client: SlyClient, emit: Sink) -> Next:
        if not self._queue:
            return Next.IDLE
        task_id = self._queue[0]
        task = await client.tasks.get_info_by_id(task_id)
        if task_id not in self._queue:  # unwatched while the read was under way
            return Next.WAIT
        if task is None:
            vanishing = self._missing.setdefault(task_id, Vanishing(task_id, self._clock))
            if vanishing.missing() is None:
                self.remove(task_id)
                emit(TaskGone(task_id))
                return Next.WAIT
        else:
            self._missing.pop(task_id, None)
            if not task.is_active:
                self.remove(task_id)
                emit(TaskEnded(task))
                return Next.WAIT
        self._queue.remove(task_id)  # to the back of the line (another may be first now)
        self._queue.append(task_id)
        return Next.WAIT
