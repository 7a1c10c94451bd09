"""The connect screen and `App.connect`: every failure ends in a visible reason."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from textual import events

from sly_tui.config import Settings
from sly_tui.demo import Emulator
from sly_tui.secrets import Secret
from sly_tui.state import save_selection
from sly_tui.ui.app import Selection, SlyApp
from sly_tui.ui.screens.connect import ConnectScreen
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.screens.workspaces import WorkspaceScreen

from .helpers import screen_text, wait_for

TOKEN = "T" * 128


def first_run(tmp_path: Path, transport: httpx.AsyncBaseTransport | None = None) -> SlyApp:
    return SlyApp(
        Settings(), transport=transport, cache_dir=tmp_path / "cache", remember=False, interval=60
    )


@pytest.mark.parametrize("server", ["http://127.0.0.1:46900x", "http://127.0.0.1:99999", "ftp://x"])
async def test_malformed_address_is_an_inline_error(tmp_path: Path, server: str) -> None:
    app = first_run(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen))
        app.screen.query_one("#server").value = server
        app.screen.query_one("#token").value = TOKEN
        await pilot.click("#connect")
        await wait_for(pilot, lambda: "Not a valid server address" in screen_text(pilot))
        assert app.focused is app.screen.query_one("#server")
        assert not app.screen.query_one("#connect").disabled  # nothing was sent


async def test_unusable_address_in_settings_goes_to_the_connect_screen(tmp_path: Path) -> None:
    settings = Settings(server="http://127.0.0.1:99999", token=Secret(TOKEN))
    app = SlyApp(settings, cache_dir=tmp_path / "cache", remember=False, interval=60)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen))
        assert "not a usable server address: the port must be" in app.screen.error


async def test_unexpected_failure_is_shown_not_swallowed(tmp_path: Path) -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        raise RuntimeError(f"boom {request.headers['x-api-key']}")

    settings = Settings(server="http://emulator.test", token=Secret(TOKEN))
    app = SlyApp(
        settings,
        transport=httpx.MockTransport(explode),
        cache_dir=tmp_path / "cache",
        remember=False,
        interval=60,
    )
    async with app.run_test(size=(150, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen))
        await wait_for(pilot, lambda: "Unexpected RuntimeError: boom" in screen_text(pilot))
        assert TOKEN[:20] not in screen_text(pilot)
        # The connect screen's own check survives it too, and the button comes back.
        app.screen.query_one("#token").value = TOKEN
        await pilot.click("#connect")
        await wait_for(pilot, lambda: "Connecting…" not in screen_text(pilot))
        assert not app.screen.query_one("#connect").disabled
        assert "RuntimeError" in screen_text(pilot) and TOKEN[:20] not in screen_text(pilot)


async def test_tab_moves_to_the_token_even_in_one_burst_of_keys(tmp_path: Path) -> None:
    """tmux send-keys or a paste delivers address, Tab and token in one read: the Tab must
    move focus before the token's keys are handed to a field."""
    app = first_run(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen))
        burst = [*"http://h:1", "\t", *"SECRET", "\x1b[Z"]  # … Tab, token, shift+Tab
        for char in burst:
            key = {"\t": "tab", "\x1b[Z": "shift+tab"}.get(char, char)
            app.post_message(events.Key(key, char if len(char) == 1 else None))
        await pilot.pause()
        server, token = app.screen.query_one("#server"), app.screen.query_one("#token")
        assert (server.value, token.value) == ("http://h:1", "SECRET")
        assert app.focused is server


async def test_a_workspace_alone_opens_with_its_own_team(
    emulator: Emulator, tmp_path: Path, isolated_config: Path
) -> None:
    save_selection("http://emulator.test", 101, 201)  # remembered, but --workspace wins
    settings = Settings(
        server="http://emulator.test", token=Secret(emulator.token), workspace_id=203
    )
    app = SlyApp(
        settings,
        transport=httpx.ASGITransport(app=emulator.app),
        cache_dir=tmp_path / "cache",
        interval=60,
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        assert app.selection == Selection(102, "Research Lab", 203, "Autonomous driving")


async def test_an_unknown_workspace_says_so_and_opens_the_picker(make_app) -> None:
    app = make_app(workspace_id=999)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WorkspaceScreen))
        messages = [n.message for n in app._notifications]
        assert "Workspace 999 was not found or is not accessible; pick another." in messages


async def test_names_that_failed_alongside_users_me_are_asked_again(
    make_app, emulator: Emulator
) -> None:
    # teams.info and workspaces.info go out with users.me; both attempts of the first fail
    # (as while a server starts). Asked once more after users.me, the workspace opens.
    emulator.faults.update({"error_status": 503, "fail_next": 2, "methods": ["teams.info"]})
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        assert app.selection == Selection(101, "Demo Team", 201, "Main")
        assert not [n for n in app._notifications if "cannot be opened" in n.message]
        assert emulator.faults.fail_next == 0
