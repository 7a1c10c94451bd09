"""Active tasks across workspaces: `w` offers every workspace of a team and every team;
the list has WORKSPACE (and TEAM) columns, the task list's filters and sort, and its stop
acts on the task id (refused in read-only mode)."""

from __future__ import annotations

import time

import pytest

from sly_tui.demo import Emulator
from sly_tui.enums import ACTIVE_STATUSES, Status
from sly_tui.ui.forms.stop import StopModal
from sly_tui.ui.screens.scope_list import ScopeListScreen
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.screens.workspaces import WorkspaceScreen

from .helpers import click, press, screen_text, settle, wait_for

SIZES = [(80, 24), (120, 36)]


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


def active_of(emulator: Emulator, team_ids: set[int]) -> set[int]:
    return {
        t.id
        for t in emulator.world.tasks.values()
        if t.team_id in team_ids and t.status in ACTIVE_STATUSES
    }


async def pick(pilot, option_list: str, option_id: str) -> None:
    """In the `w` picker, Enter on the option `option_id` of `#teams` or `#workspaces`."""
    options = pilot.app.screen.query_one(option_list)
    await wait_for(pilot, lambda: options.option_count and _has(options, option_id))
    options.focus()
    options.highlighted = options.get_option_index(option_id)
    await press(pilot, "enter")


def _has(options, option_id: str) -> bool:
    return any(options.get_option_at_index(i).id == option_id for i in range(options.option_count))


async def open_scope(pilot, *, all_teams: bool) -> ScopeListScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    await press(pilot, "w")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, WorkspaceScreen))
    if all_teams:
        await pick(pilot, "#teams", "all-teams")
    else:
        await pick(pilot, "#workspaces", "all-workspaces")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ScopeListScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.loaded)
    await settle(pilot)
    return screen


async def test_team_wide_list_shows_every_workspaces_active_tasks(app, emulator: Emulator):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_scope(pilot, all_teams=False)
        table = screen.table
        assert set(table.tasks) == active_of(emulator, {101})
        assert {t.workspace_id for t in table.tasks.values()} == {201, 202}
        assert "WORKSPACE" in screen_text(pilot) and "Experiments" in screen_text(pilot)
        assert "TEAM" not in table.shown_keys


async def test_all_teams_list_has_a_team_column(app, emulator: Emulator):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_scope(pilot, all_teams=True)
        assert set(screen.table.tasks) == active_of(emulator, {101, 102, 103})
        assert {"workspace", "team"} <= set(screen.table.shown_keys)
        text = screen_text(pilot)
        assert "Robotics" in text and "Research Lab" in text


async def test_filters_sort_and_search_work_across_workspaces(app, emulator: Emulator):
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_scope(pilot, all_teams=True)
        table = screen.table
        table.sort_by("workspace", reverse=False)
        names = [table.cell(table.tasks[i], "workspace", table.now) for i in table.order]
        assert names == sorted(names, key=str.casefold)
        await press(pilot, "slash", *"navigation", "enter")
        assert table.order and all(table.tasks[i].workspace_id == 207 for i in table.order)


async def test_a_task_that_ends_leaves_the_view(app, emulator: Emulator):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_scope(pilot, all_teams=False)
        target = min(screen.table.tasks)
        emulator.simulator.stop(emulator.world.tasks[target], emulator.clock.now())
        emulator.advance(60)
        pilot.app.action_refresh()
        await wait_for(pilot, lambda: target not in screen.table.tasks)


async def test_stop_acts_on_the_task_id(app, emulator: Emulator):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_scope(pilot, all_teams=True)
        target = next(i for i, t in sorted(screen.table.tasks.items()) if t.workspace_id == 208)
        screen.table.move_cursor_to(target)
        await press(pilot, "x")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StopModal))
        assert pilot.app.screen.task_ids == [target]
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ScopeListScreen))
    assert emulator.world.tasks[target].status in (Status.TERMINATING, Status.STOPPED)


async def test_read_only_refuses_stop(make_app, emulator: Emulator):
    app = make_app(team_id=101, workspace_id=201, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_scope(pilot, all_teams=True)
        before = {i: t.status for i, t in emulator.world.tasks.items()}
        screen.table.move_cursor_to(min(screen.table.tasks))
        await press(pilot, "x")
        assert isinstance(pilot.app.screen, ScopeListScreen)
        assert "READ-ONLY" in screen_text(pilot)
        assert {i: t.status for i, t in emulator.world.tasks.items()} == before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_team_wide_snapshot(snap_compare, app, size) -> None:
    async def team_wide(pilot) -> None:
        await open_scope(pilot, all_teams=False)

    assert snap_compare(app, terminal_size=size, run_before=team_wide)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_all_teams_snapshot(snap_compare, app, size) -> None:
    async def all_teams(pilot) -> None:
        await open_scope(pilot, all_teams=True)

    assert snap_compare(app, terminal_size=size, run_before=all_teams)
