"""The task list topic: diffs, and requests per tick that do not grow with history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from sly_tui.api import RequestRecord, SlyClient
from sly_tui.demo import Emulator, ManualClock
from sly_tui.enums import ACTIVE_STATUSES, Status
from sly_tui.monitor.events import TasksChanged
from sly_tui.monitor.task_list import (
    MAX_PROGRESS,
    PROGRESS_EVERY,
    PROGRESS_PER_TICK,
    TaskListTopic,
    diff_tasks,
)

from ..conftest import FAST_RETRY, FROZEN_NOW


class Counter:
    def __init__(self) -> None:
        self.records: list[RequestRecord] = []

    def __call__(self, record: RequestRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        methods = [r.method for r in self.records]
        self.records.clear()
        return methods


async def poll(topic: TaskListTopic, client: SlyClient) -> list[TasksChanged]:
    events: list[TasksChanged] = []
    await topic.poll(client, events.append)
    return events


def counted_client(emulator: Emulator, counter: Counter) -> SlyClient:
    return SlyClient(
        "http://emulator.test",
        emulator.token,
        transport=httpx.ASGITransport(app=emulator.app),
        retry=FAST_RETRY,
        on_request=counter,
    )


async def first_workspace(client: SlyClient) -> int:
    teams = await client.teams.get_list()
    workspaces = await client.workspaces.get_list(teams[0].id)
    return workspaces[0].id


async def test_first_poll_is_a_full_sweep_then_ticks_are_cheap(emulator: Emulator):
    counter = Counter()
    async with counted_client(emulator, counter) as client:
        workspace = await first_workspace(client)
        counter.take()
        topic = TaskListTopic(workspace, clock=lambda: 0.0)
        events = await poll(topic, client)
        assert events[-1].full and not events[-1].removed
        assert sum(len(e.added) for e in events) == len(topic.tasks) > 0
        sweep = counter.take()  # every page, then the progress of each started task
        started = sum(t.status in ("started", "deployed") for t in topic.tasks.values())
        assert sweep.count("tasks.info") == min(started, MAX_PROGRESS)
        assert set(sweep) == {"tasks.list", "tasks.info"}

        events = await poll(topic, client)
        assert events == []  # nothing moved: no event at all
        assert counter.take() == ["tasks.list", "tasks.list"]


async def test_ticks_send_only_documented_filters_and_sorts(emulator: Emulator):
    """The emulator answers 400 to anything else, so a tick that used `id > newest` would
    fail here; new tasks are found by sorting on id, newest first."""
    counter = Counter()
    async with counted_client(emulator, counter) as client:
        workspace = await first_workspace(client)
        topic = TaskListTopic(workspace, clock=lambda: 0.0)
        await poll(topic, client)
        started = await client.tasks.start(None, app_id=501, workspace_id=workspace)
        counter.take()
        events = await poll(topic, client)
        assert started.id in {t.id for e in events for t in e.added}
        assert all(r.status == 200 for r in counter.records)
        assert counter.take().count("tasks.list") == 2


async def test_ticks_report_moves_and_endings(emulator: Emulator, clock: ManualClock):
    counter = Counter()
    async with counted_client(emulator, counter) as client:
        workspace = await first_workspace(client)
        topic = TaskListTopic(workspace, clock=lambda: 0.0)
        await poll(topic, client)
        before = dict(topic.tasks)
        emulator.advance(600)
        counter.take()
        events = await poll(topic, client)
        methods = counter.take()
        assert methods.count("tasks.list") == 2
        ended = [t for t in before.values() if t.is_active and not topic.tasks[t.id].is_active]
        assert methods.count("tasks.info") <= len([t for t in before.values() if t.is_active])
        assert events and (events[0].changed or events[0].added or events[0].removed)
        # the topic's view equals a fresh full listing
        fresh = {t.id: t.status for t in await client.tasks.get_list(workspace)}
        assert {i: t.status for i, t in topic.tasks.items()} == fresh
        assert ended or events[0].added


@pytest.mark.parametrize("finished", [10_000])
async def test_requests_per_tick_with_ten_thousand_finished_tasks(finished: int):
    emulator = Emulator(seed=3, clock=ManualClock(FROZEN_NOW), big_workspace_tasks=finished)
    counter = Counter()
    async with counted_client(emulator, counter) as client:
        workspace = emulator.load_test_workspace_id
        assert workspace is not None
        topic = TaskListTopic(workspace, clock=lambda: 0.0)
        await poll(topic, client)
        assert len(topic.tasks) >= finished
        active = {t.id for t in topic.tasks.values() if t.status in ACTIVE_STATUSES}
        assert 0 < len(active) <= 50
        counter.take()
        for _ in range(5):
            emulator.advance(1)
            await poll(topic, client)
        methods = counter.take()
        assert methods.count("tasks.list") == 2 * 5
        # Besides: one info per task that ended (progress is read at the sweep, and then
        # every PROGRESS_EVERY seconds, which this frozen clock never reaches).
        assert methods.count("tasks.info") <= len(active)


def test_diff_tasks_is_keyed_by_id():
    from sly_tui.api import TaskInfo

    def task(task_id: int, status: str) -> TaskInfo:
        return TaskInfo.from_json({"id": task_id, "status": status, "type": "app"})

    current = {1: task(1, "started"), 2: task(2, "queued")}
    fresh = {1: task(1, "finished"), 3: task(3, "queued")}
    added, changed, removed = diff_tasks(current, fresh, removed=[2, 99])
    assert [t.id for t in added] == [3]
    assert [t.id for t in changed] == [1]
    assert removed == [2]


async def test_sweep_removes_deleted_tasks_and_pages_newest_first(emulator: Emulator):
    counter = Counter()
    async with counted_client(emulator, counter) as client:
        workspace = await first_workspace(client)
        topic = TaskListTopic(workspace, clock=lambda: 0.0)
        events = await poll(topic, client)
        first_page = events[0].added
        assert [t.id for t in first_page] == sorted((t.id for t in first_page), reverse=True)
        victim = min(topic.tasks)
        del emulator.world.tasks[victim]
        topic.refresh()
        events = await poll(topic, client)
        assert events[-1].full and events[-1].removed == (victim,)
        assert victim not in topic.tasks


@asynccontextmanager
async def swept(
    emulator: Emulator, counter: Counter, now: list[float]
) -> AsyncIterator[tuple[SlyClient, TaskListTopic]]:
    """A topic of the first workspace whose clock reads `now[0]`, after its first sweep."""
    async with counted_client(emulator, counter) as client:
        topic = TaskListTopic(await first_workspace(client), clock=lambda: now[0])
        await poll(topic, client)
        yield client, topic


async def test_progress_is_read_at_the_sweep_then_a_few_per_tick(emulator: Emulator):
    """`withProgress` is documented for `tasks.info` only: the sweep reads it for every
    running task, then each tick for at most PROGRESS_PER_TICK, each task at most every
    PROGRESS_EVERY seconds."""
    counter = Counter()
    now = [0.0]
    async with swept(emulator, counter, now) as (client, topic):
        running = [t for t in topic.tasks.values() if t.status in ("started", "deployed")]
        assert len(running) > PROGRESS_PER_TICK
        assert counter.take().count("tasks.info") == min(len(running), MAX_PROGRESS)
        await poll(topic, client)  # every one was just read: none is due
        assert counter.take() == ["tasks.list", "tasks.list"]
        now[0] += PROGRESS_EVERY
        for _ in range(3):
            await poll(topic, client)
            methods = [m for m in counter.take() if m != "tasks.train-metrics"]  # trends
            assert methods == ["tasks.list", "tasks.list"] + ["tasks.info"] * PROGRESS_PER_TICK


async def test_running_tasks_carry_their_latest_progress(emulator: Emulator):
    """Read with `tasks.info` and kept on the list's entries in between reads (tasks.list
    documents no progress); ended tasks carry none."""
    from sly_tui.ui.format import list_progress

    counter = Counter()
    now = [0.0]
    async with swept(emulator, counter, now) as (client, topic):
        for _ in range(60):
            emulator.advance(20)
            now[0] += PROGRESS_EVERY
            await poll(topic, client)
            running = [t for t in topic.tasks.values() if t.status == "started"]
            with_progress = [t for t in running if list_progress(t) is not None]
            if with_progress:
                break
        assert with_progress, "no running task reported progress"
        record = list_progress(with_progress[0])
        assert record is not None and record.total is not None
        finished = [t for t in topic.tasks.values() if not t.is_active]
        assert all("progress" not in t.raw for t in finished)

        counter.take()
        await poll(topic, client)  # the lists carry no progress; what was read stays
        assert counter.take().count("tasks.info") <= PROGRESS_PER_TICK
        assert list_progress(topic.tasks[with_progress[0].id]) is not None


async def test_a_status_outside_the_enum_costs_no_extra_request(emulator: Emulator):
    """A newer server's status is kept as its word and asked for by name in the active
    filter, so it is neither looked up with `tasks.info` on every tick nor lost."""
    counter = Counter()
    async with counted_client(emulator, counter) as client:
        workspace = await first_workspace(client)
        task = max(emulator.world.tasks.values(), key=lambda t: t.id)
        task.status = "suspended"  # type: ignore[assignment]
        topic = TaskListTopic(workspace, clock=lambda: 0.0)
        await poll(topic, client)
        assert topic.tasks[task.id].status == "suspended"
        assert task.id in topic.active_ids
        counter.take()
        for _ in range(3):
            assert await poll(topic, client) == []
            assert counter.take() == ["tasks.list", "tasks.list"]
        task.status = Status.FINISHED
        events = await poll(topic, client)
        assert topic.tasks[task.id].status == Status.FINISHED
        assert [t.id for e in events for t in e.changed] == [task.id]
