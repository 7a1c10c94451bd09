"""The team-wide and all-teams topic against the emulator: one status-filtered
`tasks.list` per workspace a tick (counted at the server), diffs of the active tasks,
teams and workspaces read on opening, on refresh and every few minutes only."""

from __future__ import annotations

from collections import Counter

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator
from sly_tui.enums import ACTIVE_STATUSES
from sly_tui.monitor.events import TasksChanged
from sly_tui.monitor.scope import ACTIVE_FILTER, PLACES_EVERY, SCOPE_KEY, ScopeTopic


def active(emulator: Emulator, team_ids: set[int]) -> set[int]:
    return {
        t.id
        for t in emulator.world.tasks.values()
        if t.team_id in team_ids and t.status in ACTIVE_STATUSES
    }


async def tick(
    topic: ScopeTopic, client: SlyClient, emulator: Emulator
) -> tuple[list[TasksChanged], Counter[str]]:
    """One poll: what it published and the requests the server answered for it."""
    events: list[TasksChanged] = []
    before = Counter(emulator.requests)
    await topic.poll(client, events.append)
    return events, Counter(emulator.requests) - before


async def test_a_tick_is_one_filtered_list_per_workspace(
    client: SlyClient, emulator: Emulator
) -> None:
    now = [0.0]
    topic = ScopeTopic(None, clock=lambda: now[0])
    events, opening = await tick(topic, client, emulator)
    workspaces = len(emulator.world.workspaces)
    assert opening == {"teams.list": 1, "workspaces.list": 3, "tasks.list": workspaces}
    (event,) = events
    assert event.workspace_id == SCOPE_KEY and event.full
    assert {t.id for t in event.added} == set(topic.tasks) == active(emulator, {101, 102, 103})
    assert topic.places[206].team_name == "Robotics"

    events, requests = await tick(topic, client, emulator)
    assert requests == {"tasks.list": workspaces}
    assert not events[0].added and not events[0].removed

    now[0] += PLACES_EVERY + 1  # the teams and workspaces are read again
    _, requests = await tick(topic, client, emulator)
    assert requests["workspaces.list"] == 3


async def test_ended_tasks_leave_and_new_ones_come(client: SlyClient, emulator: Emulator) -> None:
    topic = ScopeTopic(103)
    await tick(topic, client, emulator)
    assert set(topic.tasks) == active(emulator, {103})
    ending = emulator.world.tasks[min(topic.tasks)]
    emulator.simulator.stop(ending, emulator.clock.now())
    emulator.advance(600)  # long enough for new tasks to be spawned elsewhere, too
    events, _ = await tick(topic, client, emulator)
    assert ending.id in events[0].removed
    assert set(topic.tasks) == active(emulator, {103})


def test_the_filter_is_what_tasks_list_documents() -> None:
    (only,) = ACTIVE_FILTER
    assert only["field"] == "status" and only["operator"] == "in"
    assert set(only["value"]) == {str(s) for s in ACTIVE_STATUSES}


async def test_refresh_reads_the_places_again(client: SlyClient, emulator: Emulator) -> None:
    topic = ScopeTopic(101, clock=lambda: 0.0)
    await tick(topic, client, emulator)
    _, requests = await tick(topic, client, emulator)
    assert "workspaces.list" not in requests
    topic.refresh()
    _, requests = await tick(topic, client, emulator)
    assert requests == {"teams.info": 1, "workspaces.list": 1, "tasks.list": 2}
