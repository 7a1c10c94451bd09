"""The detail topic: incremental logs into a spool, and an end to polling finished tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from sly_tui.api import RequestRecord, SlyClient, TaskMissing
from sly_tui.demo import Emulator
from sly_tui.monitor.events import LogsAppended, TaskGone, TaskUpdated
from sly_tui.monitor.log_spool import LogSpool
from sly_tui.monitor.service import Next
from sly_tui.monitor.task_detail import TaskDetailTopic


def task_with(emulator: Emulator, status: str) -> int:
    return min(t.id for t in emulator.world.tasks.values() if t.status == status)


async def drain(topic: TaskDetailTopic, client: SlyClient, events: list[object]) -> Next:
    outcome = Next.AGAIN
    for _ in range(50):
        outcome = await topic.poll(client, events.append)
        if outcome is not Next.AGAIN:
            break
    return outcome


async def test_finished_task_is_read_once_then_dropped(client: SlyClient, emulator, tmp_path: Path):
    task_id = task_with(emulator, "finished")
    with LogSpool(tmp_path / "log.jsonl") as spool:
        topic = TaskDetailTopic(task_id, spool)
        events: list[object] = []
        # The log is read until a request brings nothing new, and the task had ended
        # before the first read: that request completes it.
        assert await drain(topic, client, events) is Next.DONE
        assert isinstance(events[0], TaskUpdated) and events[0].context is not None
        total = len(emulator.simulator.log_of(emulator.world.tasks[task_id]))
        assert len(spool) == total
        assert isinstance(events[-1], LogsAppended) and events[-1].complete


async def test_running_task_pages_a_long_log_and_resumes(emulator: Emulator, tmp_path: Path):
    import httpx

    records: list[RequestRecord] = []
    async with SlyClient(
        "http://emulator.test",
        emulator.token,
        transport=httpx.ASGITransport(app=emulator.app),
        on_request=records.append,
    ) as client:
        task_id = task_with(emulator, "started")
        path = tmp_path / "log.jsonl"
        spool = LogSpool(path)
        topic = TaskDetailTopic(task_id, spool, page=7)  # tiny pages: many AGAIN polls
        events: list[object] = []
        await drain(topic, client, events)
        source = emulator.simulator.log_of(emulator.world.tasks[task_id])
        assert len(spool) == len(source)
        spool.close()

        emulator.advance(120)
        reopened = LogSpool(path)  # the view was closed and opened again
        topic = TaskDetailTopic(task_id, reopened, page=7)
        records.clear()
        await drain(topic, client, events)
        assert len(reopened) == len(source)  # every line once, none repeated
        first_log_request = next(r for r in records if r.method == "tasks.log.download")
        assert first_log_request is not None
        reopened.close()


async def test_deleted_task_is_reported_gone(client: SlyClient, emulator, tmp_path: Path):
    task_id = task_with(emulator, "finished")
    del emulator.world.tasks[task_id]
    with LogSpool(tmp_path / "log.jsonl") as spool:
        events: list[object] = []
        assert await TaskDetailTopic(task_id, spool).poll(client, events.append) is Next.DONE
        assert events == [TaskGone(task_id)]


async def test_only_the_most_recent_subtasks_keep_a_progress_bar(
    client: SlyClient, emulator: Emulator, tmp_path: Path
):
    """Apps that name a subtask per epoch must not pile up a bar per epoch."""
    from sly_tui.monitor.task_detail import MAX_SUBTASKS

    task_id = task_with(emulator, "started")
    epochs = [f"Epoch {n}/40" for n in range(1, 21)]
    await client.tasks.submit_logs(
        [
            {"task_id": task_id, "message": "progress", "subtask": name, "current": 1, "total": 2}
            for name in epochs
        ]
    )
    with LogSpool(tmp_path / "log.jsonl") as spool:
        topic = TaskDetailTopic(task_id, spool)
        await drain(topic, client, [])
        assert list(topic.progress) == epochs[-MAX_SUBTASKS:]


async def test_a_task_that_vanishes_is_a_blip_for_a_minute_then_gone_until_it_returns(
    client: SlyClient, emulator: Emulator, tmp_path: Path
) -> None:
    task_id = task_with(emulator, "started")
    now = [0.0]
    with LogSpool(tmp_path / "log.jsonl") as spool:
        topic = TaskDetailTopic(task_id, spool, clock=lambda: now[0])
        events: list[object] = []
        await drain(topic, client, events)
        task = emulator.world.tasks.pop(task_id)  # a failover: the server cannot find it
        for now[0] in (0.0, 30.0, 59.0):
            with pytest.raises(TaskMissing, match=f"Task {task_id} was there a moment ago"):
                await topic.poll(client, events.append)
        assert not any(isinstance(event, TaskGone) for event in events)
        now[0] = 61.0
        assert await topic.poll(client, events.append) is Next.WAIT  # gone, but still watched
        assert await topic.poll(client, events.append) is Next.WAIT
        assert [type(event) for event in events].count(TaskGone) == 1
        emulator.world.tasks[task_id] = task
        del events[:]
        await topic.poll(client, events.append)
        assert isinstance(events[0], TaskUpdated) and events[0].task.id == task_id
        emulator.world.tasks.pop(task_id)
        with pytest.raises(TaskMissing):  # a new run of 404s counts from its own start
            await topic.poll(client, events.append)
        emulator.world.tasks[task_id] = task
