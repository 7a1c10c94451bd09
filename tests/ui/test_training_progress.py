"""A training's overall progress (epoch of epochs, ETA) in the list and the Overview, and
the list's TREND column named after its metric; snapshots at 80x24 and 120x36."""

from __future__ import annotations

import time

import pytest

from sly_tui.demo import Emulator
from sly_tui.present import duration
from sly_tui.ui.screens.task_list import TaskListScreen

from ..monitor.test_metrics import trained
from .helpers import screen_text, settle, wait_for
from .test_detail import open_detail


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now, interval=0.5)


def expected(emulator: Emulator, task_id: int, done: int) -> tuple[int, str]:
    """Epochs of the run, and the ETA at the pace so far (by the emulator's frozen clock)."""
    task = emulator.world.tasks[task_id]
    epochs = emulator.simulator.plan_of(task).steps
    assert task.started_at is not None
    elapsed = (emulator.clock.now() - task.started_at).total_seconds()
    return epochs, duration(elapsed * (epochs - done) / done)


async def test_the_overview_shows_the_epoch_of_epochs_and_an_eta(app, emulator: Emulator):
    task_id = trained(emulator, epochs=3)
    epochs, eta = expected(emulator, task_id, 3)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, task_id)
        await pilot.press("1")
        line = f"training  epoch 3/{epochs} ({round(300 / epochs)}%), ETA {eta}"
        await wait_for(pilot, lambda: line in screen_text(pilot))
        assert "Epoch 3/" in screen_text(pilot)  # the epoch's own steps stay below


async def list_with_training(pilot) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    await wait_for(pilot, lambda: pilot.app.screen.loaded)
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.topic.all_read and screen.table.trends)
    await settle(pilot)


async def test_the_list_shows_epochs_and_eta_not_the_epochs_steps(app, emulator: Emulator):
    task_id = trained(emulator, epochs=3)
    epochs, eta = expected(emulator, task_id, 3)
    async with app.run_test(size=(120, 36)) as pilot:
        await list_with_training(pilot)
        text = screen_text(pilot)
        row = next(line for line in text.splitlines() if f" {task_id} " in line)
        assert f"3/{epochs} ETA {eta}" in row
        assert "train loss" in text  # the TREND column's header


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_list_with_a_training_snapshot(snap_compare, app, emulator: Emulator, utc, size) -> None:
    trained(emulator, epochs=3)
    assert snap_compare(app, terminal_size=size, run_before=list_with_training)
