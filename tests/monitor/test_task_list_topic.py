"""The task list topic: diffs, and requests per tick that do not grow with history."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from sly_tui.api import RequestRecord, SlyClient
from sly_tui.demo import Emulator, ManualClock
from sly_tui.enums import Status
from sly_tui.monitor.events import TasksChanged
from sly_tui.monitor.task_list import (
    MAX_PROGRESS,
    NEW_EVERY,
    NEW_PAGE,
    PROGRESS_EVERY,
    HeadStart,
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


class Recorded(httpx.ASGITransport):
    """The emulator in-process, keeping each JSON request's method and body (what was
    asked for which task), cleared by whoever reads them."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(app=emulator.app)
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.headers.get("content-type") == "application/json":
            self.sent.append((request.url.path.rsplit("/", 1)[-1], json.loads(request.content)))
        return await super().handle_async_request(request)

    def take(self, method: str) -> list[dict[str, Any]]:
        bodies = [body for name, body in self.sent if name == method]
        self.sent.clear()
        return bodies


async def poll(topic: TaskListTopic, client: SlyClient) -> list[TasksChanged]:
    events: list[TasksChanged] = []
    await topic.poll(client, events.append)
    return events


def counted_client(
    emulator: Emulator, counter: Counter, transport: httpx.ASGITransport | None = None
) -> SlyClient:
    return SlyClient(
        "http://emulator.test",
        emulator.token,
        transport=transport or httpx.ASGITransport(app=emulator.app),
        retry=FAST_RETRY,
        on_request=counter,
    )


async def first_workspace(client: SlyClient) -> int:
    teams = await client.teams.get_list()
    workspaces = await client.workspaces.get_list(teams[0].id)
    return workspaces[0].id


@asynccontextmanager
async def swept(
    emulator: Emulator,
    counter: Counter,
    now: list[float] | None = None,
    transport: httpx.ASGITransport | None = None,
) -> AsyncIterator[tuple[SlyClient, TaskListTopic]]:
    """A topic of the first workspace whose clock reads `now[0]` (or stays at 0), after
    its first sweep, with the counter emptied."""
    clock = now or [0.0]
    async with counted_client(emulator, counter, transport) as client:
        topic = TaskListTopic(await first_workspace(client), clock=lambda: clock[0])
        await poll(topic, client)
        counter.take()
        yield client, topic


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

        topic.show([])  # no row on screen: no progress or trend to read
        events = await poll(topic, client)
        assert events == []  # nothing moved: no event at all
        assert counter.take() == ["tasks.list"]


async def test_a_head_start_is_the_first_sweep_s_first_page(emulator: Emulator):
    """The page asked for before the topic exists is the one its first sweep shows: the
    same tasks as a sweep of its own, and no second request for that page."""
    counter = Counter()
    async with counted_client(emulator, counter) as client:
        workspace = await first_workspace(client)
        plain = TaskListTopic(workspace, clock=lambda: 0.0)
        await poll(plain, client)
        pages = counter.take().count("tasks.list")
        head_start = HeadStart(client, workspace)
        topic = TaskListTopic(workspace, clock=lambda: 0.0, head_start=head_start)
        events = await poll(topic, client)
        assert topic.tasks == plain.tasks and events[-1].full
        assert counter.take().count("tasks.list") == pages


async def test_ticks_send_only_documented_filters_and_sorts(emulator: Emulator):
    """The emulator answers 400 to anything else, so a tick that used `id > newest` would
    fail here; a new task shows as queued, so the active tasks' request finds it."""
    counter = Counter()
    async with swept(emulator, counter) as (client, topic):
        topic.show([])
        started = await client.tasks.start(None, app_id=501, workspace_id=topic.workspace_id)
        counter.take()
        events = await poll(topic, client)
        assert started.id in {t.id for e in events for t in e.added}
        assert all(r.status == 200 for r in counter.records)
        assert counter.take() == ["tasks.list"]


async def test_ticks_report_moves_and_endings(emulator: Emulator):
    """Tasks that left the active set cost one more `tasks.list`; after the next look for
    new tasks the topic's view equals a fresh full listing."""
    counter = Counter()
    async with swept(emulator, counter) as (client, topic):
        topic.show([])
        before = dict(topic.tasks)
        emulator.advance(600)
        events = await poll(topic, client)
        assert counter.take() == ["tasks.list", "tasks.list"]
        ended = [t.id for t in before.values() if t.is_active and t.id not in topic.active_ids]
        assert ended
        assert {t.id for e in events for t in e.changed} >= set(ended)
        for _ in range(NEW_EVERY):
            await poll(topic, client)
        fresh = {t.id: t.status for t in await client.tasks.get_list(topic.workspace_id)}
        assert {i: t.status for i, t in topic.tasks.items()} == fresh


async def watch_started(
    emulator: Emulator, client: SlyClient, topic: TaskListTopic, *positions: int
) -> list[Any]:
    """The workspace's tasks at `positions` (0: the newest) made started in the emulator
    and swept in again, so that the topic watches them as active."""
    tasks = [t for t in emulator.world.tasks.values() if t.workspace_id == topic.workspace_id]
    tasks.sort(key=lambda t: t.id, reverse=True)
    chosen = [tasks[position] for position in positions]
    for task in chosen:
        task.status = Status.STARTED
    topic.refresh()
    await poll(topic, client)
    return chosen


async def test_tasks_that_end_among_the_newest_are_read_by_the_look_for_new_tasks(
    emulator: Emulator,
):
    """That look sees them too (one gone from it was deleted), so it is then not due
    again for NEW_EVERY ticks."""
    counter = Counter()
    transport = Recorded(emulator)
    async with swept(emulator, counter, transport=transport) as (client, topic):
        topic.show([])
        ending, deleted = await watch_started(emulator, client, topic, 0, 1)
        counter.take()
        transport.sent.clear()
        ending.status = Status.FINISHED
        del emulator.world.tasks[deleted.id]
        events = await poll(topic, client)
        assert counter.take() == ["tasks.list", "tasks.list"]
        assert transport.take("tasks.list")[1]["sort_order"] == "desc"
        assert topic.tasks[ending.id].status == Status.FINISHED
        assert [t.id for e in events for t in e.changed] == [ending.id]
        assert [i for e in events for i in e.removed] == [deleted.id]
        for _ in range(NEW_EVERY - 1):
            await poll(topic, client)
        assert counter.take() == ["tasks.list"] * (NEW_EVERY - 1)


async def test_an_older_task_that_ended_is_read_by_id(emulator: Emulator):
    """One below the newest NEW_PAGE known is asked for by `id in`; one the look for new
    tasks did not reach (new tasks pushed it down) stays as it was until the next tick asks
    for it by id."""
    counter = Counter()
    transport = Recorded(emulator)
    async with swept(emulator, counter, transport=transport) as (client, topic):
        topic.show([])
        old, edge = await watch_started(emulator, client, topic, NEW_PAGE + 5, NEW_PAGE - 1)
        for _ in range(3):  # new tasks, ended before the next tick sees them
            task = await client.tasks.start(None, app_id=501, workspace_id=topic.workspace_id)
            emulator.world.tasks[task.id].status = Status.FINISHED
        counter.take()
        transport.sent.clear()
        old.status = Status.STOPPED
        await poll(topic, client)
        lists = transport.take("tasks.list")
        assert lists[1]["filter"] == [{"field": "id", "operator": "in", "value": [old.id]}]
        assert topic.tasks[old.id].status == Status.STOPPED

        edge.status = Status.FINISHED
        await poll(topic, client)  # the look for new tasks reads 20, down to the 17th known
        assert transport.take("tasks.list")[1]["sort_order"] == "desc"
        assert topic.tasks[edge.id].status == Status.STARTED
        await poll(topic, client)
        lists = transport.take("tasks.list")
        assert lists[1]["filter"] == [{"field": "id", "operator": "in", "value": [edge.id]}]
        assert topic.tasks[edge.id].status == Status.FINISHED
        assert counter.take() == ["tasks.list", "tasks.list"] * 3


async def test_a_task_created_and_ended_between_ticks_is_found_within_new_every_ticks(
    emulator: Emulator,
):
    """Even when a newer task, found by the active request, is already known."""
    counter = Counter()
    async with swept(emulator, counter) as (client, topic):
        topic.show([])
        brief = await client.tasks.start(None, app_id=501, workspace_id=topic.workspace_id)
        emulator.world.tasks[brief.id].status = Status.FINISHED
        later = await client.tasks.start(None, app_id=501, workspace_id=topic.workspace_id)
        counter.take()
        await poll(topic, client)
        assert later.id in topic.tasks and brief.id not in topic.tasks
        for _ in range(NEW_EVERY - 2):
            await poll(topic, client)
        assert brief.id not in topic.tasks
        assert counter.take() == ["tasks.list"] * (NEW_EVERY - 1)
        await poll(topic, client)
        assert topic.tasks[brief.id].status == Status.FINISHED
        assert counter.take() == ["tasks.list", "tasks.list"]


@pytest.mark.parametrize("finished", [10_000])
async def test_requests_per_tick_with_ten_thousand_finished_tasks(finished: int):
    """30 s of ticks every 2 s while 20 tasks run and end: each tick asks for the active
    tasks, then makes at most one more request, and which one is decided by what is due."""
    emulator = Emulator(seed=3, clock=ManualClock(FROZEN_NOW), big_workspace_tasks=finished)
    counter = Counter()
    transport = Recorded(emulator)
    now = [0.0]
    async with counted_client(emulator, counter, transport) as client:
        workspace = emulator.load_test_workspace_id
        assert workspace is not None
        topic = TaskListTopic(workspace, clock=lambda: now[0])
        await poll(topic, client)
        assert len(topic.tasks) >= finished
        assert 0 < len(topic.active_ids) <= 50
        counter.take()
        transport.sent.clear()
        ticks, ended_ticks, new_ticks, spare_ticks, since_new = 15, 0, 0, 0, 0
        for _ in range(ticks):
            active = topic.active_ids
            emulator.advance(2)
            now[0] += 2
            await poll(topic, client)
            since_new += 1
            methods = counter.take()
            lists = transport.take("tasks.list")
            assert lists[0]["filter"][0]["field"] == "status"
            if active - topic.active_ids:
                ended_ticks += 1
                assert methods == ["tasks.list", "tasks.list"]
                if lists[1]["filter"] == []:  # the newest tasks, new ones included
                    since_new = 0
                    assert lists[1]["sort_order"] == "desc"
                else:
                    assert lists[1]["filter"][0]["field"] == "id"
            elif since_new >= NEW_EVERY:
                since_new = 0
                new_ticks += 1
                assert methods == ["tasks.list", "tasks.list"]
                assert lists[1]["sort_order"] == "desc" and lists[1]["filter"] == []
            else:
                spare_ticks += 1
                assert methods[0] == "tasks.list" and len(methods) <= 2
                spare = {"tasks.info", "tasks.train-metrics", "tasks.log.download"}
                assert set(methods[1:]) <= spare
        assert ended_ticks and spare_ticks
        assert ended_ticks + new_ticks + spare_ticks == ticks


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


async def test_progress_is_read_at_the_sweep_then_one_shown_task_a_tick(emulator: Emulator):
    """`withProgress` is documented for `tasks.info` only: the sweep reads it for every
    running task shown, then a tick reads at most one, the one read longest ago, each at
    most every PROGRESS_EVERY seconds, never for a task not shown."""
    counter = Counter()
    transport = Recorded(emulator)
    now = [0.0]
    async with swept(emulator, counter, now, transport) as (client, topic):
        running = sorted(t.id for t in topic.tasks.values() if t.status in ("started", "deployed"))
        assert len(running) > 2
        assert len(transport.take("tasks.info")) == min(len(running), MAX_PROGRESS)
        hidden = running[0]
        topic.show(set(topic.tasks) - {hidden})
        await poll(topic, client)  # every one was just read: none is due (a trend may be)
        assert "tasks.info" not in counter.take()
        now[0] += PROGRESS_EVERY
        read: list[int] = []
        for _ in range(2 * len(running) + 4):  # trends take their turns too
            await poll(topic, client)
            methods = counter.take()
            assert methods[0] == "tasks.list" and len(methods) <= 2
            read += [b["id"] for b in transport.take("tasks.info")]
        assert hidden not in read
        shown = [i for i in running if i != hidden and topic.tasks[i].status in ("started",)]
        assert set(shown) <= set(read) and len(read) == len(set(read))


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
        assert counter.take().count("tasks.info") <= 1
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
        topic.show([])
        for _ in range(3):
            assert await poll(topic, client) == []
            assert counter.take() == ["tasks.list"]
        task.status = Status.FINISHED
        events = await poll(topic, client)
        assert topic.tasks[task.id].status == Status.FINISHED
        assert [t.id for e in events for t in e.changed] == [task.id]
