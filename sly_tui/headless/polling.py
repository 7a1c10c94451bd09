"""Follow modes (`logs --follow`, `tasks --watch`) on the dashboard's polling service.

The service paces the polls, keeps the topic's state (the log cursor, the known task list)
across failures and backs off on its own; this module adds what a command line needs on
top: events handed to the command's own coroutine through a queue (so a broken pipe or
Ctrl-C raised while printing ends the command instead of being swallowed by the service),
a notice on stderr for every failed poll and for the recovery, and an end to the polling
on failures that no retry can fix (a refused token, a task that does not exist).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from sly_tui.api import SlyClient
from sly_tui.api.sentences import is_transient
from sly_tui.headless.output import Output
from sly_tui.monitor.events import ConnectionState, Event, Phase
from sly_tui.monitor.service import Monitor, Next, Sink, Topic


@dataclass(frozen=True, slots=True)
class _Fatal:
    """The topic failed in a way retrying cannot fix; the command re-raises it."""

    error: Exception


class _Guarded:
    """A topic whose permanent failures end the polling instead of being retried; they go
    to `fatal` (not through `emit`, which carries only the monitor's events)."""

    def __init__(self, topic: Topic, fatal: Callable[[_Fatal], None]) -> None:
        self.topic = topic
        self.fatal = fatal

    def __repr__(self) -> str:
        return repr(self.topic)

    async def poll(self, client: SlyClient, emit: Sink) -> Next:
        try:
            return await self.topic.poll(client, emit)
        except Exception as exc:
            if is_transient(exc):
                raise  # the service backs off and tries again
            self.fatal(_Fatal(exc))
            return Next.DONE

    def refresh(self) -> None:
        self.topic.refresh()


class Notices:
    """Tells stderr about each failed poll and about the recovery after failures (also
    `wait`'s, which keeps its own `Health`)."""

    def __init__(self, out: Output, clock: Callable[[], float]) -> None:
        self._out = out
        self._clock = clock
        self._failing = False

    def __call__(self, state: ConnectionState) -> None:
        # A poll merely slow to finish (no failure yet) is left to the deadline to judge.
        if state.phase in (Phase.RETRYING, Phase.DISCONNECTED) and state.failures and state.error:
            wait = max(0.0, (state.retry_at or 0.0) - self._clock())
            self._out.notice(f"{state.error} Retrying in {wait:.0f} s.")
            self._failing = True
        elif state.phase is Phase.LIVE and self._failing:
            self._out.notice("Connection restored; carrying on.")
            self._failing = False


@contextlib.asynccontextmanager
async def polled(
    client: SlyClient, topic: Topic, *, interval: float, out: Output
) -> AsyncIterator[Callable[[], Awaitable[Event]]]:
    """Poll `topic` every `interval` seconds; yields `next_event()`, which returns the
    topic's next event or raises the failure that ended the polling."""
    queue: asyncio.Queue[Event | _Fatal] = asyncio.Queue()
    monitor = Monitor(client, interval=interval, on_state=Notices(out, time.monotonic))
    monitor.subscribe(_Guarded(topic, queue.put_nowait), queue.put_nowait)

    async def next_event() -> Event:
        event = await queue.get()
        if isinstance(event, _Fatal):
            raise event.error
        return event

    try:
        yield next_event
    finally:
        await monitor.aclose()
