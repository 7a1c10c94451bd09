"""The task detail screen: live log, overview, meta tree, hostile text everywhere."""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent

from sly_tui.demo import Emulator
from sly_tui.ui.screens.task_detail import TaskDetailScreen
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.widgets.log_view import LogView

from .helpers import press, screen_text, wait_for

HOSTILE = "[bold]x[/] [/red] [@click=app.quit]q[/] \x1b]2;PWNED\x07\x1b[31mred\x1b[0m \x9b2J"
SHOWN = "[bold]x[/] [/red] [@click=app.quit]q[/] red 2J"


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


async def open_detail(pilot, task_id: int) -> TaskDetailScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    pilot.app.push_screen(TaskDetailScreen(task_id))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskDetailScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.info is not None and len(screen.spool) > 0)
    return screen


def running_task(emulator: Emulator) -> int:
    return min(
        t.id
        for t in emulator.world.tasks.values()
        if t.workspace_id == 201 and t.status == "started"
    )


async def test_live_log_follows_new_lines(app, emulator: Emulator):
    task_id = running_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, task_id)
        view = screen.query_one(LogView)
        before = len(screen.spool)
        emulator.advance(60)
        app.monitor.refresh()
        await wait_for(pilot, lambda: len(screen.spool) > before)
        assert view.following
        # nothing lost or repeated: the spool equals the server's log
        server_lines = emulator.simulator.log_of(emulator.world.tasks[task_id])
        assert len(screen.spool) == len(server_lines)


async def test_reopening_continues_without_repeating(app, emulator: Emulator):
    task_id = running_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, task_id)
        first = len(screen.spool)
        await pilot.press("escape")
        emulator.advance(30)
        screen = await open_detail(pilot, task_id)
        app.monitor.refresh()
        expected = len(emulator.simulator.log_of(emulator.world.tasks[task_id]))
        await wait_for(pilot, lambda: len(screen.spool) == expected)
        assert len(screen.spool) >= first


async def test_a_saved_log_is_named_after_its_task(app, emulator: Emulator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    task_id = running_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, task_id)
        screen.query_one(LogView).focus()
        await pilot.press("s")
        saved = tmp_path / f"task-{task_id}-log.txt"
        await wait_for(pilot, saved.exists)
        await wait_for(pilot, lambda: f"saved to {saved.name}" in screen_text(pilot))


async def test_hostile_text_in_every_field(app, emulator: Emulator):
    task = emulator.world.tasks[running_task(emulator)]
    task.meta["name"] = HOSTILE
    task.description = HOSTILE
    task.meta["app"] = {**task.meta.get("app", {}), "name": HOSTILE, "version": HOSTILE}
    task.meta["output"] = {"general": {"title": HOSTILE, "description": HOSTILE, "isError": True}}
    task.meta[HOSTILE] = {HOSTILE: [HOSTILE]}
    emulator.simulator.log_of(task).insert(
        0, {"message": HOSTILE, "level": HOSTILE, "timestamp": "2026-11-27T00:00:00.000Z"}
    )
    async with app.run_test(size=(200, 60)) as pilot:
        await open_detail(pilot, task.id)
        text = screen_text(pilot)
        assert SHOWN in text  # title and log line
        for tab in ("1", "3"):
            await press(pilot, tab)
            text = screen_text(pilot)
            assert SHOWN in text
            assert "\x1b" not in text and "PWNED" not in text and "\x9b" not in text
        assert app.is_running


async def test_credentials_are_hidden_in_meta_and_our_token_everywhere(
    app, emulator: Emulator, client
):
    task = emulator.world.tasks[running_task(emulator)]
    task.meta["sessionToken"] = "s3cr3t-session"
    task.meta["x-api-key"] = "s3cr3t-key"
    task.meta["tokenizer"] = "bpe"  # a word ending that is not a credential
    task.meta["note"] = f"run with {emulator.token}"
    await client.tasks.submit_logs([{"task_id": task.id, "message": f"API_TOKEN={emulator.token}"}])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_detail(pilot, task.id)
        lines = [screen.spool.line(i).plain() for i in range(len(screen.spool))]
        assert any(line.endswith("API_TOKEN=********") for line in lines)
        assert not any(emulator.token in line for line in lines)
        await press(pilot, "3")
        text = screen_text(pilot)
        assert "sessionToken" in text and "s3cr3t-session" not in text
        assert "x-api-key" in text and "s3cr3t-key" not in text and '"bpe"' in text
        assert "run with ********" in text
        assert emulator.token[:20] not in text


async def test_escape_goes_back_to_the_list(app, emulator: Emulator):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(pilot, running_task(emulator))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))


async def test_refresh_shows_writes_to_an_ended_task(make_app, emulator: Emulator):
    app = make_app(team_id=101, workspace_id=201, interval=0.5)
    tasks = emulator.world.tasks.values()
    ended = min(t.id for t in tasks if t.workspace_id == 201 and t.status == "finished")
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_detail(pilot, ended)
        # an ended task is read until nothing new comes, then no more
        await wait_for(pilot, lambda: screen.subscription.done)
        for title in ("first", "second"):  # every later write shows too, not only the first
            await app.client.tasks.set_output_text(ended, f"note {title}")
            app.action_refresh()
            await wait_for(pilot, lambda t=title: f"note {t}" in str(screen.info.output))
            await wait_for(pilot, lambda: screen.subscription.done)


async def test_a_tab_opened_by_its_number_takes_the_keys(app, emulator: Emulator):
    from sly_tui.ui.widgets.json_tree import JsonTree

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, running_task(emulator))
        assert isinstance(app.focused, LogView)
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.focused, JsonTree))
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.focused, LogView))
        assert screen.query_one(LogView).display
        # From a tab whose table has the keys to one with nothing to focus, and back: the
        # tab left must not pull itself open again (that loop once took a whole core).
        tabs = screen.query_one(TabbedContent)
        for key, tab in [("6", "files"), ("1", "overview"), ("6", "files"), ("2", "logs")]:
            await press(pilot, key)  # a tab that reopened itself would never let this settle
            assert tabs.active == tab
