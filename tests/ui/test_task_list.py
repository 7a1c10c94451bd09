"""The task list screen: filters, sorting, search, cursor, live diffs, hostile text."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from sly_tui.demo import Emulator
from sly_tui.enums import ACTIVE_STATUSES, Status
from sly_tui.monitor.events import TasksChanged
from sly_tui.ui.messages import MonitorEvent
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
        assert table.order and all(table.matches_text(table.tasks[i], "train") for i in table.order)
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


def hold_task_lists(emulator: Emulator) -> asyncio.Event:
    """`tasks.list` waits at the emulator's door until the returned event is set: a big
    workspace's first page on a slow link, on cue. Other methods pass."""
    opened = asyncio.Event()
    inner = emulator.app

    async def held(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/tasks.list"):
            await opened.wait()
        await inner(scope, receive, send)

    emulator.app = held  # type: ignore[assignment]
    return opened


async def loading_shown(pilot) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    await wait_for(pilot, lambda: "Loading tasks…" in screen_text(pilot))
    await pilot.pause()


async def test_loading_is_said_until_the_first_page_arrives(make_app, emulator: Emulator):
    opened = hold_task_lists(emulator)
    app = make_app(team_id=MAIN_TEAM, workspace_id=MAIN_WORKSPACE, clock=emulator.clock.now)
    async with app.run_test(size=(120, 36)) as pilot:
        await loading_shown(pilot)
        screen = app.screen
        assert not screen.table.display and not screen.loaded  # no empty table meanwhile
        assert "NAME" not in screen_text(pilot)
        opened.set()
        await wait_for(pilot, lambda: screen.loaded and screen.table.display)
        assert "Loading tasks…" not in screen_text(pilot) and "NAME" in screen_text(pilot)
        assert app.focused is screen.table  # the keys work at once
        await pilot.press("down")
        assert screen.table.cursor_task_id == screen.table.order[1]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_loading_snapshot(snap_compare, make_app, emulator: Emulator, size) -> None:
    hold_task_lists(emulator)
    app = make_app(team_id=MAIN_TEAM, workspace_id=MAIN_WORKSPACE, clock=emulator.clock.now)
    assert snap_compare(app, terminal_size=size, run_before=loading_shown)


async def test_a_task_edited_many_times_shows_its_newest_row(app, emulator: Emulator):
    """Each version of a task shows its own row: rows were once cached by the address of
    the task object, which Python reuses, so `v14` could show as `v00`."""
    target = max(t.id for t in emulator.world.tasks.values() if t.workspace_id == MAIN_WORKSPACE)
    task = emulator.world.tasks[target]
    async with app.run_test(size=(200, 30)) as pilot:
        _, table = await open_list(pilot)
        table.move_cursor_to(target)
        for n in range(40):
            task.meta.setdefault("output", {})["general"] = {"title": f"v{n:02}"}
            app.monitor.refresh()
            await wait_for(pilot, lambda n=n: f"v{n:02}" in str(table.tasks[target].output))
            row = widget_lines(table)[table.order.index(target) + 1 - int(table.scroll_y)]
            assert f"v{n:02}" in row, (n, row)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_hidden_columns_are_reachable_and_never_sorted_unseen(app, size):
    """←/→ bring every column a narrow screen drops into view (the header says how many
    are off screen), `s` sorts only by columns on screen, and the marks are counted."""
    from sly_tui.ui.widgets.task_table import COLUMNS

    async with app.run_test(size=size) as pilot:
        screen, table = await open_list(pilot)

        def header() -> str:
            return widget_lines(table)[0]

        def filters() -> str:
            return str(screen.query_one("#filters").render())

        await wait_for(pilot, lambda: table.hidden_right > 0)
        assert f"{table.hidden_right}→ columns" in header()
        start = table.shown_keys
        seen = set(start)
        for _ in range(len(COLUMNS)):
            if not table.hidden_right:
                break
            await pilot.press("right")
            seen.update(table.shown_keys)
        assert table.hidden_right == 0 and "←" in header()
        assert seen >= {column.key for column in COLUMNS}
        assert "OUTPUT" in header()
        for _ in range(len(COLUMNS)):
            await pilot.press("left")
        assert table.column_offset == 0 and table.shown_keys == start

        # `s` visits only columns on screen.
        for _ in range(len(COLUMNS) + 1):
            await pilot.press("s")
            assert table.sort_key in table.shown_keys
        # A sorted column scrolled off screen is named as hidden; `s` moves on to a shown one.
        table.sort_by("status")
        await pilot.press("right")
        await wait_for(pilot, lambda: "status" not in table.shown_keys)
        await pilot.press("S")
        assert "sort:status" in filters() and "column hidden" in filters()
        await pilot.press("s")
        assert table.sort_key in table.shown_keys and "column hidden" not in filters()

        await pilot.press("g", "space", "space")  # from the top: space marks, then moves down
        await wait_for(pilot, lambda: "2 marked" in filters())
        assert len(table.marked) == 2


async def test_the_list_tells_its_topic_which_rows_are_on_screen(app):
    """Progress and trends are read only for those (see `TaskListTopic.show`)."""
    async with app.run_test(size=(120, 20)) as pilot:
        screen, table = await open_list(pilot)

        def told() -> bool:
            on_screen = frozenset(table.order[row] for row in table.rows_on_screen())
            return screen.topic.shown == on_screen

        await wait_for(pilot, told)
        assert screen.topic.shown and len(screen.topic.shown) < len(table.order)
        await pilot.press("end")
        await wait_for(pilot, lambda: told() and table.order[-1] in screen.topic.shown)
        assert table.order[0] not in screen.topic.shown


async def test_durations_stop_ticking_while_a_task_covers_the_list(app):
    from sly_tui.ui.screens.task_detail import TaskDetailScreen

    async with app.run_test(size=(120, 30)) as pilot:
        screen, _ = await open_list(pilot)
        ticking = screen._ticker._active  # Textual's own running flag of the 1 s timer
        assert ticking.is_set()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        await wait_for(pilot, lambda: not ticking.is_set())
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and ticking.is_set())


async def test_one_full_collection_once_the_first_list_is_complete(app, monkeypatch):
    """The collector's pass over a freshly loaded list happens as part of loading it, not
    later while the dashboard idles; later sweeps leave the collector to itself."""
    collections: list[str] = []
    monkeypatch.setattr(
        "sly_tui.ui.app.gc", SimpleNamespace(collect=lambda: collections.append("full"))
    )
    sweeps: list[TasksChanged] = []  # each complete sweep once (the app sees it bubble up)

    def count_sweeps(message: object) -> None:
        event = message.event if isinstance(message, MonitorEvent) else None
        if isinstance(event, TasksChanged) and event.full and all(e is not event for e in sweeps):
            sweeps.append(event)

    async with app.run_test(size=(120, 30), message_hook=count_sweeps) as pilot:
        await open_list(pilot)
        await wait_for(pilot, lambda: len(sweeps) == 1 and collections == ["full"])
        await pilot.press("r")  # a complete sweep again
        await wait_for(pilot, lambda: len(sweeps) == 2)
        await settle(pilot)
        assert collections == ["full"]
