"""The polling service: self-pacing, pause, interval, faults shown and recovered from."""

from __future__ import annotations

import asyncio

import httpx

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator
from sly_tui.monitor.events import ConnectionState, Phase, TasksChanged
from sly_tui.monitor.health import Health, backoff_delay
from sly_tui.monitor.service import Monitor, Next
from sly_tui.monitor.task_list import TaskListTopic

from ..conftest import FAST_RETRY


class Probe:
    """A topic that records when polls run, to check pacing without the network."""

    def __init__(self, hold: float = 0.0) -> None:
        self.running = 0
        self.overlaps = 0
        self.polls = 0
        self.hold = hold
        self.refreshed = 0

    async def poll(self, client, emit) -> Next:
        self.running += 1
        self.overlaps += self.running > 1
        self.polls += 1
        await asyncio.sleep(self.hold)
        self.running -= 1
        emit(self.polls)
        return Next.WAIT

    def refresh(self) -> None:
        self.refreshed += 1


async def settle(condition) -> None:
    async with asyncio.timeout(3.0):
        while not condition():
            await asyncio.sleep(0.01)


def test_backoff_doubles_to_a_cap():
    assert [backoff_delay(n) for n in range(0, 9)] == [0, 1, 2, 4, 8, 16, 32, 60, 60]


def test_health_phases():
    now = [100.0]
    states: list[ConnectionState] = []
    health = Health(lambda: now[0], states.append)
    health.succeeded()
    assert health.state.phase is Phase.LIVE
    from sly_tui.api import ServerError, Unreachable

    assert health.failed(ServerError("The server failed (HTTP 503).", status=503)) == 1
    assert health.state.phase is Phase.RETRYING and health.retry_at == 101.0
    health.failed(Unreachable("Cannot reach http://x.", address="http://x", method=None))
    assert health.state.phase is Phase.DISCONNECTED and health.retry_at == 102.0
    health.set_paused(True)
    assert health.state.phase is Phase.PAUSED
    health.set_paused(False)
    assert health.state.phase is Phase.DISCONNECTED
    health.succeeded()
    assert health.state.phase is Phase.LIVE and health.state.error is None


def test_a_rate_limit_waits_as_long_as_the_server_asks():
    """Retry-After sets the next attempt, whatever the run of failures so far, and the
    header's sentence leaves the wait to the countdown."""
    from sly_tui.api import RateLimited, ServerError

    now = [100.0]
    health = Health(lambda: now[0], lambda state: None)
    for _ in range(6):
        health.failed(ServerError("The server failed (HTTP 503).", status=503))
    assert health.failed(RateLimited(retry_after=7, method="tasks.list", detail=None)) == 7.0
    assert health.retry_at == 107.0
    assert health.state.error == "The server is limiting the request rate (HTTP 429)."
    assert health.failed(RateLimited(retry_after=None, method=None, detail=None)) == 60.0
    assert health.failed(RateLimited(retry_after=3600, method=None, detail=None)) == 60.0


async def test_polls_never_overlap_and_pause_stops_them(client: SlyClient):
    monitor = Monitor(client, interval=0.5)
    monitor._interval = 0.01  # pace fast in this test only
    probe = Probe(hold=0.02)
    events: list[object] = []
    monitor.subscribe(probe, events.append)
    await settle(lambda: probe.polls >= 5)
    assert probe.overlaps == 0
    monitor.paused = True
    await asyncio.sleep(0.05)
    frozen = probe.polls
    await asyncio.sleep(0.1)
    assert probe.polls == frozen
    monitor.paused = False
    await settle(lambda: probe.polls > frozen)
    await monitor.aclose()


async def test_hidden_subscription_pauses_and_refresh_forces(client: SlyClient):
    monitor = Monitor(client, interval=60)
    probe = Probe()
    sub = monitor.subscribe(probe, lambda e: None)
    await settle(lambda: probe.polls == 1)
    sub.pause()
    monitor.refresh()
    await asyncio.sleep(0.05)
    assert probe.polls == 1  # paused subscriptions ignore refresh
    sub.resume()
    await settle(lambda: probe.polls == 2)
    monitor.refresh()
    await settle(lambda: probe.polls == 3 and probe.refreshed >= 1)
    await monitor.aclose()


async def test_faults_show_in_state_and_recover(emulator: Emulator):
    states: list[ConnectionState] = []
    async with SlyClient(
        "http://emulator.test",
        emulator.token,
        transport=httpx.ASGITransport(app=emulator.app),
        retry=FAST_RETRY,
    ) as client:
        teams = await client.teams.get_list()
        workspace = (await client.workspaces.get_list(teams[0].id))[0].id
        monitor = Monitor(client, interval=60, on_state=states.append)
        events: list[object] = []
        emulator.faults.error_status = 503
        emulator.faults.fail_next = 10  # more than the client's own retries
        monitor.subscribe(TaskListTopic(workspace), events.append)
        await settle(lambda: monitor.health.state.phase is Phase.RETRYING)
        assert "503" in (monitor.health.state.error or "")
        assert events == []  # nothing bogus published
        emulator.faults.fail_next = 0
        monitor.refresh()  # the user pressed r: poll now despite the backoff
        await settle(lambda: monitor.health.state.phase is Phase.LIVE)
        assert any(isinstance(e, TasksChanged) and e.full for e in events)
        assert [s.phase for s in states][-1] is Phase.LIVE
        await monitor.aclose()


async def test_a_broken_subscriber_does_not_stop_polling(client: SlyClient):
    monitor = Monitor(client, interval=0.5)
    monitor._interval = 0.01
    probe = Probe()

    def explode(event: object) -> None:
        raise RuntimeError("subscriber bug")

    monitor.subscribe(probe, explode)
    await settle(lambda: probe.polls >= 3)
    await monitor.aclose()


async def test_a_skipped_turn_is_not_taken_for_a_healthy_server(client: SlyClient):
    """A topic that asks nothing (its tab is covered) must not clear a failure state."""
    from sly_tui.api import ServerError

    class Covered(Probe):
        async def poll(self, client, emit) -> Next:
            self.polls += 1
            return Next.IDLE

    monitor = Monitor(client, interval=0.5)
    monitor._interval = 0.01
    monitor.health.failed(ServerError("The server failed (HTTP 503).", status=503))
    monitor.health._retry_at = None  # let the turn come at once
    covered = Covered()
    monitor.subscribe(covered, lambda e: None)
    await settle(lambda: covered.polls >= 3)
    assert monitor.health.state.phase is Phase.RETRYING
    await monitor.aclose()


class Stuck:
    """A topic whose first poll waits for a reply that never comes (a trickling body)."""

    def __init__(self) -> None:
        self.polls = 0
        self.abandoned = 0

    async def poll(self, client, emit) -> Next:
        self.polls += 1
        if self.polls == 1:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.abandoned += 1
                raise
        emit(self.polls)
        return Next.WAIT

    def refresh(self) -> None:
        pass


async def test_a_stalled_poll_shows_stale_and_refresh_starts_a_fresh_one(client: SlyClient):
    states: list[ConnectionState] = []
    monitor = Monitor(client, interval=0.5, on_state=states.append)
    topic, events = Stuck(), []
    monitor.subscribe(topic, events.append)
    try:
        await settle(lambda: monitor.health.state.phase is Phase.RETRYING)
        assert monitor.health.state.error == "The server is slow to answer; r tries again."
        monitor.refresh()
        await settle(lambda: events == [2])
        assert topic.abandoned == 1
        assert monitor.health.state.phase is Phase.LIVE and monitor.health.state.error is None
    finally:
        await monitor.aclose()
