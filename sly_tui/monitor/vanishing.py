"""Telling a task that is gone from one the server briefly cannot find.

A 404 for a task seen seconds ago is more often a failover, a reinstalling node or a proxy
pointing at the wrong backend than a deleted task, and declaring it gone at once would end
a `wait` on a two-hour training or blank the detail view. Only 404s repeated for
`GONE_AFTER` seconds count; meanwhile the caller retries with `TaskMissing`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sly_tui.api import TaskMissing

GONE_AFTER = 60.0


class Vanishing:
    """The 404s of one task that was seen to exist."""

    def __init__(self, task_id: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.task_id = task_id
        self._clock = clock
        self._since: float | None = None

    def missing(self) -> TaskMissing | None:
        """Note a 404: the error to retry with while it may be a blip, None once the task
        has been missing for `GONE_AFTER` seconds and is taken for gone."""
        now = self._clock()
        if self._since is None:
            self._since = now
        return TaskMissing(self.task_id) if now - self._since < GONE_AFTER else None

    def found(self) -> None:
        """The task answered again: the next 404 starts a new count."""
        self._since = None
