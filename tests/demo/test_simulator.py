"""The simulated life of tasks under a manual clock: transitions, stops, metrics,
spawning, determinism, and bounded catch-up."""

from __future__ import annotations

from typing import Any

import httpx

from sly_tui.demo import Emulator, ManualClock
from sly_tui.demo.simulator import MAX_CATCH_UP
from sly_tui.enums import Status

from ..conftest import FROZEN_NOW
from .conftest import Rpc, error_message


async def start(rpc: Rpc, module_id: int, workspace_id: int = 202) -> int:
    reply = await rpc("tasks.run.app", {"workspaceId": workspace_id, "moduleId": module_id})
    return reply[0]["taskId"]


async def watch(rpc: Rpc, emulator: Emulator, task_id: int, seconds: int) -> list[str]:
    """The statuses a poller sees once per simulated second."""
    seen: list[str] = []
    for _ in range(seconds):
        status = (await rpc("tasks.info", {"id": task_id}))["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        emulator.advance(1)
    return seen


async def test_app_task_goes_through_its_life(rpc: Rpc, emulator: Emulator) -> None:
    task_id = await start(rpc, 403)  # an export app
    plan = emulator.simulator.plan_of(emulator.world.tasks[task_id])
    seen = await watch(rpc, emulator, task_id, plan.queue_s + plan.consume_s + plan.run_s + 2)
    final = "error" if plan.fails else "finished"
    assert seen == ["queued", "consumed", "started", final]
    info = await rpc("tasks.info", {"id": task_id})
    assert info["startedAt"] < info["finishedAt"]
    assert info["agentId"] == 301
    log = await rpc.get("tasks.log.download", {"id": task_id})
    assert log[-1]["message"] == "TASK_END"
    progress = [
        e for e in log if e["message"] == "progress" and e["subtask"] == "Packing annotations"
    ]
    assert progress[-1]["current"] == progress[-1]["total"] == plan.steps * plan.units
    general = info["meta"]["output"]["general"]
    if plan.fails:
        assert general["isError"] is True
    else:
        assert general["description"] == "Download archive"


async def test_serving_app_stays_started_and_keeps_logging(rpc: Rpc, emulator: Emulator) -> None:
    """As the SDK's `list_deployed_models` expects: a serving app is a started session;
    `deployed` is for legacy plugin tasks only."""
    task_id = await start(rpc, 407)
    seen = await watch(rpc, emulator, task_id, 40)
    assert seen == ["queued", "consumed", "started"]
    logs = await rpc.get("tasks.log.download", {"id": task_id})
    assert any(e["message"] == "Model has been successfully deployed" for e in logs)
    emulator.advance(300)
    assert (await rpc("tasks.info", {"id": task_id}))["status"] == "started"
    assert len(await rpc.get("tasks.log.download", {"id": task_id})) > len(logs)
    serving = [t for t in emulator.world.tasks.values() if t.status == "deployed"]
    assert serving and all(t.type != "app" for t in serving)


async def test_run_app_without_a_workspace_uses_the_default(rpc: Rpc) -> None:
    """The SDK documents `workspace_id` as optional: the task lands in the first
    workspace of the agent's team."""
    reply = await rpc("tasks.run.app", {"moduleId": 407, "agentId": None, "taskName": "x"})
    info = await rpc("tasks.info", {"id": reply[0]["taskId"]})
    assert info["workspaceId"] == 201 and info["teamId"] == 101


async def test_stop_terminates_then_stops(rpc: Rpc, emulator: Emulator) -> None:
    task_id = await start(rpc, 407)
    emulator.advance(20)
    assert await rpc("tasks.stop", {"id": task_id}) == {"status": "terminating"}
    assert (await rpc("tasks.info", {"id": task_id}))["status"] == "terminating"
    assert await rpc("tasks.stop", {"id": task_id}) == {"status": "terminating"}
    emulator.advance(5)
    info = await rpc("tasks.info", {"id": task_id})
    assert info["status"] == "stopped" and info["finishedAt"]
    last = (await rpc.get("tasks.log.download", {"id": task_id}))[-1]
    assert last["event_type"] == "EventType.TASK_STOPPED"
    emulator.advance(600)
    assert (await rpc("tasks.info", {"id": task_id}))["status"] == "stopped"
    refused = await rpc("tasks.stop", {"id": task_id}, status=400)
    assert "already ended" in error_message(refused)


async def test_queued_task_can_be_stopped(rpc: Rpc, emulator: Emulator) -> None:
    task_id = await start(rpc, 401)
    await rpc("tasks.stop", {"id": task_id})
    emulator.advance(3)
    info = await rpc("tasks.info", {"id": task_id})
    assert info["status"] == "stopped" and info["startedAt"] is None


async def test_training_grows_metrics_and_checkpoints(rpc: Rpc, emulator: Emulator) -> None:
    task_id = await start(rpc, 405)
    plan = emulator.simulator.plan_of(emulator.world.tasks[task_id])
    emulator.advance(plan.queue_s + plan.consume_s + 3 * plan.step_s)
    early = (await rpc("tasks.train-metrics", {"taskId": task_id}))["metrics"]
    assert [p["epoch"] for p in early] == [1, 2, 3]
    emulator.advance(plan.run_s)
    late = (await rpc("tasks.train-metrics", {"taskId": task_id}))["metrics"]
    assert len(late) == plan.steps
    checkpoints = await rpc("tasks.checkpoints.list", {"id": task_id})
    assert [c["epoch"] for c in checkpoints][-1] == plan.steps
    assert all(c["epoch"] % plan.ckpt_every == 0 for c in checkpoints[:-1])


async def test_new_tasks_appear_now_and_then(emulator: Emulator) -> None:
    seeded = max(emulator.world.tasks)
    emulator.advance(1800)
    spawned = [t for t in emulator.world.tasks.values() if t.id > seeded]
    assert spawned
    assert all(t.workspace_id in (201, 202, 203, 204) for t in spawned)


async def test_long_idle_catches_up_cheaply_and_stays_bounded(emulator: Emulator) -> None:
    seeded = max(emulator.world.tasks)
    emulator.advance(3 * 86400)
    assert emulator.simulator.time == emulator.clock.now()
    active = [t for t in emulator.world.tasks.values() if t.status.is_active]
    assert len(active) <= 4 * 10 + 4
    first_live = min(t.created_at for t in emulator.world.tasks.values() if t.id > seeded)
    assert first_live >= emulator.clock.now() - MAX_CATCH_UP


async def snapshot(rpc: Rpc) -> list[Any]:
    listing = await rpc("tasks.list", {"workspaceId": 201})
    active = [t["id"] for t in listing["entities"] if Status(t["status"]).is_active]
    logs = [await rpc.get("tasks.log.download", {"id": i}) for i in active]
    return [listing, logs]


async def test_same_seed_and_clock_give_same_answers(emulator: Emulator) -> None:
    twin = Emulator(seed=1, clock=ManualClock(FROZEN_NOW))
    other = Emulator(seed=2, clock=ManualClock(FROZEN_NOW))
    results = []
    for each in (emulator, twin, other):
        transport = httpx.ASGITransport(app=each.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            rpc = Rpc(client, each.token)
            await rpc("tasks.run.app", {"workspaceId": 201, "moduleId": 405})
            each.advance(95)
            results.append(await snapshot(rpc))
    assert results[0] == results[1]
    assert results[0] != results[2]
    # Everything but the tokens: those are new for every run, never a function of the seed.
    assert len({emulator.token, twin.token, other.token}) == 3
    assert Emulator(seed=1, token="chosen" * 4).token == "chosen" * 4
