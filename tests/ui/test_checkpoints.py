"""The Checkpoints tab: the list of a train task, live growth, delete unused behind a
confirmation, read-only refusal, and snapshots at 80x24 and 160x48."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from textual.widgets import Button, DataTable

from sly_tui.api import ReadOnlyError
from sly_tui.demo import Emulator
from sly_tui.demo.scripts import Plan
from sly_tui.demo.world import Task
from sly_tui.ui.forms.delete_checkpoints import DeleteCheckpointsModal
from sly_tui.ui.panes.checkpoints import CheckpointsPane
from sly_tui.ui.panes.polled_pane import PolledPane
from sly_tui.ui.screens.task_detail import TaskDetailScreen

from ..demo.test_artifacts import ended_train_tasks, start_training, until_epoch
from . import test_form_output as kit
from .helpers import Notes, click, press, screen_text, settle, wait_for

SIZES = [(80, 24), (160, 48)]
P = TypeVar("P", bound=PolledPane)


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


def peaked_task(emulator: Emulator) -> Task:
    """An ended train task whose best checkpoint is not the newest."""
    return next(
        t
        for t in ended_train_tasks(emulator)
        if len(checkpoints := emulator.simulator.checkpoints_of(t)) > 2
        and not checkpoints[-1]["isBest"]
    )


async def open_tab(pilot, task_id: int, key: str, kind: type[P], ready: Callable[[P], bool]) -> P:
    """Open the task's detail screen and a pane's tab; wait until `ready(pane)`."""
    detail = await kit.open_detail(pilot, task_id)
    await pilot.press(key)
    pane = detail.query_one(kind)
    await wait_for(pilot, lambda: ready(pane))
    await settle(pilot)
    return pane


async def open_checkpoints(pilot, task_id: int) -> CheckpointsPane:
    return await open_tab(pilot, task_id, "5", CheckpointsPane, lambda p: p.checkpoints is not None)


def table_names(pane: CheckpointsPane) -> list[str]:
    table = pane.query_one(DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_an_ended_task_shows_its_checkpoints(app, emulator: Emulator):
    task = peaked_task(emulator)
    server = emulator.simulator.checkpoints_of(task)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await open_checkpoints(pilot, task.id)
        assert table_names(pane) == [c["name"] for c in server]
        text = screen_text(pilot)
        best = next(c for c in server if c["isBest"])
        assert f"best {best['name']}" in text and f"newest {server[-1]['name']}" in text
        assert "38.2 MiB" in text  # sizes are human: 40 000 000 bytes and a little more
        assert "this list is final" in text
        assert pane.subscription is not None and pane.subscription.done  # polling stopped


# Long enough for three checkpoints while running, whatever plan a task id would draw.
STEADY_TRAINING = Plan(
    kind="train",
    queue_s=3,
    consume_s=3,
    steps=12,
    step_s=8,
    units=16,
    fails=False,
    ckpt_every=2,
    heartbeat_s=30,
)


async def test_a_running_task_grows_its_list(app, emulator: Emulator):
    task = start_training(emulator, plan=STEADY_TRAINING)
    plan = emulator.simulator.plan_of(task)
    emulator.advance(until_epoch(emulator, task, plan.ckpt_every))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_checkpoints(pilot, task.id)
        assert len(table_names(pane)) == 1
        emulator.advance(2 * plan.ckpt_every * plan.step_s)
        app.action_refresh()  # `r`, as the user would
        await wait_for(pilot, lambda: len(table_names(pane)) == 3)
        assert "Updates while the task runs" in screen_text(pilot)
        assert pane.subscription is not None and not pane.subscription.done


async def test_list_errors_show_in_one_line_and_keep_the_list(app, emulator: Emulator):
    task = peaked_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_checkpoints(pilot, task.id)
        shown = table_names(pane)
        fault = {"error_status": 400, "fail_next": 1, "methods": ["tasks.checkpoints.list"]}
        emulator.faults.update(fault)
        app.action_refresh()
        await wait_for(pilot, lambda: "Could not list the checkpoints" in screen_text(pilot))
        assert table_names(pane) == shown
        app.action_refresh()
        await wait_for(pilot, lambda: "this list is final" in screen_text(pilot))


async def test_delete_unused_states_what_the_server_then_does(app, emulator: Emulator):
    task = peaked_task(emulator)
    server = list(emulator.simulator.checkpoints_of(task))
    doomed = [c for c in server[:-1] if not c["isBest"]]
    freed = sum(int(c["size"]) for c in doomed) / 1024**2
    notes = Notes()
    async with app.run_test(size=(120, 40), notifications=True, message_hook=notes) as pilot:
        pane = await open_checkpoints(pilot, task.id)
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, DeleteCheckpointsModal))
        text = screen_text(pilot)
        assert f"Delete {len(doomed)} unused checkpoints of task {task.id}?" in text
        assert f"Frees {freed:.1f} MiB" in text
        assert app.focused is app.screen.query_one("#form-cancel", Button)
        await pilot.press("enter")  # Enter on the focused Cancel: nothing happens
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        assert len(emulator.simulator.checkpoints_of(task)) == len(server)

        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, DeleteCheckpointsModal))
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        remaining = emulator.simulator.checkpoints_of(task)
        assert len(server) - len(remaining) == len(doomed)  # the count that was announced
        await wait_for(pilot, lambda: len(table_names(pane)) == len(remaining))
        messages = notes.messages
        assert f"Task {task.id}: the server deleted {len(doomed)} checkpoints." in messages


async def test_nothing_to_delete_opens_no_form(app, emulator: Emulator):
    task = peaked_task(emulator)
    emulator.simulator.checkpoints_of(task)[:] = emulator.simulator.checkpoints_of(task)[-1:]
    notes = Notes()
    async with app.run_test(size=(120, 40), notifications=True, message_hook=notes) as pilot:
        await open_checkpoints(pilot, task.id)
        await press(pilot, "D")
        assert isinstance(app.screen, TaskDetailScreen)
        assert notes.said("Nothing to delete")


async def test_read_only_hides_and_refuses_delete(make_app, emulator: Emulator):
    app = make_app(team_id=101, workspace_id=201, read_only=True)
    task = peaked_task(emulator)
    before = list(emulator.simulator.checkpoints_of(task))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_checkpoints(pilot, task.id)
        assert "Delete unused" not in screen_text(pilot)
        await press(pilot, "D")
        assert isinstance(app.screen, TaskDetailScreen)
    sent: list[object] = []
    async with kit.read_only_client(emulator, sent) as client:
        with pytest.raises(ReadOnlyError):
            await client.tasks.delete_unused_checkpoints(task.id)
    assert sent == []
    assert emulator.simulator.checkpoints_of(task) == before


async def test_hostile_checkpoint_names_render_literally(app, emulator: Emulator):
    task = peaked_task(emulator)
    hostile = "[bold]x[/] [/red] \x1b]2;PWNED\x07\x1b[31mred\x1b[0m.pth"
    emulator.simulator.checkpoints_of(task)[0]["name"] = hostile
    async with app.run_test(size=(160, 48)) as pilot:
        await open_checkpoints(pilot, task.id)
        text = screen_text(pilot)
        assert "[bold]x[/] [/red] red.pth" in text
        assert "\x1b" not in text and "PWNED" not in text


# --- snapshots ------------------------------------------------------------------------------


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.mark.usefixtures("utc")
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_checkpoints_tab_snapshot(snap_compare, app, emulator: Emulator, size) -> None:
    task = peaked_task(emulator)

    async def checkpoints_shown(pilot) -> None:
        await open_checkpoints(pilot, task.id)

    assert snap_compare(app, terminal_size=size, run_before=checkpoints_shown)
