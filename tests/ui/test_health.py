"""First run, pause and interval keys, and the dashboard riding out a broken server."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import httpx

from sly_tui.config import Settings, load_config
from sly_tui.demo import Emulator
from sly_tui.monitor.events import Phase
from sly_tui.secrets import Secret
from sly_tui.ui.app import SlyApp
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.screens.workspaces import WorkspaceScreen
from sly_tui.ui.widgets.status_bar import StatusBar

from .helpers import click, connect_shown, screen_text, settle, wait_for


def bar_text(app: SlyApp) -> str:
    bar = app.screen.query_one(StatusBar)
    bar.update_now()
    return bar.render().plain


async def test_first_run_rejects_a_bad_token_then_saves_a_good_one(
    emulator: Emulator, tmp_path: Path, isolated_config: Path
):
    app = SlyApp(
        Settings(),
        transport=httpx.ASGITransport(app=emulator.app),
        cache_dir=tmp_path / "cache",
        remember=False,
        interval=60,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await connect_shown(pilot)
        await click(pilot, "#server")
        await pilot.press(*"http://emulator.test")
        await click(pilot, "#token")
        await pilot.press(*("x" * 128), "enter")
        await wait_for(pilot, lambda: "rejected" in screen_text(pilot))
        assert "x" * 20 not in screen_text(pilot)  # the token is never echoed
        token = app.screen.query_one("#token")
        token.value = emulator.token
        await click(pilot, "#connect")
        await wait_for(pilot, lambda: isinstance(app.screen, WorkspaceScreen))
    config = load_config()
    assert config.default_profile == "default"
    assert config.profiles["default"].token.reveal() == emulator.token  # type: ignore[union-attr]
    for name in ("config.toml", "credentials.toml"):
        assert stat.S_IMODE((isolated_config / name).stat().st_mode) == 0o600
    assert emulator.token not in (isolated_config / "config.toml").read_text()


async def test_pause_and_interval_keys(make_app):
    app = make_app(team_id=101, workspace_id=201, interval=2)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        await wait_for(pilot, lambda: app.screen.loaded)
        await pilot.press("p")
        assert app.monitor.paused and "paused" in bar_text(app)
        await pilot.press("p")
        assert not app.monitor.paused
        await pilot.press("plus")
        assert app.monitor.interval == 3.0
        await pilot.press("minus", "minus")
        assert app.monitor.interval == 1.0
        assert "every 1s" in bar_text(app)


async def test_outage_is_shown_and_recovered_from(make_app, emulator: Emulator):
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.loaded)
        shown = len(screen.table.order)
        emulator.faults.error_status = 503
        emulator.faults.fail_next = 1000
        app.monitor.refresh()
        await wait_for(pilot, lambda: app.connection_state.phase is Phase.RETRYING)
        text = bar_text(app)
        assert "stale" in text and "retrying in" in text and "503" in text
        assert len(screen.table.order) == shown  # the last data stays on screen
        emulator.faults.fail_next = 0
        emulator.faults.malformed_rate = 1.0  # garbage instead of JSON
        app.monitor.refresh()
        await wait_for(pilot, lambda: app.connection_state.failures >= 2)
        assert app.is_running
        emulator.faults.malformed_rate = 0.0
        app.monitor.refresh()
        await wait_for(pilot, lambda: app.connection_state.phase is Phase.LIVE)
        assert "live" in bar_text(app)


async def test_at_80_columns_the_countdown_beats_the_place(make_app):
    """The state and its countdown always show; the place keeps its start; the reason
    gets what is left."""
    import time

    from sly_tui.monitor.events import ConnectionState
    from sly_tui.ui.messages import ConnectionChanged

    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        now = time.monotonic()
        error = "The server failed (HTTP 500 Internal Server Error). " * 3
        state = ConnectionState(Phase.RETRYING, now - 20, now + 59, error, 7)
        app.on_connection_changed(ConnectionChanged(state))  # as handled, with no await between
        text = bar_text(app)
        assert len(text) == 80
        assert text.startswith(" sly-tui · Demo Team")
        assert "▲ stale, updated 20s ago, retrying in 59s: The server" in text
        assert text.rstrip().endswith("…")


async def test_server_gone_shows_disconnected(emulator: Emulator, tmp_path: Path):
    settings = Settings(server="http://127.0.0.1:9", token=Secret("t" * 128))
    app = SlyApp(settings, cache_dir=tmp_path / "cache", remember=False, interval=60)
    async with app.run_test(size=(100, 30)) as pilot:
        disconnected = lambda: app.connection_state.phase is Phase.DISCONNECTED  # noqa: E731
        await wait_for(pilot, disconnected)
        assert "disconnected" in bar_text(app) and "127.0.0.1:9" in bar_text(app)
        assert "Retrying in" in screen_text(pilot)
        assert "t" * 20 not in screen_text(pilot)


async def test_a_long_retry_after_is_counted_down_from_a_minute(make_app, emulator: Emulator):
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        await wait_for(pilot, lambda: app.screen.loaded)
        emulator.faults.update({"rate_limit_rate": 1.0, "retry_after": 3600})
        app.monitor.refresh()
        await wait_for(pilot, lambda: app.connection_state.phase is Phase.RETRYING)
        text = bar_text(app)
        assert "stale" in text and "(HTTP 429)" in text
        assert any(f"retrying in {n}s" in text for n in (58, 59, 60)), text


class Stalling(httpx.AsyncBaseTransport):
    """The emulator, except that `tasks.list` replies never arrive while `stall` is set."""

    def __init__(self, emulator: Emulator) -> None:
        self.server = httpx.ASGITransport(app=emulator.app)
        self.stall = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.stall and request.url.path.endswith("/tasks.list"):
            await asyncio.Event().wait()
        return await self.server.handle_async_request(request)


async def test_a_stalled_reply_shows_stale_and_r_polls_afresh(make_app, emulator: Emulator):
    transport = Stalling(emulator)
    app = make_app(team_id=101, workspace_id=201, transport=transport, interval=0.5)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        await wait_for(pilot, lambda: app.screen.loaded)
        transport.stall = True
        await wait_for(pilot, lambda: app.connection_state.phase is Phase.RETRYING)
        assert "stale" in bar_text(app) and "slow to answer; r tries again" in bar_text(app)
        assert "live" not in bar_text(app)
        transport.stall = False
        await pilot.press("r")
        await wait_for(pilot, lambda: app.connection_state.phase is Phase.LIVE)
        assert "live" in bar_text(app)


async def test_a_covered_status_bar_waits_and_catches_up_when_shown(make_app):
    """Under another screen the bar is not rebuilt (its ticks cost nothing unseen); shown
    again, it says the current state at once, not at its next tick."""
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        listed = app.screen
        bar = listed.query_one(StatusBar)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.screen is not listed)
        app.action_toggle_pause()
        bar.update_now()
        assert "paused" not in bar.render().plain
        app.pop_screen()
        await settle(pilot)  # the resume handled; the bar's next tick may be a second off
        assert "paused" in bar.render().plain
