"""Stopping tasks: confirmation with Cancel focused, by id, one send, read-only, 403."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from sly_tui.api import ReadOnlyError, SlyClient
from sly_tui.config import Settings
from sly_tui.demo import Emulator
from sly_tui.enums import Status
from sly_tui.secrets import Secret
from sly_tui.ui.app import SlyApp
from sly_tui.ui.forms.stop import StopModal
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.widgets.task_table import TaskTable

from . import test_form_output as kit
from .helpers import Notes, click, press, screen_text, settle, wait_for
from .test_form_output import dashboard


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


def active_ids(emulator: Emulator) -> list[int]:
    return sorted(
        t.id
        for t in emulator.world.tasks.values()
        if t.workspace_id == 201 and t.status in (Status.STARTED, Status.DEPLOYED, Status.QUEUED)
    )


async def loaded_list(pilot) -> TaskTable:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.loaded)
    return screen.table


async def test_cancel_is_focused_and_cancels(app, emulator: Emulator):
    target = active_ids(emulator)[0]
    async with app.run_test(size=(100, 30)) as pilot:
        table = await loaded_list(pilot)
        table.move_cursor_to(target)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, StopModal))
        assert app.focused is not None and app.focused.id == "form-cancel"
        text = screen_text(pilot)
        assert str(target) in text and "gpu-node" in text
        await pilot.press("enter")  # Enter on the focused button: Cancel
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    assert emulator.world.tasks[target].status != Status.TERMINATING


async def test_stop_acts_on_the_id_even_if_the_list_changes(make_app, emulator: Emulator):
    app, calls = dashboard(make_app, emulator)
    target = active_ids(emulator)[0]
    async with app.run_test(size=(100, 30)) as pilot:
        table = await loaded_list(pilot)
        table.move_cursor_to(target)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, StopModal))
        modal = app.screen
        # the list underneath is filtered so the row is gone from view
        table.set_filter(lambda task: task.id != target)
        calls.gate = asyncio.Event()  # requests are held in flight until it opens
        await click(pilot, "#form-submit")
        await press(pilot, "ctrl+j")  # a second submit while the first is in flight
        assert modal.sending
        calls.gate.set()
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        assert modal.sent == 1 and calls["tasks.stop"] == 1
    assert emulator.world.tasks[target].status in (Status.TERMINATING, Status.STOPPED)
    emulator.advance(60)
    assert emulator.world.tasks[target].status == Status.STOPPED


async def test_marked_tasks_stop_together(app, emulator: Emulator):
    targets = active_ids(emulator)[:2]
    assert len(targets) == 2
    async with app.run_test(size=(100, 30)) as pilot:
        table = await loaded_list(pilot)
        for task_id in targets:
            table.move_cursor_to(task_id)
            await pilot.press("space")
        assert table.marked == set(targets)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, StopModal))
        assert app.screen.task_ids == sorted(targets)
        assert "Stop 2 tasks?" in screen_text(pilot)
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        assert table.marked == set()
    for task_id in targets:
        assert emulator.world.tasks[task_id].status in (Status.TERMINATING, Status.STOPPED)


async def test_ended_tasks_are_not_offered_for_stopping(app, emulator: Emulator):
    ended = max(
        t.id
        for t in emulator.world.tasks.values()
        if t.workspace_id == 201 and t.status == Status.FINISHED
    )
    active = active_ids(emulator)[0]
    notes = Notes()
    async with app.run_test(size=(100, 30), message_hook=notes) as pilot:
        table = await loaded_list(pilot)
        notes: list[str] = []
        app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
        table.move_cursor_to(ended)
        await press(pilot, "x")
        assert isinstance(app.screen, TaskListScreen)
        assert notes == [f"Task {ended} has already ended (finished); there is nothing to stop."]
        for task_id in (ended, active):
            table.move_cursor_to(task_id)
            await pilot.press("space")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, StopModal))
        assert app.screen.task_ids == [active]
        assert "(1 marked already ended: left out)" in screen_text(pilot)


async def stop_failing(pilot, emulator: Emulator, target: int, status: int, times: int) -> None:
    """Ask to stop `target` while the server answers `tasks.stop` with `status`."""
    table = await loaded_list(pilot)
    table.move_cursor_to(target)
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StopModal))
    emulator.faults.update({"error_status": status, "fail_next": times, "methods": ["tasks.stop"]})
    await click(pilot, "#form-submit")


async def test_server_error_keeps_the_modal_open(app, emulator: Emulator):
    target = active_ids(emulator)[0]
    async with app.run_test(size=(100, 30)) as pilot:
        table = await loaded_list(pilot)
        table.move_cursor_to(target)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, StopModal))
        emulator.faults.error_status = 500
        emulator.faults.fail_next = 10
        emulator.faults.methods = ["tasks.stop"]
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: "500" in screen_text(pilot))
        assert isinstance(app.screen, StopModal) and not app.screen.sending
        emulator.faults.fail_next = 0
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    assert emulator.world.tasks[target].status in (Status.TERMINATING, Status.STOPPED)


async def test_a_type_that_cannot_be_stopped_is_a_refusal(app, emulator: Emulator):
    """The API reference's 501 ("task with this type can't be stopped") reads as the
    server's refusal, not as the server failing."""
    async with app.run_test(size=(100, 30)) as pilot:
        await stop_failing(pilot, emulator, active_ids(emulator)[0], 501, 1)
        await wait_for(pilot, lambda: "can't be stopped" in screen_text(pilot))
        assert "server failed" not in screen_text(pilot)
        assert isinstance(app.screen, StopModal) and not app.screen.sending


async def test_read_only_hides_stop_and_the_client_refuses(make_app, emulator: Emulator):
    app = make_app(team_id=101, workspace_id=201, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        table = await loaded_list(pilot)
        table.move_cursor_to(active_ids(emulator)[0])
        await press(pilot, "x")
        assert isinstance(app.screen, TaskListScreen)
        assert "Stop" not in screen_text(pilot).splitlines()[-1]  # not in the footer
        assert "READ-ONLY" in screen_text(pilot)
    sent: list[object] = []
    async with SlyClient(
        "http://emulator.test",
        emulator.token,
        transport=httpx.ASGITransport(app=emulator.app),
        read_only=True,
        on_request=sent.append,
    ) as client:
        with pytest.raises(ReadOnlyError):
            await client.tasks.stop(active_ids(emulator)[0])
    assert sent == []


async def test_viewer_token_is_told_it_lacks_rights(emulator: Emulator, tmp_path: Path):
    settings = Settings(
        server="http://emulator.test",
        token=Secret(emulator.viewer_token),
        team_id=101,
        workspace_id=201,
    )
    app = SlyApp(
        settings,
        transport=httpx.ASGITransport(app=emulator.app),
        cache_dir=tmp_path / "cache",
        remember=False,
        interval=60,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        table = await loaded_list(pilot)
        table.move_cursor_to(active_ids(emulator)[0])
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, StopModal))
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: "lacks rights" in screen_text(pilot))
        assert isinstance(app.screen, StopModal)


def test_stop_modal_snapshot(snap_compare, app, emulator: Emulator):
    target = active_ids(emulator)[0]

    async def open_stop(pilot) -> None:
        table = await loaded_list(pilot)
        table.move_cursor_to(target)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StopModal))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_stop)


async def mark_and_confirm(pilot, targets: list[int]) -> StopModal:
    table = await loaded_list(pilot)
    for task_id in targets:
        table.move_cursor_to(task_id)
        await pilot.press("space")
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StopModal))
    return pilot.app.screen


async def test_a_refusal_names_the_servers_reason_per_task(make_app, emulator: Emulator):
    """A task that ends between the confirmation's last look and Submit is refused by the
    server; the outcome says why for that task, as `sly-tui stop` does, and stops the rest."""
    app, calls = kit.dashboard(make_app, emulator)
    ended, running = active_ids(emulator)[:2]
    notes = Notes()
    async with app.run_test(size=(120, 36), notifications=True, message_hook=notes) as pilot:
        modal = await mark_and_confirm(pilot, [ended, running])
        await wait_for(pilot, lambda: calls["tasks.info"] >= 2 and calls.in_flight == 0)
        await app.client.tasks.update_status(ended, "finished")  # the watch looks again in 60 s
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        assert modal.sent == 1
        note = next(n for n in notes.posted if str(running) in n.message)
        message = note.message
        assert note.severity == "warning"  # partly refused
        assert f"{running}: terminating" in message
        assert f"{ended}: not stopped: tasks.stop: The server refused" in message
        assert "already ended" in message


async def test_the_confirmation_keeps_the_statuses_current(make_app, emulator: Emulator):
    """While the question is open, a listed task that ends is shown ended and left out of
    the stop; Cancel keeps the focus; once every listed task has ended, nothing can be sent."""
    app, calls = kit.dashboard(make_app, emulator)
    first, second = active_ids(emulator)[:2]
    async with app.run_test(size=(120, 36)) as pilot:
        modal = await mark_and_confirm(pilot, [first, second])
        assert "Stop 2 tasks?" in screen_text(pilot)
        await app.client.tasks.update_status(first, "finished")
        app.action_refresh()  # what the next poll, an interval later, does as well
        await wait_for(pilot, lambda: modal.task_ids == [second])
        text = screen_text(pilot)
        assert "✔ finished" in text and "Stop task" in text and "1 marked already ended" in text
        assert app.focused is not None and app.focused.id == "form-cancel"
        await app.client.tasks.update_status(second, "stopped")
        app.action_refresh()
        await wait_for(pilot, lambda: "there is nothing to stop" in screen_text(pilot))
        assert modal.query_one("#form-submit").disabled
        assert app.focused is not None and app.focused.id == "form-cancel"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    assert calls["tasks.stop"] == 0
