"""From start-up to a workspace's task list, against the emulator."""

from __future__ import annotations

import pytest

from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.screens.workspaces import WorkspaceScreen
from sly_tui.ui.widgets.task_table import TaskTable

from .helpers import settle, wait_for


async def test_picker_then_list(make_app, emulator):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WorkspaceScreen))
        # `query`, not `query_one`: the screen may be pushed but not composed yet.
        await wait_for(pilot, lambda: any(w.option_count for w in app.screen.query("#workspaces")))
        app.screen.query_one("#workspaces").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.loaded)
        table = screen.query_one(TaskTable)
        assert len(table.order) == len(table.tasks) > 0


@pytest.mark.parametrize("read_only", [False, True])
async def test_palette_lists_actions_and_hides_mutations_in_read_only(make_app, read_only):
    from textual.command import CommandPalette

    expect_stop = not read_only
    app = make_app(team_id=101, workspace_id=201, read_only=read_only)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert ("Stop" in titles) is expect_stop
        assert "Data fields" in titles and "Agents" in titles
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))


async def test_every_action_form_opens_ready(make_app, emulator):
    """Each action's modal opens on a task, usable (no loading cover), and Escape closes it."""
    from sly_tui.ui.actions import ACTIONS
    from sly_tui.ui.screens.task_list import TaskListScreen

    running = min(t.id for t in emulator.world.tasks.values() if t.status == "started")
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        app.screen.query_one(TaskTable).move_cursor_to(running)
        for action in ACTIONS:
            await pilot.press(action.key)
            await wait_for(pilot, lambda: not isinstance(app.screen, TaskListScreen))
            await settle(pilot)
            modal = app.screen
            assert not modal.loading and not modal.query("LoadingIndicator"), action.id
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
