"""Pagination across pages and every filter operator, against the emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sly_tui.api import BadRequest, SlyClient, TaskInfo
from sly_tui.demo import Emulator, ManualClock

from .conftest import MakeClient


async def test_pages_stream_in_order(api: SlyClient, emulator: Emulator) -> None:
    everything = await api.tasks.get_list(201)
    pages = [page async for page in api.tasks.iter_list_pages(201, per_page=7)]
    assert len(pages) == -(-len(everything) // 7) > 3
    assert [p.page for p in pages] == list(range(1, len(pages) + 1))
    assert all(p.total == len(everything) and p.per_page == 7 for p in pages)
    assert [t for p in pages for t in p.entities] == everything


async def test_a_big_workspace_spans_default_pages(
    make_client: MakeClient, clock: ManualClock
) -> None:
    emulator = Emulator(seed=3, clock=clock, big_workspace_tasks=1200)
    workspace = emulator.load_test_workspace_id
    assert workspace is not None
    client = make_client(httpx.ASGITransport(app=emulator.app), emulator.token)
    progress: list[tuple[int, int]] = []
    tasks = await client.tasks.get_list(workspace, progress_cb=lambda *p: progress.append(p))
    expected = sorted(t.id for t in emulator.world.tasks.values() if t.workspace_id == workspace)
    assert [t.id for t in tasks] == expected
    assert len(tasks) >= 1200
    pages = -(-len(tasks) // 500)
    assert progress == [(n, pages) for n in range(1, pages + 1)]


def _cases(tasks: list[TaskInfo]) -> list[tuple[dict[str, Any], Callable[[TaskInfo], bool]]]:
    """Every filter the API reference documents for tasks.list."""
    pivot = tasks[len(tasks) // 2]
    pair = [tasks[1].id, tasks[2].id]
    return [
        ({"field": "id", "operator": "=", "value": pivot.id}, lambda t: t.id == pivot.id),
        ({"field": "id", "operator": "eq", "value": pivot.id}, lambda t: t.id == pivot.id),
        ({"field": "id", "operator": "!=", "value": pivot.id}, lambda t: t.id != pivot.id),
        ({"field": "id", "operator": "not", "value": pivot.id}, lambda t: t.id != pivot.id),
        ({"field": "id", "operator": "in", "value": pair}, lambda t: t.id in pair),
        ({"field": "id", "operator": "!in", "value": pair}, lambda t: t.id not in pair),
        (
            {"field": "status", "operator": "in", "value": ["error", "stopped"]},
            lambda t: t.status in ("error", "stopped"),
        ),
        (
            {"field": "status", "operator": "!in", "value": ["error", "stopped"]},
            lambda t: t.status not in ("error", "stopped"),
        ),
        ({"field": "type", "operator": "=", "value": "app"}, lambda t: t.type == "app"),
        ({"field": "type", "operator": "not", "value": "app"}, lambda t: t.type != "app"),
    ]


async def test_every_documented_filter_operator(api: SlyClient) -> None:
    tasks = await api.tasks.get_list(201)
    for spec, keep in _cases(tasks):
        got = await api.tasks.get_list(201, [spec])
        expected = [t for t in tasks if keep(t)]
        assert got == expected, spec
        assert 0 < len(got) < len(tasks), spec


@pytest.mark.parametrize(
    "spec",
    [
        {"field": "id", "operator": ">", "value": 1},
        {"field": "startedAt", "operator": ">=", "value": "2026-01-01T00:00:00.000Z"},
        {"field": "name", "operator": "ilike", "value": "%a%"},
    ],
)
async def test_undocumented_filters_are_refused(api: SlyClient, spec: dict[str, Any]) -> None:
    with pytest.raises(BadRequest):
        await api.tasks.get_list(201, [spec])


async def test_filters_combine(api: SlyClient) -> None:
    tasks = await api.tasks.get_list(201)
    both = [
        {"field": "type", "operator": "=", "value": "app"},
        {"field": "status", "operator": "=", "value": "finished"},
    ]
    got = await api.tasks.get_list(201, both)
    assert got == [t for t in tasks if t.type == "app" and t.status == "finished"]


async def test_bad_filters_are_refused(api: SlyClient) -> None:
    with pytest.raises(BadRequest, match="cannot filter by field"):
        await api.tasks.get_list(201, [{"field": "colour", "operator": "=", "value": 1}])


async def test_neighbour_lists_filter_too(api: SlyClient, emulator: Emulator) -> None:
    spec = {"field": "name", "operator": "ilike", "value": "%gpu%"}
    agents = await api.agents.get_list(101, [spec])
    assert agents and all("gpu" in (a.name or "").lower() for a in agents)
    module = min(emulator.world.modules.values(), key=lambda m: m.id)
    modules = await api.ecosystem.get_list([{"field": "id", "operator": "=", "value": module.id}])
    assert [m.slug for m in modules] == [module.slug]


async def test_a_big_log_is_walked_by_since_time(
    make_client: MakeClient, clock: ManualClock
) -> None:
    emulator = Emulator(seed=1, clock=clock, big_log_lines=25_000)
    task_id = emulator.big_log_task_id
    assert task_id is not None
    client = make_client(httpx.ASGITransport(app=emulator.app), emulator.token)
    first = await client.tasks.get_logs(task_id, limit=5000)
    assert len(first) == 5000
    entries = list(first)
    while batch := await client.tasks.get_logs(
        task_id, since_time=entries[-1].timestamp, limit=5000
    ):
        entries.extend(batch)
    assert len(entries) == 25_000
    stamps = [e.timestamp for e in entries]
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    progress = [e.progress for e in entries if e.progress is not None]
    assert [p.current for p in progress] == list(range(1000, 25_001, 1000))
    assert all(p.subtask == "Crunching numbers" and p.total == 25_000 for p in progress)
