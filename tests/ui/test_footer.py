"""The footer on every screen, at 80 and 120 columns: `? Help` is always shown, and no key
is cut mid-word (keys that do not fit are left out whole)."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from sly_tui.demo import Emulator
from sly_tui.ui.screens.agents import AgentsScreen
from sly_tui.ui.screens.task_detail import TaskDetailScreen
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.screens.workspaces import WorkspaceScreen
from sly_tui.ui.widgets.key_footer import KeyFooter

from .helpers import screen_text, wait_for
from .test_detail import running_task


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


async def footer_is_whole(pilot) -> None:
    """`? Help` is on the bottom line, with every key the footer shows written out in full."""
    screen = pilot.app.screen

    def whole() -> bool:
        footer = screen.query_one(KeyFooter)
        shown = [key for key in footer.query(FooterKey) if not key.has_class("-cut")]
        line = screen_text(pilot).splitlines()[-1]
        return (
            len(shown) > 2
            and line.lstrip().startswith("? Help")
            and all(f"{key.key_display} {key.description}" in line for key in shown)
        )

    await wait_for(pilot, whole)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_help_is_always_in_the_footer_and_no_key_is_cut(app, emulator: Emulator, size):
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        await wait_for(pilot, lambda: app.screen.loaded)
        await footer_is_whole(pilot)
        app.push_screen(TaskDetailScreen(running_task(emulator)))
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        for tab in ("2", "1", "3", "4", "6"):
            await pilot.press(tab)
            await footer_is_whole(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AgentsScreen))
        await footer_is_whole(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WorkspaceScreen))
        await footer_is_whole(pilot)
