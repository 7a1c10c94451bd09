"""What the task list redoes on a change: the table asks Textual to repaint only the cells
whose text changed, where they are on screen (a repainted region is written to the
terminal whole), and the counts per status move by what changed."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from sly_tui.enums import Status
from sly_tui.monitor.events import TasksChanged, TrendsChanged
from sly_tui.monitor.trainings import Training
from sly_tui.ui.messages import MonitorEvent
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.status import status_group
from sly_tui.ui.widgets.task_table import TaskTable, cell_text, changed_cells

from .helpers import wait_for

MAIN_TEAM, MAIN_WORKSPACE = 101, 201


@pytest.fixture
def app(make_app):
    return make_app(team_id=MAIN_TEAM, workspace_id=MAIN_WORKSPACE)


async def open_table(pilot) -> TaskTable:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    await wait_for(pilot, lambda: pilot.app.screen.loaded)
    await pilot.pause()
    return pilot.app.screen.query_one(TaskTable)


def cell(table: TaskTable, key: str) -> tuple[int, int]:
    """The first cell and width of a column as laid out."""
    x = 0
    for column, width in table.shown_columns:
        if column.key == key:
            return x, width
        x += width + 1
    raise AssertionError(f"no {key} column")


def repaint_regions(table: TaskTable, change, monkeypatch: pytest.MonkeyPatch) -> set[Region]:
    """The regions that `change` (run synchronously, so nothing else repaints) asks to be
    repainted; a refresh of the whole table counts as its whole region."""
    asked: set[Region] = set()
    refresh = table.refresh

    def recorded(*regions: Region, **options: bool) -> TaskTable:
        asked.update(regions or [table.size.region])
        return refresh(*regions, **options)

    with monkeypatch.context() as patch:
        patch.setattr(table, "refresh", recorded)
        change()
    return asked


async def test_a_clock_tick_repaints_only_the_time_cells_that_changed(app, monkeypatch):
    async with app.run_test(size=(120, 30)) as pilot:
        table = await open_table(pilot)
        before, later = table.now, table.now + timedelta(seconds=1)
        top = int(table.scroll_y)
        x, width = cell(table, "duration")
        expected = set()
        for row, task_id in enumerate(table.order):
            task = table.tasks[task_id]
            if top <= row < top + table.size.height - 1 and task.is_active:
                was, now = (cell_text(task, "duration", at).rjust(width) for at in (before, later))
                start, end = changed_cells(was, now)
                if end > start:
                    expected.add(Region(x + start, row + 1 - top, end - start, 1))
        assert expected  # the demo world has running tasks on the first screen
        assert repaint_regions(table, lambda: table.tick(later), monkeypatch) == expected
        assert (
            repaint_regions(table, lambda: table.tick(later), monkeypatch) == set()
        )  # nothing changed


def test_only_the_characters_of_a_duration_that_changed_are_repainted() -> None:
    assert changed_cells("    41s", "    42s") == (5, 6)
    assert changed_cells("    59s", "  1m00s") == (2, 6)
    assert changed_cells("    41s", "    41s") == (7, 7)  # nothing
    assert changed_cells("日本", "日本語") == (0, 6)  # not one cell a character: all of it


def cells(strip: Strip) -> list[tuple[str, Style | None]]:
    """Each character of a row with its style, however the row is cut into segments."""
    return [(char, segment.style) for segment in strip for char in segment.text]


async def test_a_ticked_row_is_painted_as_a_new_one(app):
    """A running row moves its clock cells on at a tick; the rest of it is kept: the row
    must come out as a row built from scratch would, cursor row included."""
    async with app.run_test(size=(120, 30)) as pilot:
        table = await open_table(pilot)
        top = int(table.scroll_y)
        rows = [
            row + 1 - top
            for row, task_id in enumerate(table.order)
            if top <= row < top + table.size.height - 1 and table.tasks[task_id].is_active
        ]
        assert rows
        table.action_jump(rows[0] - 1 + top)  # the cursor on a running row
        for y in rows:
            table.render_line(y)
        for seconds in (1, 61, 3600):
            table.tick(table.now + timedelta(seconds=seconds))
            ticked = [cells(table.render_line(y)) for y in rows]
            table.notify_style_update()  # drops the painted rows
            assert ticked == [cells(table.render_line(y)) for y in rows]


async def test_training_columns_stay_when_the_trainings_end(app, monkeypatch):
    """Short trainings starting and ending do not make the columns come and go (each time
    the whole table was redrawn)."""
    async with app.run_test(size=(160, 30)) as pilot:
        table = await open_table(pilot)
        task_id = table.order[0]
        training = Training(metric="train loss", trend=(1.0, 0.5))
        table.apply(TrendsChanged(MAIN_WORKSPACE, trends={task_id: training}))
        assert "trend" in table.shown_keys
        table.apply(TrendsChanged(MAIN_WORKSPACE, trends={task_id: None}))
        assert task_id not in table.trends
        assert "trend" in table.shown_keys
        assert (
            repaint_regions(table, lambda: table.apply(TrendsChanged(MAIN_WORKSPACE)), monkeypatch)
            == set()
        )


async def test_a_changed_task_repaints_its_changed_cells_also_when_scrolled(app, monkeypatch):
    async with app.run_test(size=(120, 20)) as pilot:
        table = await open_table(pilot)
        table.scroll_to(y=10, animate=False)
        await wait_for(pilot, lambda: int(table.scroll_y) == 10)
        row = 12
        task = table.tasks[table.order[row]]
        retyped = replace(task, type="retyped")
        x, width = cell(table, "type")
        change = TasksChanged(MAIN_WORKSPACE, changed=(retyped,))
        assert repaint_regions(table, lambda: table.apply(change), monkeypatch) == {
            Region(x, row + 1 - 10, width, 1)
        }


async def test_status_counts_follow_the_changes(app):
    async with app.run_test(size=(120, 20)) as pilot:
        table = await open_table(pilot)
        screen = pilot.app.screen

        def recount() -> Counter:
            return +Counter(status_group(task.status) for task in table.tasks.values())

        assert screen.counts == recount()
        running = next(table.tasks[i] for i in table.order if table.tasks[i].is_active)
        stopped = replace(running, status=Status.STOPPED)
        newest = replace(running, id=max(table.tasks) + 1)
        events = (
            TasksChanged(MAIN_WORKSPACE, changed=(stopped,)),
            TasksChanged(MAIN_WORKSPACE, added=(newest,)),
            TasksChanged(MAIN_WORKSPACE, removed=(running.id,)),
        )
        for event in events:
            screen.post_message(MonitorEvent(event))
        await wait_for(pilot, lambda: running.id not in table.tasks)
        assert screen.counts == recount()
