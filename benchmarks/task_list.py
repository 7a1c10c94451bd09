"""Benchmark: the task list at 10,000 tasks, and what a polling tick costs the server.

Prints figures, asserts nothing. Every figure comes with a baseline measured in the same
run: Textual's own DataTable holding the same rows, and an empty repaint.

    python benchmarks/task_list.py [--tasks 10000] [--ticks 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import tracemalloc
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import httpx
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from sly_tui.api import RequestRecord, RetryPolicy, SlyClient
from sly_tui.config import Settings
from sly_tui.demo import Emulator, ManualClock
from sly_tui.monitor.events import TasksChanged
from sly_tui.monitor.task_list import TaskListTopic
from sly_tui.secrets import Secret
from sly_tui.ui.app import SlyApp
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.widgets.task_table import COLUMNS, TaskTable, cell_text

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SIZE = (160, 48)


def client_for(emulator: Emulator, on_request=None) -> SlyClient:
    return SlyClient(
        "http://emulator.test",
        emulator.token,
        transport=httpx.ASGITransport(app=emulator.app),
        retry=RetryPolicy(retries=1, sleep=0, cap=0),
        on_request=on_request,
    )


async def requests_per_tick(emulator: Emulator, ticks: int) -> dict[str, float]:
    records: list[RequestRecord] = []
    async with client_for(emulator, records.append) as client:
        workspace = emulator.load_test_workspace_id
        assert workspace is not None
        now = [0.0]  # the topic's clock follows the world's: progress is read every 5 s
        topic = TaskListTopic(workspace, clock=lambda: now[0])
        start = time.perf_counter()
        await topic.poll(client, lambda e: None)
        sweep_time = time.perf_counter() - start
        sweep_requests = len(records)
        records.clear()
        durations = []
        tick_of: list[int] = []  # the tick of each request
        for tick in range(ticks):
            emulator.advance(2.0)
            now[0] += 2.0
            start = time.perf_counter()
            await topic.poll(client, lambda e: None)
            durations.append(time.perf_counter() - start)
            tick_of += [tick] * (len(records) - len(tick_of))
        active = len(topic.active_ids)
        lists = sum(r.method == "tasks.list" for r in records)
        infos = sum(r.method == "tasks.info" for r in records)
        trends = sum(r.method == "tasks.train-metrics" for r in records)
        busiest = max(Counter(tick_of).values(), default=0)
        return {
            "tasks": len(topic.tasks),
            "active at the end": active,
            "sweep requests": sweep_requests,
            "sweep s": sweep_time,
            "requests/tick": len(records) / ticks,
            "  tasks.list/tick (active; ended; new)": lists / ticks,
            "  tasks.info/tick (progress)": infos / ticks,
            "  tasks.train-metrics/tick (trends)": trends / ticks,
            "most requests in one tick": busiest,
            "tick ms (median)": statistics.median(durations) * 1000,
        }


async def our_table(emulator: Emulator) -> dict[str, float]:
    workspace = emulator.load_test_workspace_id
    settings = Settings(
        server="http://emulator.test",
        token=Secret(emulator.token),
        team_id=emulator.world.workspaces[workspace].team_id,  # type: ignore[index]
        workspace_id=workspace,
    )
    app = SlyApp(
        settings,
        transport=httpx.ASGITransport(app=emulator.app),
        interval=60,
        remember=False,
        clock=lambda: NOW,
    )
    first_event: list[float] = []
    handler = TaskListScreen.on_monitor_event

    def timed(screen: TaskListScreen, message) -> None:  # when the first rows reach the table
        handler(screen, message)
        if not first_event:
            first_event.append(time.perf_counter())

    TaskListScreen.on_monitor_event = timed  # type: ignore[method-assign]
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        while not (isinstance(app.screen, TaskListScreen) and app.screen.loaded):
            await pilot.pause(0.01)
        first_rows = first_event[0] - start
        table = app.screen.query_one(TaskTable)
        expected = sum(1 for t in emulator.world.tasks.values() if t.workspace_id == workspace)
        while len(table.tasks) < expected:
            await pilot.pause(0.01)
        await pilot.pause()
        loaded = time.perf_counter() - start
        table = app.screen.query_one(TaskTable)
        base = await repaint_cost(pilot, lambda: None)
        some = [table.tasks[i] for i in table.order[:: max(1, len(table.order) // 20)][:20]]

        def change_twenty() -> None:
            changed = tuple(replace(t, raw={**t.raw, "bench": time.perf_counter()}) for t in some)
            table.apply(TasksChanged(workspace, changed=changed))

        update = await repaint_cost(pilot, change_twenty)
        sort = await repaint_cost(pilot, lambda: table.sort_by("name"))
        filt = await repaint_cost(pilot, lambda: table.set_filter(lambda t: t.id % 2 == 0))
    TaskListScreen.on_monitor_event = handler  # type: ignore[method-assign]
    return {
        "start to first rows s": first_rows,
        "start to painted list s": loaded,
        "empty repaint ms": base,
        "20 changed tasks + repaint ms": update,
        "re-sort + repaint ms": sort,
        "filter + repaint ms": filt,
    }


async def table_memory(emulator: Emulator) -> dict[str, float]:
    """Python heap held by the rows: our table's data vs a DataTable's, same tasks."""
    tasks = await all_tasks(emulator)
    rows = [tuple(Text(cell_text(t, c.key, NOW)) for c in COLUMNS) for t in tasks]
    async with Baseline([]).run_test(size=SIZE) as pilot:
        tracemalloc.start()
        table = TaskTable()
        before = tracemalloc.get_traced_memory()[0]
        table.tasks = {t.id: t for t in tasks}
        table.order = sorted(table.tasks)
        ours = tracemalloc.get_traced_memory()[0] - before
        grid = pilot.app.query_one(DataTable)
        before = tracemalloc.get_traced_memory()[0]
        grid.add_rows(rows)
        await pilot.pause()
        theirs = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
    return {"TaskTable rows MB": ours / 1e6, "DataTable rows MB": theirs / 1e6}


async def all_tasks(emulator: Emulator):
    async with client_for(emulator) as client:
        return await client.tasks.get_list(emulator.load_test_workspace_id)  # type: ignore[arg-type]


async def repaint_cost(pilot, action, runs: int = 10) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        await pilot.pause()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


class Baseline(App[None]):
    def __init__(self, rows: list[tuple[Text, ...]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column.label, key=column.key)
        table.add_rows(self.rows)


async def datatable_baseline(emulator: Emulator) -> dict[str, float]:
    tasks = await all_tasks(emulator)
    rows = [tuple(Text(cell_text(t, c.key, NOW)) for c in COLUMNS) for t in tasks]
    app = Baseline(rows)
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        loaded = time.perf_counter() - start
        table = app.query_one(DataTable)
        keys = [row.key for row in list(table.rows.values())[:: max(1, len(rows) // 20)][:20]]

        def change_twenty() -> None:
            for key in keys:
                table.update_cell(key, "duration", Text(str(time.perf_counter())))

        update = await repaint_cost(pilot, change_twenty)
        sort = await repaint_cost(pilot, lambda: table.sort("name", key=lambda cell: cell.plain))
    return {
        "start to painted list s": loaded,
        "20 changed tasks + repaint ms": update,
        "re-sort + repaint ms": sort,
    }


def show(title: str, figures: dict[str, float]) -> None:
    print(f"\n{title}")
    for key, value in figures.items():
        shown = f"{value:>10.3f}" if isinstance(value, float) else f"{value:>10}"
        print(f"  {key:<32} {shown}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--ticks", type=int, default=15)  # 30 s at --interval 2
    args = parser.parse_args()

    def world() -> Emulator:
        return Emulator(seed=7, clock=ManualClock(NOW), big_workspace_tasks=args.tasks)

    polling = await requests_per_tick(world(), args.ticks)
    show(f"Polling a workspace of {args.tasks:,} finished tasks", polling)
    ours = await our_table(world())
    base = await datatable_baseline(world())
    show("sly-tui TaskTable (virtual, keyed)", ours)
    show("baseline: Textual DataTable, same rows", base)
    show("memory of the rows (tracemalloc)", await table_memory(world()))
    print("\nratios (DataTable / TaskTable)")
    for key in ("start to painted list s", "20 changed tasks + repaint ms", "re-sort + repaint ms"):
        print(f"  {key:<32} {base[key] / ours[key]:>10.1f}x")


if __name__ == "__main__":
    asyncio.run(main())
