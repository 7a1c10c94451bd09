"""`P`: switching between saved profiles, two emulators on real loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sly_tui.config import Flags, config_dir, resolve
from sly_tui.demo import Emulator, ManualClock, serve
from sly_tui.secrets import write_private_file
from sly_tui.ui.app import Selection, SlyApp
from sly_tui.ui.screens.profiles import ProfileScreen
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.screens.workspaces import WorkspaceScreen

from .helpers import Notes, press, screen_text, settle, wait_for


@pytest.fixture
async def servers(emulator: Emulator, clock: ManualClock) -> AsyncIterator[tuple[str, str]]:
    """Two instances, each with its own admin token: (url of one, url of two)."""
    other = Emulator(seed=2, clock=clock)
    async with serve(emulator, port=0) as one, serve(other, port=0) as two:
        write_profiles(emulator.token, other.token, one, two, config_dir())
        yield one, two


def write_profiles(token_one: str, token_two: str, one: str, two: str, folder: Path) -> None:
    write_private_file(
        folder / "config.toml",
        f'default_profile = "one"\n\n[profiles.one]\nserver = "{one}"\nteam = 101\n'
        f'workspace = 201\n\n[profiles.two]\nserver = "{two}"\nteam = 101\nworkspace = 202\n',
    )
    write_private_file(
        folder / "credentials.toml",
        f'[profiles.one]\ntoken = "{token_one}"\n\n[profiles.two]\ntoken = "{token_two}"\n',
    )


def make(tmp_path: Path) -> SlyApp:
    return SlyApp(resolve(Flags()), interval=60.0, cache_dir=tmp_path / "cache", remember=True)


async def on_list(pilot, workspace: int) -> TaskListScreen:
    app = pilot.app
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, TaskListScreen)
            and app.screen.workspace_id == workspace
            and app.screen.loaded
        ),
    )
    await settle(pilot)
    return app.screen


async def switch_to(pilot, name: str) -> None:
    await press(pilot, "P")
    assert isinstance(pilot.app.screen, ProfileScreen)
    options = pilot.app.screen.query_one("#profiles")
    while options.highlighted_option.id != name:
        await press(pilot, "down")
    await press(pilot, "enter")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_p_switches_server_and_each_profile_keeps_its_workspace(
    servers, emulator, tmp_path, size
) -> None:
    one, two = servers
    app = make(tmp_path)
    async with app.run_test(size=size) as pilot:
        await on_list(pilot, 201)
        assert "sly-tui [one] · Demo Team / Main" in screen_text(pilot)
        await press(pilot, "P")
        shown = screen_text(pilot)
        assert "● one" in shown and "two" in shown and two.removeprefix("http://") in shown
        assert emulator.token not in shown
        await press(pilot, "down", "enter")
        await on_list(pilot, 202)
        assert app.client is not None and app.settings.server == two
        assert "sly-tui [two] · Demo Team / Experiments" in screen_text(pilot)
        # Another workspace of two's, then back to one and again to two: two's comes back.
        app.pick_workspace()
        await wait_for(pilot, lambda: isinstance(app.screen, WorkspaceScreen))
        app.screen.dismiss(Selection(101, "Demo Team", 201, "Main"))
        await on_list(pilot, 201)
        await switch_to(pilot, "one")
        await on_list(pilot, 201)
        assert app.settings.server == one
        await switch_to(pilot, "two")
        await on_list(pilot, 201)
        assert app.settings.server == two and "[two]" in screen_text(pilot)


async def test_p_without_profiles_says_how_to_save_one(make_app) -> None:
    app = make_app(team_id=101, workspace_id=201)
    notes = Notes()
    async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
        await on_list(pilot, 201)
        await press(pilot, "P")
        assert not isinstance(app.screen, ProfileScreen)
        assert notes.said("No saved profiles")
