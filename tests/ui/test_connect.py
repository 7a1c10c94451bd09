"""The connect screen and `App.connect`: every failure ends in a visible reason."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from textual import events
from textual.pilot import Pilot

from sly_tui.config import Settings
from sly_tui.demo import Emulator
from sly_tui.secrets import Secret
from sly_tui.state import save_selection
from sly_tui.ui.app import SlyApp
from sly_tui.ui.host import Selection
from sly_tui.ui.screens.connect import ConnectScreen
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.screens.workspaces import WorkspaceScreen

from .helpers import Notes, click, connect_shown, press, screen_text, settle, wait_for

TOKEN = "T" * 128


def first_run(tmp_path: Path, transport: httpx.AsyncBaseTransport | None = None) -> SlyApp:
    return SlyApp(
        Settings(), transport=transport, cache_dir=tmp_path / "cache", remember=False, interval=60
    )


@pytest.mark.parametrize("server", ["http://127.0.0.1:46900x", "http://127.0.0.1:99999", "ftp://x"])
async def test_malformed_address_is_an_inline_error(tmp_path: Path, server: str) -> None:
    app = first_run(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await connect_shown(pilot)
        app.screen.query_one("#server").value = server
        app.screen.query_one("#token").value = TOKEN
        await click(pilot, "#connect")
        await wait_for(pilot, lambda: "Not a valid server address" in screen_text(pilot))
        assert app.focused is app.screen.query_one("#server")
        assert not app.screen.query_one("#connect").disabled  # nothing was sent


async def test_unusable_address_in_settings_goes_to_the_connect_screen(tmp_path: Path) -> None:
    settings = Settings(server="http://127.0.0.1:99999", token=Secret(TOKEN))
    app = SlyApp(settings, cache_dir=tmp_path / "cache", remember=False, interval=60)
    async with app.run_test(size=(100, 30)) as pilot:
        await connect_shown(pilot)
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
        await connect_shown(pilot)
        await wait_for(pilot, lambda: "Unexpected RuntimeError: boom" in screen_text(pilot))
        assert TOKEN[:20] not in screen_text(pilot)
        # The connect screen's own check survives it too, and the button comes back.
        app.screen.query_one("#token").value = TOKEN
        await click(pilot, "#connect")
        await wait_for(pilot, lambda: "Connecting…" not in screen_text(pilot))
        assert not app.screen.query_one("#connect").disabled
        assert "RuntimeError" in screen_text(pilot) and TOKEN[:20] not in screen_text(pilot)


async def test_tab_moves_to_the_token_even_in_one_burst_of_keys(tmp_path: Path) -> None:
    """tmux send-keys or a paste delivers address, Tab and token in one read: the Tab must
    move focus before the token's keys are handed to a field."""
    app = first_run(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await connect_shown(pilot)
        burst = [*"http://h:1", "\t", *"SECRET", "\x1b[Z"]  # … Tab, token, shift+Tab
        for char in burst:
            key = {"\t": "tab", "\x1b[Z": "shift+tab"}.get(char, char)
            app.post_message(events.Key(key, char if len(char) == 1 else None))
        await settle(pilot)
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
    notes = Notes()
    async with app.run_test(size=(120, 30), notifications=True, message_hook=notes) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WorkspaceScreen))
        messages = notes.messages
        assert "Workspace 999 was not found or is not accessible; pick another." in messages


@pytest.mark.parametrize("splitter", ["\n", "\x00", " ", "é"])
async def test_a_token_that_cannot_be_sent_is_refused_without_showing_it(
    tmp_path: Path, splitter: str
) -> None:
    bad = TOKEN[:60] + splitter + TOKEN[60:]
    settings = Settings(server="http://emulator.test", token=Secret(bad))
    app = SlyApp(settings, cache_dir=tmp_path / "cache", remember=False, interval=60)
    async with app.run_test(size=(150, 30)) as pilot:
        await connect_shown(pilot)
        assert "(character 61 of 129), which cannot be sent" in app.screen.error
        assert TOKEN[:16] not in app.screen.error
        app.screen.query_one("#server").value = "http://emulator.test"
        app.screen.query_one("#token").value = "X" * 10 + "\x7f" + "X" * 10
        await click(pilot, "#connect")
        await wait_for(pilot, lambda: "copy the token again" in screen_text(pilot))
        assert app.focused is app.screen.query_one("#token")


def refused_token(emulator: Emulator, tmp_path: Path) -> SlyApp:
    """Settings whose token the server refuses: the app opens on the connect screen."""
    return SlyApp(
        Settings(server="http://emulator.test", token=Secret(TOKEN)),
        transport=httpx.ASGITransport(app=emulator.app),
        cache_dir=tmp_path / "cache",
        remember=False,
        interval=60,
    )


def headline(app: SlyApp) -> str:
    return str(app.screen.query_one("#error").render())


async def test_a_refused_token_is_the_headline(emulator: Emulator, tmp_path: Path) -> None:
    app = refused_token(emulator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await connect_shown(pilot)
        assert headline(app).startswith("Could not connect to http://emulator.test: The server")
        assert "token" in headline(app) and "No Supervisely server" not in screen_text(pilot)
        assert app.screen.query_one("#error").has_class("-failed")
        assert TOKEN[:20] not in screen_text(pilot)


async def test_a_server_that_does_not_answer_is_the_headline(tmp_path: Path) -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    app = first_run(tmp_path, httpx.MockTransport(unreachable))
    async with app.run_test(size=(80, 24)) as pilot:
        await connect_shown(pilot)
        assert headline(app).startswith("No Supervisely server is configured.")
        app.screen.query_one("#server").value = "http://10.0.0.1:1"
        app.screen.query_one("#token").value = TOKEN
        await click(pilot, "#connect")
        await wait_for(pilot, lambda: "Connecting…" not in headline(app))
        assert headline(app).startswith("Could not connect to http://10.0.0.1:1: ")
        assert app.screen.query_one("#error").has_class("-failed")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_tab_reaches_every_field_and_button_in_view(tmp_path: Path, size) -> None:
    app = first_run(tmp_path)
    async with app.run_test(size=size) as pilot:
        await connect_shown(pilot)
        seen = []
        for _ in range(6):
            focused = app.focused
            assert focused is not None
            region = focused.region
            assert region and app.screen.region.contains_region(region), focused.id
            assert app.get_widget_at(region.x + 1, region.y + 1)[0] is focused, focused.id
            seen.append(focused.id)
            await press(pilot, "tab")
        assert seen == ["server", "token", "profile", "connect", "demo", "quit"]


async def test_q_on_a_button_does_not_quit_and_says_how(tmp_path: Path) -> None:
    app = first_run(tmp_path)
    notes = Notes()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=notes) as pilot:
        await connect_shown(pilot)
        await press(pilot, *"quay")  # typed into the address field, as text
        assert app.screen.query_one("#server").value == "quay"
        app.screen.query_one("#demo").focus()
        await wait_for(pilot, lambda: app.focused is app.screen.query_one("#demo"))
        await press(pilot, "q")
        assert app.is_running and isinstance(app.screen, ConnectScreen)
        assert notes.said("press Escape or Ctrl+C")
        assert app.screen.query_one("#server").value == "quay"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_connect_screen_snapshot(snap_compare, tmp_path: Path, size) -> None:
    async def shown(pilot: Pilot) -> None:
        await connect_shown(pilot)
        await settle(pilot)

    assert snap_compare(first_run(tmp_path), terminal_size=size, run_before=shown)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_refused_token_snapshot(snap_compare, emulator: Emulator, tmp_path: Path, size) -> None:
    async def shown(pilot: Pilot) -> None:
        await connect_shown(pilot)
        await settle(pilot)

    assert snap_compare(refused_token(emulator, tmp_path), terminal_size=size, run_before=shown)


async def test_open_demo_ends_this_app_asking_for_the_demo(tmp_path: Path) -> None:
    app = first_run(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await connect_shown(pilot)
        await click(pilot, "#demo")
        await wait_for(pilot, lambda: not app.is_running)
    assert (app.return_value, app.return_code) == ("demo", 0)  # run_dashboard opens the demo


async def test_names_that_failed_alongside_users_me_are_asked_again(
    make_app, emulator: Emulator
) -> None:
    # teams.info and workspaces.info go out with users.me; both attempts of the first fail
    # (as while a server starts). Asked once more after users.me, the workspace opens.
    emulator.faults.update({"error_status": 503, "fail_next": 2, "methods": ["teams.info"]})
    app = make_app(team_id=101, workspace_id=201)
    notes = Notes()
    async with app.run_test(size=(120, 30), notifications=True, message_hook=notes) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        assert app.selection == Selection(101, "Demo Team", 201, "Main")
        assert not notes.said("cannot be opened")
        assert emulator.faults.fail_next == 0
