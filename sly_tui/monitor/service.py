"""The polling service: the only part of sly-tui that talks to the server on a timer.

Screens subscribe to topics (a workspace's task list, one task's detail and log). Each
subscription runs its own loop on the event loop: poll, publish what changed, wait one
interval *after the poll ended*, poll again — so two polls of one topic never overlap and
a slow server slows the pace instead of piling up requests. Failures never escape: they
feed the shared `Health`, which backs every topic off together (1, 2, 4 … 60 s) and tells
the header what is going on. The last data stays on screen meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from enum import Enum
from typing import Protocol

from sly_tui.api import ApiError, SlyClient
from sly_tui.monitor.events import ConnectionState, Event
from sly_tui.monitor.health import Health

log = logging.getLogger(__name__)

MIN_INTERVAL = 0.5
MAX_INTERVAL = 60.0
DEFAULT_INTERVAL = 2.0

Sink = Callable[[Event], None]


class Next(Enum):
    """What a topic wants after a poll."""

    WAIT = "wait"  # the usual: poll again after one interval
    IDLE = "idle"  # nothing was asked of the server (nobody looks): wait, health untouched
    AGAIN = "again"  # more data is waiting (e.g. the next page of a long log): poll at once
    DONE = "done"  # nothing will change any more (a finished task): stop polling


class Topic(Protocol):
    """Something worth polling. `poll` publishes through `emit` and says what comes next."""

    async def poll(self, client: SlyClient, emit: Sink) -> Next: ...

    def refresh(self) -> None:
        """Make the next poll a complete one (the user pressed refresh)."""


class Subscription:
    """One topic being polled for one subscriber."""

    def __init__(self, monitor: Monitor, topic: Topic, sink: Sink) -> None:
        self.topic = topic
        self.sink = sink
        self.paused = False
        self.done = False
        self._monitor = monitor
        self._wake = asyncio.Event()
        self._urgent = True  # poll without waiting an interval (first poll, more pages)
        self._forced = False  # poll now even while backing off (manual refresh)
        self._last_end: float | None = None
        self._task: asyncio.Task[None] | None = None
        self._stalled: asyncio.Future[Next] | None = None  # a poll past its interval

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name=repr(self.topic))

    def pause(self) -> None:
        """Stop polling (the subscriber's screen is hidden); data is kept."""
        self.paused = True

    def resume(self) -> None:
        if self.paused:
            self.paused = False
            self._urgent = True
            self.wake()

    def refresh(self) -> None:
        """Poll now, completely, even while backing off; a finished topic polls once more
        (something was just written to an ended task, and the screen should show it). A
        poll stuck waiting for the server is abandoned for a fresh one."""
        self.topic.refresh()
        self._forced = True
        if self._stalled is not None:
            self._stalled.cancel()
        if self.done:
            self.done = False
            self.start()
        self.wake()

    def wake(self) -> None:
        self._wake.set()

    async def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def emit(self, event: Event) -> None:
        try:
            self.sink(event)
        except Exception:  # a subscriber that fails must not stop the service
            log.exception("subscriber of %r failed", self.topic)

    async def _run(self) -> None:
        monitor = self._monitor
        while not self.done:
            await self._wait_turn()
            try:
                outcome = await self._poll()
            except asyncio.CancelledError:
                if self._task is not None and self._task.cancelling():
                    raise
                continue  # a refresh abandoned a stalled poll: start a fresh one now
            except Exception as exc:
                if not isinstance(exc, ApiError):
                    log.exception("poll of %r failed", self.topic)
                monitor.health.failed(exc, at_least=monitor.interval)
                outcome = Next.WAIT
            else:
                if outcome is not Next.IDLE:  # a skipped turn proves nothing about the server
                    monitor.health.succeeded()
            self._last_end = monitor.clock()
            self._urgent = outcome is Next.AGAIN
            self.done = outcome is Next.DONE
            # A burst of AGAIN polls over an in-process transport never suspends; yield so
            # the UI draws between pages.
            await asyncio.sleep(0)

    async def _poll(self) -> Next:
        """One poll. One that outlasts the interval marks the data as stale (the header
        says so, instead of "live" over a reply that trickles in for minutes) and may be
        abandoned by a refresh; the transport's deadline ends it otherwise."""
        monitor = self._monitor
        poll = asyncio.ensure_future(self.topic.poll(monitor.client, self.emit))
        try:
            await asyncio.wait({poll}, timeout=monitor.interval)
            if not poll.done():
                self._stalled = poll
                monitor.health.stalled(self, True)
            return await poll
        finally:
            if self._stalled is not None:
                self._stalled = None
                monitor.health.stalled(self, False)
            poll.cancel()

    async def _wait_turn(self) -> None:
        monitor = self._monitor
        while True:
            self._wake.clear()
            if monitor.paused or self.paused:
                await self._wake.wait()
                continue
            if self._forced:
                self._forced = False
                return
            now = monitor.clock()
            due = now
            if not self._urgent and self._last_end is not None:
                due = self._last_end + monitor.interval
            if monitor.health.retry_at is not None:
                due = max(due, monitor.health.retry_at)
            if due <= now:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), due - now)


class Monitor:
    """Runs subscriptions against one server and reports its health."""

    def __init__(
        self,
        client: SlyClient,
        *,
        interval: float = DEFAULT_INTERVAL,
        on_state: Callable[[ConnectionState], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.clock = clock
        self._interval = clamp_interval(interval)
        self._paused = False
        self._subscriptions: list[Subscription] = []
        self.health = Health(clock, on_state or (lambda state: None))

    @property
    def interval(self) -> float:
        return self._interval

    @interval.setter
    def interval(self, seconds: float) -> None:
        self._interval = clamp_interval(seconds)
        self._wake_all()

    @property
    def paused(self) -> bool:
        return self._paused

    @paused.setter
    def paused(self, paused: bool) -> None:
        self._paused = paused
        self.health.set_paused(paused)
        self._wake_all()

    def subscribe(self, topic: Topic, sink: Sink) -> Subscription:
        """Start polling `topic`; events go to `sink` (called on the event loop)."""
        subscription = Subscription(self, topic, sink)
        self._subscriptions.append(subscription)
        subscription.start()
        return subscription

    async def unsubscribe(self, subscription: Subscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)
        await subscription.cancel()

    def refresh(self) -> None:
        """Poll every topic now, completely, even while backing off."""
        for subscription in self._subscriptions:
            subscription.refresh()

    async def aclose(self) -> None:
        subscriptions, self._subscriptions = self._subscriptions, []
        for subscription in subscriptions:
            await subscription.cancel()

    def _wake_all(self) -> None:
        for subscription in self._subscriptions:
            subscription.wake()


def clamp_interval(seconds: float) -> float:
    return min(MAX_INTERVAL, max(MIN_INTERVAL, float(seconds)))
