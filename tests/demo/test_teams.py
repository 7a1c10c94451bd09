"""The seeded world beyond the first team: a third team whose agents are busy in several
workspaces, recent failures with their tracebacks in the log, and the optional big teams."""

from __future__ import annotations

from datetime import timedelta

from sly_tui.demo import Emulator, ManualClock
from sly_tui.demo.seed_data import FIRST_BIG_TEAM_ID, FIRST_TASK_ID, ROBOTICS_TEAM_ID
from sly_tui.enums import ACTIVE_STATUSES, Status

from .conftest import Rpc

ACTIVE = {"field": "status", "operator": "in", "value": sorted(map(str, ACTIVE_STATUSES))}


async def test_three_teams_eight_workspaces_six_agents(rpc: Rpc) -> None:
    teams = (await rpc("teams.list"))["entities"]
    assert len(teams) >= 3
    workspaces = [
        ws
        for team in teams
        for ws in (await rpc("workspaces.list", {"teamId": team["id"]}))["entities"]
    ]
    assert len(workspaces) >= 8
    agents = [
        a for team in teams for a in (await rpc("agents.list", {"teamId": team["id"]}))["entities"]
    ]
    assert len(agents) >= 6


async def test_an_agent_is_busy_in_several_workspaces(rpc: Rpc) -> None:
    spaces = (await rpc("workspaces.list", {"teamId": ROBOTICS_TEAM_ID}))["entities"]
    where: dict[int, set[int]] = {}
    for ws in spaces:
        body = {"workspaceId": ws["id"], "filter": [ACTIVE]}
        for task in (await rpc("tasks.list", body))["entities"]:
            where.setdefault(task["agentId"], set()).add(ws["id"])
    assert max(len(spaces) for spaces in where.values()) >= 3


async def test_recent_failures_have_error_lines(rpc: Rpc, emulator: Emulator) -> None:
    now = emulator.clock.now()
    failed = [
        t
        for t in emulator.world.tasks.values()
        if t.team_id == ROBOTICS_TEAM_ID and t.status is Status.ERROR
    ]
    assert len(failed) >= 4
    assert all(now - timedelta(hours=8) < t.finished_at <= now for t in failed)
    for task in failed:
        log = await rpc.get("tasks.log.download", {"id": task.id})
        assert any(entry["level"] == "error" for entry in log)


def test_the_first_teams_and_later_ids_are_untouched(emulator: Emulator) -> None:
    """The third team's tasks take ids below the others', so the tasks created later get
    the ids (and so the plans) they had before it came."""
    tasks = emulator.world.tasks.values()
    third = [t.id for t in tasks if t.team_id == ROBOTICS_TEAM_ID]
    others = [t.id for t in tasks if t.team_id != ROBOTICS_TEAM_ID]
    assert max(third) < FIRST_TASK_ID == min(others)
    assert emulator.world.next_task_id == max(others) + 1


async def test_big_team(clock: ManualClock) -> None:
    emulator = Emulator(seed=1, clock=clock, big_team=12)
    team = emulator.world.teams[FIRST_BIG_TEAM_ID]
    spaces = [ws for ws in emulator.world.workspaces.values() if ws.team_id == team.id]
    assert len(spaces) == 12
    active = [
        t
        for t in emulator.world.tasks.values()
        if t.team_id == team.id and t.status in ACTIVE_STATUSES
    ]
    assert {t.workspace_id for t in active} == {ws.id for ws in spaces}
