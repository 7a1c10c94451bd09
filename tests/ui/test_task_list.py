"""The task list screen: filters, sorting, search, cursor, live diffs, hostile text."""

from __future__ import annotations

import pytest

from sly_tui.demo import Emulator
from sly_tui.enums import ACTIVE_STATUSES, Status
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.widgets.task_table import TaskTable

from .helpers import click, screen_text, settle, wait_for, widget_lines

MAIN_TEAM, MAIN_WORKSPACE = 101, 201


@pytest.fixture
def app(make_app):
    return make_app(team_id=MAIN_TEAM, workspace_id=MAIN_WORKSPACE)


async def open_list(pilot) -> tuple[TaskListScreen, TaskTable]:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.loaded)
    return screen, screen.query_one(TaskTable)


async def test_status_type_and_text_filters(app):
    async with app.run_test(size=(120, 30)) as pilot:
        _, table = await open_list(pilot)
        total = len(table.order)
        await pilot.press("f")  # active only
        assert table.order and all(table.tasks[i].status in ACTIVE_STATUSES for i in table.order)
        await pilot.press("f")  # failed
        assert all(table.tasks[i].status == Status.ERROR for i in table.order)
        await pilot.press("escape")
        assert len(table.order) == total
        await pilot.press("t")
        first_type = table.tasks[table.order[0]].type
        assert all(table.tasks[i].type == first_type for i in table.order)
        await pilot.press("escape", "slash", *"train", "enter")
        assert table.order and all("train" in table._search[i] for i in table.order)
        assert "text:train" in screen_text(pilot)


async def test_sort_keys_and_header_click(app):
    async with app.run_test(size=(120, 30)) as pilot:
        _, table = await open_list(pilot)
        ids = list(table.order)
        assert ids == sorted(ids, reverse=True)  # newest first by default
        await pilot.press("S")
        assert table.order == sorted(ids)
        await pilot.press("s")  # next column: name
        assert table.sort_key == "name"
        await click(pilot, TaskTable, offset=(2, 0))  # the ID header
        assert table.sort_key == "id"


async def test_cursor_stays_on_its_task_across_updates(app, emulator: Emulator):
    async with app.run_test(size=(120, 30)) as pilot:
        _, table = await open_list(pilot)
        await pilot.press("down", "down", "down")
        chosen = table.cursor_task_id
        row_before = table.order.index(chosen)
        emulator.advance(900)  # tasks move on and new ones appear above
        now = {t.id: t.status for t in emulator.world.tasks.values() if t.workspace_id == 201}
        assert any(table.tasks[i].status != status for i, status in now.items() if i in table.tasks)
        app.monitor.refresh()
        await wait_for(pilot, lambda: {i: t.status for i, t in table.tasks.items()} == now)
        await settle(pilot)
        assert table.cursor_task_id == chosen
        assert table.order.index(chosen) >= row_before
        await pilot.press("enter")
        from sly_tui.ui.screens.task_detail import TaskDetailScreen

        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        assert app.screen.task_id == chosen


async def test_hostile_strings_render_literally(app, emulator: Emulator):
    hostile = "[bold]x[/] \x1b]2;PWNED\x07[@click=app.quit]y[/] \x1b[31mred"
    target = max(t.id for t in emulator.world.tasks.values() if t.workspace_id == MAIN_WORKSPACE)
    task = emulator.world.tasks[target]
    task.meta["name"] = hostile
    task.meta.setdefault("output", {})["general"] = {"title": "[/]", "isError": True}
    async with app.run_test(size=(160, 40)) as pilot:
        _, table = await open_list(pilot)
        table.move_cursor_to(target)
        text = "\n".join(widget_lines(table))
        assert "[bold]x[/] [@click=app.quit]y[/] red" in text
        assert "\x1b" not in text and "PWNED" not in text
        assert "error: [/]" in text
        assert app.is_running
