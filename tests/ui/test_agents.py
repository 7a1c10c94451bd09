"""The agents screen: every agent of the team, busiest first, with status, capabilities
and its tasks in the team's workspaces (or this one's) and how long each has run;
refresh; starting an app on the highlighted agent; failures."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from sly_tui.demo import Emulator
from sly_tui.enums import ACTIVE_STATUSES, AgentStatus
from sly_tui.ui.forms.start import StartAppModal
from sly_tui.ui.screens.agents import AgentsScreen

from .helpers import Notes, press, screen_text, settle, wait_for
from .test_form_start import field_error, form_ready, list_loaded


async def open_agents(pilot) -> AgentsScreen:
    await list_loaded(pilot)
    await pilot.press("A")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AgentsScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.loaded)
    await settle(pilot)
    return screen


def row(screen: AgentsScreen, agent_id: int) -> list[str]:
    return [str(cell) for cell in screen.table.get_row(str(agent_id))]


@pytest.mark.parametrize(
    ("team_id", "workspace_id", "expected"),
    [
        (101, 201, {301: ("gpu-node-1", "running"), 302: ("cpu-node", "waiting")}),
        (102, 203, {303: ("lab-gpu", "running"), 304: ("lab-spare", "waiting")}),
    ],
)
async def test_lists_the_team_agents_with_status_capabilities_and_tasks(
    make_app, emulator: Emulator, team_id, workspace_id, expected
):
    app = make_app(team_id=team_id, workspace_id=workspace_id)
    running_here = {
        agent_id: sorted(
            t.id
            for t in emulator.world.tasks.values()
            if t.agent_id == agent_id and t.status in ACTIVE_STATUSES
        )
        for agent_id in expected
    }
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_agents(pilot)
        assert screen.table.row_count == len(expected)
        for agent_id, (name, status) in expected.items():
            name_cell, id_cell, status_cell, tasks_cell, capabilities_cell = row(screen, agent_id)
            assert (name_cell, id_cell) == (name, str(agent_id))
            assert status in status_cell
            assert "train" in capabilities_cell and "app" in capabilities_cell
            shown = [] if tasks_cell == "—" else [int(i) for i in tasks_cell.split(", ")]
            assert shown == running_here[agent_id]
        # the highlighted agent's tasks are listed by name below the table
        first = next(iter(expected))
        if running_here[first]:
            assert str(running_here[first][0]) in str(screen.query_one("#agent-detail").content)


async def test_start_key_opens_the_form_with_the_highlighted_agent(make_app):
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_agents(pilot)
        await pilot.press("down", "a")
        form = await form_ready(pilot, StartAppModal)
        assert form.choice("agent") == 302
        assert form.choice("workspace") == 201


async def test_refresh_reads_the_agents_again_and_escape_goes_back(make_app, emulator: Emulator):
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_agents(pilot)
        assert "waiting" in row(screen, 302)[2]
        emulator.world.agents[302].status = AgentStatus.RUNNING
        emulator.world.agents[301].name = "[bold]gpu[/] \x1b[31mnode"  # hostile, must be literal
        await pilot.press("r")
        await wait_for(pilot, lambda: "running" in row(screen, 302)[2])
        assert row(screen, 301)[0] == "[bold]gpu[/] node"
        assert "[bold]gpu[/] node" in screen_text(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AgentsScreen))


async def test_a_failed_list_is_reported_and_the_screen_stays(make_app, emulator: Emulator):
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(100, 30)) as pilot:
        await list_loaded(pilot)
        emulator.faults.fail_next = 10
        emulator.faults.methods = ["agents.list"]
        screen = await open_agents(pilot)
        assert "Could not load the agents" in screen_text(pilot)
        assert screen.table.row_count == 0
        emulator.faults.fail_next = 0
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.table.row_count == 2)
        assert not screen.query_one("#agents-message").display


async def test_read_only_agents_screen_does_not_start(make_app):
    app = make_app(team_id=101, workspace_id=201, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_agents(pilot)
        await press(pilot, "a")
        assert app.screen is screen


async def test_team_wide_view_lists_each_agents_tasks_in_every_workspace(
    make_app, emulator: Emulator
):
    app = make_app(team_id=101, workspace_id=201)
    names = {ws.id: ws.name for ws in emulator.world.workspaces.values()}
    everywhere = sorted(
        t.id
        for t in emulator.world.tasks.values()
        if t.agent_id == 301 and t.status in ACTIVE_STATUSES
    )
    elsewhere = [i for i in everywhere if emulator.world.tasks[i].workspace_id != 201]
    assert elsewhere, "the demo runs tasks of gpu-node-1 in another workspace"
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_agents(pilot)
        assert [int(i) for i in row(screen, 301)[3].split(", ")] == everywhere
        text = screen_text(pilot)
        assert "tasks of all workspaces" in text and "in the team's workspaces" in text
        detail = str(screen.query_one("#agent-detail").content)
        for task_id in everywhere:
            workspace = names[emulator.world.tasks[task_id].workspace_id]
            assert any(str(task_id) in line and workspace in line for line in detail.split("\n"))
        await pilot.press("t")  # this workspace only
        await wait_for(pilot, lambda: str(elsewhere[0]) not in row(screen, 301)[3])
        await pilot.press("t")  # the team's again
        await wait_for(pilot, lambda: str(elsewhere[0]) in row(screen, 301)[3])


async def test_j_and_k_move_and_task_actions_are_not_offered(make_app):
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_agents(pilot)
        assert screen.selected_id == 301
        await pilot.press("j")
        assert screen.selected_id == 302
        await pilot.press("k")
        assert screen.selected_id == 301
        footer = screen_text(pilot).splitlines()[-1]
        assert "Stop" not in footer and "Start app" in footer and "Team-wide" in footer
        await pilot.press("x", "o", "m")
        await pilot.pause()
        assert app.screen is screen


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_team_wide_agents_snapshot(snap_compare, make_app, emulator: Emulator, size) -> None:
    app = make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)

    async def team_wide(pilot) -> None:
        screen = await open_agents(pilot)
        await wait_for(pilot, lambda: "all workspaces" in screen_text(pilot) and screen.loaded)
        await wait_for(pilot, lambda: "team's workspaces" in screen_text(pilot))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=team_wide)


@asynccontextmanager
async def agents_list_broken(make_app, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]):
    """The dashboard on its task list; from then on, listing agents dies of a bug (not an
    API error) inside whichever worker asks."""
    app, notes = make_app(team_id=101, workspace_id=201), Notes()
    async with app.run_test(size=size, notifications=True, message_hook=notes) as pilot:
        await list_loaded(pilot)

        async def broken(*args: object, **kwargs: object) -> object:
            raise RuntimeError("parser tripped on a field")

        monkeypatch.setattr(app.client.agents, "get_list", broken)
        yield app, pilot, notes


async def test_an_unexpected_failure_replaces_loading_and_is_notified(
    make_app, monkeypatch: pytest.MonkeyPatch
):
    async with agents_list_broken(make_app, monkeypatch, (120, 30)) as (app, pilot, notes):
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AgentsScreen))
        message = app.screen.query_one("#agents-message")
        expected = "Unexpected RuntimeError: parser tripped on a field"
        await wait_for(pilot, lambda: expected in str(message.render()))
        assert str(message.render()) == f"Could not load: {expected}"
        assert notes.said(expected) and app.is_running


async def test_an_unexpected_failure_of_a_form_list_is_shown_at_the_field(
    make_app, monkeypatch: pytest.MonkeyPatch
):
    async with agents_list_broken(make_app, monkeypatch, (120, 40)) as (_, pilot, notes):
        await pilot.press("a")
        form = await form_ready(pilot, StartAppModal)  # the list no longer counts as loading
        expected = "Could not load the list: Unexpected RuntimeError: parser tripped on a field"
        assert field_error(form, "agent") == expected
        assert notes.said("parser tripped")


async def test_busiest_agent_first_with_durations_and_gpu_info(make_app, emulator: Emulator):
    """Robotics: robo-gpu-1 runs tasks in three workspaces, robo-gpu-2 in two, robo-cpu
    none; the detail says how long each task has run and shows `gpuInfo` as reported."""
    app = make_app(team_id=103, workspace_id=206, clock=emulator.clock.now)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_agents(pilot)
        table = screen.table
        order = [table.coordinate_to_cell_key((r, 0)).row_key.value for r in range(3)]
        assert order == ["305", "306", "307"]
        detail = str(screen.query_one("#agent-detail").content)
        assert "1h29m" in detail  # the serving app, started 90 min ago (queued for seconds)
        assert "gpuInfo {" in detail and "RTX A6000" in detail
        assert "Sim2Real" in detail and "Navigation" in detail


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_busiest_agents_snapshot(snap_compare, make_app, emulator: Emulator, size) -> None:
    app = make_app(team_id=103, workspace_id=206, clock=emulator.clock.now)

    async def loaded(pilot) -> None:
        await open_agents(pilot)
        await wait_for(pilot, lambda: "team's workspaces" in screen_text(pilot))

    assert snap_compare(app, terminal_size=size, run_before=loaded)
