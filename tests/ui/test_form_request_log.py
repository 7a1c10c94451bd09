"""Sending a request to a running app, and adding a line to a task's log.

The steps every form test shares (open, fill, the failure and read-only checks) are
`kit`, the first part of `test_form_output`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator
from sly_tui.enums import Status
from sly_tui.ui.app import SlyApp
from sly_tui.ui.forms.log_line import LogLineModal
from sly_tui.ui.forms.request import SendRequestModal
from sly_tui.ui.screens.task_list import TaskListScreen

from . import test_form_output as kit
from .helpers import screen_text, wait_for


@pytest.fixture
def app(make_app: Callable[..., SlyApp], emulator: Emulator) -> SlyApp:
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


def deployed_task(emulator: Emulator) -> int:
    return max(
        t.id
        for t in emulator.world.tasks.values()
        if t.workspace_id == 201 and t.status == Status.DEPLOYED
    )


# --- requests to a running app ------------------------------------------------------------


# command, state, skip response, what the app answers
EXCHANGES: list[tuple[str, str, bool, Any]] = [
    ("is_running", "{}", False, {"running": True}),
    ("echo", '{\n  "items": [1, 2],\n  "nested": {"a": null}\n}', False, None),
    ("echo", '{"x": 1}', True, {"success": True}),
]


async def test_requests_show_the_apps_answer_and_the_form_stays(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    app, calls = kit.dashboard(make_app, emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, kit.running_task(emulator), "R", SendRequestModal)
        assert app.focused is not None and app.focused.id == "request-command"
        assert form.value("request-state") == "{}" and form.value("request-timeout") == "60"
        assert not form.query("#request-note")  # the task is running: no warning
        for number, (command, state, skip, answer) in enumerate(EXCHANGES, 1):
            await kit.fill(pilot, {"request-command": command, "request-state": state})
            await kit.fill(pilot, {"request-skip": skip})
            assert "Will send tasks.request.direct" in screen_text(pilot)
            await kit.submit(pilot)
            await wait_for(pilot, lambda n=number: form.sent == n and not form.sending)
            expected = json.loads(state) if answer is None else answer  # echo sends it back
            assert kit.answer_of(form) == f"The app answered:\n{json.dumps(expected, indent=2)}"
            assert kit.form_error(form) == ""
        assert isinstance(app.screen, SendRequestModal)
    assert calls["tasks.request.direct"] == len(EXCHANGES)


async def test_after_an_answer_the_command_keeps_focus_to_edit_and_send_again(
    app: SlyApp, emulator: Emulator
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, kit.running_task(emulator), "R", SendRequestModal)
        await kit.type_into(pilot, "request-command", "is_running")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.sent == 1 and not form.sending)
        assert app.focused is not None and app.focused.id == "request-command"
        await pilot.press("ctrl+u", *"echo", "enter")  # edited in place, sent again
        await wait_for(pilot, lambda: form.sent == 2 and not form.sending)
        assert kit.answer_of(form) == "The app answered:\n{}"
        assert app.focused is not None and app.focused.id == "request-command"


async def test_a_deployed_model_says_it_is_ready(app: SlyApp, emulator: Emulator) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, deployed_task(emulator), "R", SendRequestModal)
        await kit.type_into(pilot, "request-command", "is_ready")
        await pilot.press("enter")  # Enter in a field sends
        await wait_for(pilot, lambda: '"status": "ready"' in kit.answer_of(form))


async def test_a_task_that_is_not_running_is_said_in_words(app: SlyApp, emulator: Emulator) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, kit.finished_task(emulator), "R", SendRequestModal)
        assert "only a running app answers requests" in screen_text(pilot)  # said up front
        await kit.fill(pilot, {"request-command": "is_running"})
        await kit.submit(pilot)
        await kit.sent_and_settled(pilot, form)
        error = kit.form_error(form)
        assert "not running" in error and "only a started or deployed app" in error
        assert isinstance(app.screen, SendRequestModal)


# command, state, timeout, the field that is wrong, what it says
BAD_REQUESTS: list[tuple[str, str, str, str, str]] = [
    ("", "{}", "60", "request-command", "Enter the command."),
    ("   ", "{}", "60", "request-command", "Enter the command."),
    ("echo", '{"a": 1,,}', "60", "request-state", "line 1, column 9"),
    ("echo", "{\n\n  'a': 1}", "60", "request-state", "line 3, column 3"),
    ("echo", "[1, 2]", "60", "request-state", "Expected a JSON object"),
    ("echo", "", "60", "request-state", "Enter a JSON object."),
    ("echo", "{}", "0", "request-timeout", "positive whole number"),
    ("echo", "{}", "-5", "request-timeout", "positive whole number"),
    ("echo", "{}", "1.5", "request-timeout", "positive whole number"),
    ("echo", "{}", "", "request-timeout", "Enter the timeout."),
]


async def test_bad_requests_are_named_and_nothing_is_sent(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    app, calls = kit.dashboard(make_app, emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, kit.running_task(emulator), "R", SendRequestModal)
        cases = [
            (
                {"request-command": command, "request-state": state, "request-timeout": timeout},
                field,
                message,
            )
            for command, state, timeout, field, message in BAD_REQUESTS
        ]
        await kit.names_each_bad_field(pilot, form, cases)
    assert calls["tasks.request.direct"] == 0


async def test_request_server_error_is_not_retried_then_one_send_per_press(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    app, calls = kit.dashboard(make_app, emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, kit.running_task(emulator), "R", SendRequestModal)
        await kit.fill(pilot, {"request-command": "echo", "request-state": '{"n": 1}'})
        await kit.fails_then_sends_once(pilot, emulator, form, "tasks.request.direct", calls)
        assert kit.answer_of(form) == 'The app answered:\n{\n  "n": 1\n}'
        assert app.screen is form
    assert calls["tasks.request.direct"] == 2  # an app command is never retried


async def test_hostile_request_is_sent_verbatim_and_answered_literally(
    app: SlyApp, emulator: Emulator
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        form = await kit.open_form(pilot, kit.running_task(emulator), "R", SendRequestModal)
        state = json.dumps({"t": kit.HOSTILE})
        await kit.fill(pilot, {"request-command": kit.HOSTILE, "request-state": state})
        preview = str(form.query_one("#form-preview").render())
        assert "[bold]x[/]" in preview and "\x1b" not in preview
        await kit.submit(pilot)
        await kit.sent_and_settled(pilot, form)
        answer = kit.answer_of(form)  # the emulator echoes the state: the hostile text came back
        assert "[bold]x[/]" in answer and "[@click=app.quit]y[/]" in answer
        assert "\x1b" not in answer and "\x07" not in answer


async def test_request_read_only(make_app: Callable[..., SlyApp], emulator: Emulator) -> None:
    task_id = kit.running_task(emulator)

    async def write(client: SlyClient) -> None:
        await client.tasks.send_request(task_id, "is_running", {})

    await kit.refused_in_read_only(make_app, emulator, "R", write)


async def test_request_viewer_lacks_rights(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    values = {"request-command": "is_running"}
    task_id = kit.running_task(emulator)
    await kit.viewer_lacks_rights(make_app, emulator, task_id, "R", SendRequestModal, values)


# --- log lines ----------------------------------------------------------------------------


def server_log(emulator: Emulator, task_id: int) -> list[dict[str, Any]]:
    log = emulator.simulator.log_of(emulator.world.tasks[task_id])
    return log.download(None, None)


def lines_saying(emulator: Emulator, task_id: int, message: str) -> list[dict[str, Any]]:
    return [entry for entry in server_log(emulator, task_id) if entry["message"] == message]


async def test_a_log_line_reaches_the_server_and_the_live_log(
    app: SlyApp, emulator: Emulator
) -> None:
    task_id = kit.running_task(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        detail = await kit.open_detail(pilot, task_id)
        await wait_for(pilot, lambda: len(detail.spool) > 0)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LogLineModal))
        form = app.screen
        assert app.focused is not None and app.focused.id == "log-message"
        await pilot.press(*"paused by ops")
        await kit.fill(pilot, {"log-level": "warn"})
        preview = str(form.query_one("#form-preview").render())
        assert '"level": "warn", "message": "paused by ops"' in preview
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is detail)
        assert isinstance(form, LogLineModal) and form.sent == 1
        spool = detail.spool
        await wait_for(
            pilot, lambda: any(spool.line(i).text == "paused by ops" for i in range(len(spool)))
        )
        line = next(
            spool.line(i) for i in range(len(spool)) if spool.line(i).text == "paused by ops"
        )
        assert line.level == "warn" and line.timestamp == emulator.clock.now()
    [entry] = lines_saying(emulator, task_id, "paused by ops")
    assert entry["level"] == "warn" and entry["task_id"] == task_id
    assert entry["timestamp"] == "2026-11-27T12:00:00.000Z"  # the app's clock, ms and Z


async def test_log_line_needs_a_message_and_survives_a_server_error(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    app, calls = kit.dashboard(make_app, emulator)
    task_id = kit.finished_task(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, task_id, "L", LogLineModal)
        await kit.names_each_bad_field(
            pilot,
            form,
            [
                ({"log-message": ""}, "log-message", "Enter the message."),
                ({"log-message": "  \t "}, "log-message", "Enter the message."),
            ],
        )
        await kit.fill(pilot, {"log-message": "checked by hand", "log-level": "error"})
        await kit.fails_then_sends_once(pilot, emulator, form, "tasks.logs.add", calls)
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    [entry] = lines_saying(emulator, task_id, "checked by hand")  # exactly one line
    assert entry["level"] == "error"


async def test_hostile_log_line_is_stored_verbatim(app: SlyApp, emulator: Emulator) -> None:
    task_id = kit.finished_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await kit.open_form(pilot, task_id, "L", LogLineModal)
        await kit.fill(pilot, {"log-message": kit.HOSTILE})
        preview = str(form.query_one("#form-preview").render())
        assert "[bold]x[/]" in preview and "\x1b" not in preview
        await kit.submit(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    assert len(lines_saying(emulator, task_id, kit.HOSTILE)) == 1


async def test_log_line_read_only(make_app: Callable[..., SlyApp], emulator: Emulator) -> None:
    task_id = kit.finished_task(emulator)

    async def write(client: SlyClient) -> None:
        await client.tasks.submit_logs([{"task_id": task_id, "message": "x"}])

    await kit.refused_in_read_only(make_app, emulator, "L", write)
    assert lines_saying(emulator, task_id, "x") == []


async def test_log_line_viewer_lacks_rights(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    task_id = kit.finished_task(emulator)
    values = {"log-message": "from a viewer"}
    await kit.viewer_lacks_rights(make_app, emulator, task_id, "L", LogLineModal, values)
    assert lines_saying(emulator, task_id, "from a viewer") == []
