"""Scale options: a workspace of many tasks, built fast, listed and filtered correctly."""

from __future__ import annotations

import time

import httpx

from sly_tui.demo import Emulator, ManualClock

from ..conftest import FROZEN_NOW
from .conftest import Rpc


def test_ten_thousand_tasks_build_well_under_a_second() -> None:
    started = time.perf_counter()
    emulator = Emulator(seed=1, clock=ManualClock(FROZEN_NOW), big_workspace_tasks=10_000)
    assert time.perf_counter() - started < 0.6
    assert emulator.load_test_workspace_id == 205
    in_load_test = [t for t in emulator.world.tasks.values() if t.workspace_id == 205]
    assert len(in_load_test) == 10_020


async def test_load_test_workspace_lists_pages_and_filters() -> None:
    emulator = Emulator(seed=1, clock=ManualClock(FROZEN_NOW), big_workspace_tasks=2_500)
    transport = httpx.ASGITransport(app=emulator.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        rpc = Rpc(client, emulator.token)
        spaces = await rpc("workspaces.list", {"teamId": 101})
        assert "load-test" in [w["name"] for w in spaces["entities"]]
        first = await rpc("tasks.list", {"workspaceId": 205})
        assert (
            first["total"] == 2_520 and first["pagesCount"] == 6 and len(first["entities"]) == 500
        )
        last = await rpc("tasks.list", {"workspaceId": 205, "page": 6, "per_page": 500})
        assert len(last["entities"]) == 20
        started = time.perf_counter()
        active = await rpc(
            "tasks.list",
            {
                "workspaceId": 205,
                "filter": [
                    {
                        "field": "status",
                        "operator": "in",
                        "value": ["queued", "consumed", "started", "deployed", "terminating"],
                    }
                ],
            },
        )
        assert time.perf_counter() - started < 0.5
        assert active["total"] == 20
        old = active["entities"][0]["id"] - 1
        log = await rpc.get("tasks.log.download", {"id": old})
        assert [e["message"] for e in log][-1] == "TASK_END"


async def test_generated_logs_stay_read_only_through_a_stop() -> None:
    emulator = Emulator(seed=1, clock=ManualClock(FROZEN_NOW), big_workspace_tasks=10)
    transport = httpx.ASGITransport(app=emulator.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        rpc = Rpc(client, emulator.token)
        old = min(t.id for t in emulator.world.tasks.values() if t.workspace_id == 205)
        await rpc("tasks.status.update", {"id": old, "status": "started"})
        await rpc("tasks.stop", {"id": old})
        emulator.advance(5)
        assert (await rpc("tasks.info", {"id": old}))["status"] == "stopped"
        assert len(await rpc.get("tasks.log.download", {"id": old})) == 4
        await rpc("tasks.logs.add", {"logs": [{"task_id": old, "message": "x"}]}, status=400)
