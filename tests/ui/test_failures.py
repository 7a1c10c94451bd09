"""The failure feed (`F`): tasks ended in error in the last hours across the team's
workspaces, newest first, with their first error line; `h` changes the window, Enter
opens a task."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sly_tui.demo import Emulator
from sly_tui.enums import Status
from sly_tui.ui.screens.failures import FailuresScreen
from sly_tui.ui.screens.scope_list import ScopeListScreen
from sly_tui.ui.screens.task_detail import TaskDetailScreen
from sly_tui.ui.screens.task_list import TaskListScreen

from .helpers import press, screen_text, settle, wait_for
from .test_scope_list import open_scope, utc  # noqa: F401 - the time zone of the pictures

SIZES = [(80, 24), (120, 36)]


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=103, workspace_id=206, clock=emulator.clock.now)


def failed_since(emulator: Emulator, team_ids: set[int], hours: float) -> list[int]:
    """Ids of the tasks of `team_ids` ended in error in the last `hours`, newest first."""
    since = emulator.clock.now() - timedelta(hours=hours)
    tasks = [
        t
        for t in emulator.world.tasks.values()
        if t.team_id in team_ids and t.status is Status.ERROR and t.finished_at >= since
    ]
    return [t.id for t in sorted(tasks, key=lambda t: (t.finished_at, t.id), reverse=True)]


async def open_feed(pilot) -> FailuresScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen | ScopeListScreen))
    await press(pilot, "F")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FailuresScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.loaded)
    await settle(pilot)
    return screen


async def test_newest_first_with_the_first_error_line(app, emulator: Emulator):
    expected = failed_since(emulator, {103}, 24)
    assert len(expected) >= 4
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_feed(pilot)
        assert list(screen.failures) == expected
        for failure in screen.failures.values():
            assert failure.line.split(":")[0] in (
                "CUDA out of memory. Tried to allocate 2.00 GiB",
                "Project has no images to process",
                "Connection to the storage was reset",
            )
        text = screen_text(pilot)
        assert "Failures of the last 24 h · Robotics" in text
        assert "Navigation" in text and "Sim2Real" in text


async def test_the_window_narrows_and_widens(app, emulator: Emulator):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_feed(pilot)
        for hours in (72, 168, 6):
            await press(pilot, "h")
            await wait_for(pilot, lambda h=hours: f"last {h} h" in screen_text(pilot))
            await wait_for(
                pilot, lambda h=hours: list(screen.failures) == failed_since(emulator, {103}, h)
            )


async def test_all_teams_feed_and_enter_opens_the_task(make_app, emulator: Emulator):
    app = make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_scope(pilot, all_teams=True)
        screen = await open_feed(pilot)
        assert list(screen.failures) == failed_since(emulator, {101, 102, 103}, 24)
        first = next(iter(screen.failures))
        await press(pilot, "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskDetailScreen))
        assert pilot.app.screen.task_id == first


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_failure_feed_snapshot(snap_compare, app, size) -> None:
    async def feed(pilot) -> None:
        await open_feed(pilot)

    assert snap_compare(app, terminal_size=size, run_before=feed)
