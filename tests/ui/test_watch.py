"""`W`: watching tasks in the list and the detail view, and what an ending sets off."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sly_tui.api import SlyClient
from sly_tui.config import ConfigFile
from sly_tui.demo import Emulator
from sly_tui.notify import NotifySettings
from sly_tui.present import task_name
from sly_tui.state import load_watched, state_file
from sly_tui.ui.screens.task_detail import TaskDetailScreen
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.status import WATCHED_GLYPH
from sly_tui.ui.widgets.task_table import TaskTable

from ..conftest import FAST_RETRY
from .helpers import Notes, press, screen_text, settle, wait_for, widget_lines

SERVER = "http://emulator.test"


def active_of(emulator: Emulator, status: str = "started") -> list[int]:
    return sorted(
        t.id for t in emulator.world.tasks.values() if t.workspace_id == 201 and t.status == status
    )


@pytest.fixture
async def admin(emulator: Emulator):
    transport = httpx.ASGITransport(app=emulator.app)
    async with SlyClient(SERVER, emulator.token, transport=transport, retry=FAST_RETRY) as c:
        yield c


async def open_list(pilot) -> tuple[TaskListScreen, TaskTable]:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.loaded)
    table = screen.query_one(TaskTable)
    return screen, table


def row_of(table: TaskTable, task_id: int) -> str:
    table.move_cursor_to(task_id)
    return next(line for line in widget_lines(table) if line.lstrip().startswith(str(task_id)))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_w_watches_and_unwatches_the_task_under_the_cursor(make_app, emulator, size):
    app = make_app(team_id=101, workspace_id=201, remember=True)
    task_id = active_of(emulator)[0]
    notes = Notes()
    async with app.run_test(size=size, message_hook=notes) as pilot:
        _, table = await open_list(pilot)
        assert table.move_cursor_to(task_id)
        await press(pilot, "W")
        assert app.watched == {task_id}
        assert f"{WATCHED_GLYPH} " in row_of(table, task_id)
        assert f"{WATCHED_GLYPH}1 watched" in screen_text(pilot)
        assert f"Watching task {task_id}: told when it ends." in notes.messages
        assert load_watched(SERVER) == {task_id}
        assert state_file().stat().st_mode & 0o777 == 0o600
        assert "token" not in state_file().read_text() and emulator.token not in (
            state_file().read_text()
        )
        await press(pilot, "W")
        assert app.watched == set() and load_watched(SERVER) == set()
        assert WATCHED_GLYPH not in row_of(table, task_id)


async def test_marked_tasks_are_watched_together_and_ended_ones_refused(make_app, emulator):
    app = make_app(team_id=101, workspace_id=201)
    first, second = active_of(emulator)[:2]
    ended = active_of(emulator, "finished")[0]
    notes = Notes()
    async with app.run_test(size=(120, 36), message_hook=notes) as pilot:
        _, table = await open_list(pilot)
        table.move_cursor_to(first)
        await press(pilot, "space")
        table.move_cursor_to(second)
        await press(pilot, "space", "W")
        assert app.watched == {first, second}
        assert "Watching 2 tasks: told when they end." in notes.messages
        table.clear_marks()
        table.move_cursor_to(ended)
        await press(pilot, "W")
        assert f"task {ended} already ended: nothing to watch." in notes.messages
        assert app.watched == {first, second}


async def test_w_in_the_detail_view(make_app, emulator):
    app = make_app(team_id=101, workspace_id=201)
    task_id = active_of(emulator)[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        app.push_screen(TaskDetailScreen(task_id))
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        await wait_for(pilot, lambda: app.screen.info is not None)
        await press(pilot, "W")
        assert app.watched == {task_id}
        assert f"#{task_id} {WATCHED_GLYPH} " in screen_text(pilot)
        await press(pilot, "escape")
        _, table = await open_list(pilot)
        assert f"{WATCHED_GLYPH} " in row_of(table, task_id)


async def test_an_ending_is_told_with_a_toast_the_bell_and_desktop_notifications(
    make_app, emulator, admin, monkeypatch
):
    monkeypatch.delenv("TMUX", raising=False)
    app = make_app(team_id=101, workspace_id=201)
    task_id = active_of(emulator)[0]
    notes = Notes()
    async with app.run_test(size=(120, 36), message_hook=notes) as pilot:
        written: list[str] = []
        monkeypatch.setattr(app._driver, "write", written.append)
        _, table = await open_list(pilot)
        table.move_cursor_to(task_id)
        await press(pilot, "W")
        await admin.tasks.update_status(task_id, "stopped")
        await press(pilot, "r")  # poll everything now (the tests poll once a minute)
        await wait_for(pilot, lambda: not app.watched)
        await settle(pilot)
        sentence = f"Task {task_id} {task_name(table.tasks[task_id])}: stopped"
        assert sentence in notes.messages
        ours = [text for text in written if "\a" in text and "]22;" not in text]  # not the pointer
        assert ours == [f"\a\x1b]9;sly-tui: {sentence}\a\x1b]777;notify;sly-tui;{sentence}\a"]
        assert WATCHED_GLYPH not in row_of(table, task_id)


async def test_mine_watches_every_active_task_of_the_token_s_user(make_app, emulator):
    config = ConfigFile(path=Path("config.toml"), notify=NotifySettings(mine=True))
    app = make_app(team_id=101, workspace_id=201, config=config)
    mine = {
        t.id
        for t in emulator.world.tasks.values()
        if t.workspace_id == 201 and t.user_id == 1 and t.status.is_active
    }
    async with app.run_test(size=(120, 36)) as pilot:
        _, table = await open_list(pilot)
        await wait_for(pilot, lambda: app.watched == mine)
        some = min(mine)
        table.move_cursor_to(some)
        await press(pilot, "W")  # unwatched by hand: not watched again by the next sweep
        assert some not in app.watched
        await press(pilot, "r")
        await wait_for(pilot, lambda: pilot.app.screen.topic._next_sweep is not None)
        await settle(pilot)
        assert some not in app.watched
