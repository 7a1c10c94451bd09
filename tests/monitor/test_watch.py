"""The watch topic: one `tasks.info` a tick, in turn; an ending or a lasting 404 is told once."""

from __future__ import annotations

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator
from sly_tui.monitor.events import TaskEnded, TaskGone
from sly_tui.monitor.service import Next
from sly_tui.monitor.vanishing import GONE_AFTER
from sly_tui.monitor.watch import WatchTopic


def tasks_with(emulator: Emulator, status: str) -> list[int]:
    return sorted(t.id for t in emulator.world.tasks.values() if t.status == status)


async def test_nothing_watched_asks_nothing(client: SlyClient) -> None:
    assert await WatchTopic().poll(client, print) is Next.IDLE


async def test_running_tasks_are_read_in_turn_and_an_ending_is_told_once(
    client: SlyClient, emulator: Emulator
) -> None:
    first, second = tasks_with(emulator, "started")[:2]
    topic = WatchTopic([first, second])
    events: list[object] = []
    assert await topic.poll(client, events.append) is Next.WAIT
    assert await topic.poll(client, events.append) is Next.WAIT
    assert events == [] and topic.task_ids == {first, second}
    await client.tasks.update_status(second, "stopped")
    await topic.poll(client, events.append)  # first's turn
    assert events == []
    await topic.poll(client, events.append)  # second's turn: it ended
    assert [(type(e), e.task.id, e.task.status) for e in events] == [  # type: ignore[attr-defined]
        (TaskEnded, second, "stopped")
    ]
    assert topic.task_ids == {first}


async def test_a_task_just_added_is_read_first(client: SlyClient, emulator: Emulator) -> None:
    running = tasks_with(emulator, "started")[0]
    ended = tasks_with(emulator, "finished")[0]
    topic = WatchTopic([running])
    topic.add(ended)
    events: list[object] = []
    await topic.poll(client, events.append)
    assert isinstance(events[0], TaskEnded) and events[0].task.id == ended


async def test_a_missing_task_is_gone_only_after_a_minute(client: SlyClient) -> None:
    now = [0.0]
    topic = WatchTopic([987654], clock=lambda: now[0])
    events: list[object] = []
    await topic.poll(client, events.append)
    assert events == [] and topic.task_ids == {987654}
    now[0] = GONE_AFTER
    await topic.poll(client, events.append)
    assert events == [TaskGone(987654)] and not topic.task_ids
