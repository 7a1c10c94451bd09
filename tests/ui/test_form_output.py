"""Setting a task's output, every kind, opened from the list or the detail view.

The first part holds what every form test shares: opening a form the way a user does,
filling it, counting what reached the server, and the checks each form must pass (bad
fields named, a server error survived, one send per press, read-only refused, a viewer
told it lacks rights).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select, TextArea

from sly_tui.api import ReadOnlyError, SlyClient
from sly_tui.demo import Emulator
from sly_tui.enums import Status
from sly_tui.ui import actions
from sly_tui.ui.app import SlyApp
from sly_tui.ui.forms.base import FormModal
from sly_tui.ui.forms.data import Answer
from sly_tui.ui.forms.output import KINDS, SetOutputModal
from sly_tui.ui.screens.task_detail import TaskDetailScreen
from sly_tui.ui.screens.task_list import TaskListScreen

from .helpers import Notes, click, every_field_comes_into_view, press, screen_text, settle, wait_for

F = TypeVar("F", bound=FormModal)
HOSTILE = "[bold]x[/] \x1b]2;t\x07 [@click=app.quit]y[/]"


# --- shared by the form tests -------------------------------------------------------------


def running_task(emulator: Emulator) -> int:
    """The newest started app session of the main workspace (it answers requests)."""
    return max(
        t.id
        for t in emulator.world.tasks.values()
        if t.workspace_id == 201 and t.status == Status.STARTED and t.type == "app"
    )


def finished_task(emulator: Emulator) -> int:
    return max(
        t.id
        for t in emulator.world.tasks.values()
        if t.workspace_id == 201 and t.status == Status.FINISHED
    )


class Requests(Counter[str]):
    """How many requests of each RPC method reached the emulator. While `gate` is set,
    each request waits at the door until the gate opens: a slow server, on cue."""

    gate: asyncio.Event | None = None
    in_flight = 0  # requests received and not yet answered


def count_requests(emulator: Emulator) -> Requests:
    """Count what reaches the emulator from now on (make the app after this)."""
    calls = Requests()
    inner = emulator.app

    async def counted(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        calls[scope["path"].rsplit("/", 1)[-1]] += 1
        calls.in_flight += 1
        try:
            if calls.gate is not None:
                await calls.gate.wait()
            await inner(scope, receive, send)
        finally:
            calls.in_flight -= 1

    emulator.app = counted  # type: ignore[assignment]
    return calls


def read_only_client(emulator: Emulator, sent: list[object]) -> SlyClient:
    """A client in read-only mode that records every request it makes into `sent`."""
    return SlyClient(
        "http://emulator.test",
        emulator.token,
        transport=httpx.ASGITransport(app=emulator.app),
        read_only=True,
        on_request=sent.append,
    )


async def open_form(pilot: Pilot, task_id: int, key: str, form: type[F]) -> F:
    """From the task list: put the cursor on the task and press the action's key."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    screen = app.screen
    assert isinstance(screen, TaskListScreen)
    await wait_for(pilot, lambda: screen.loaded)
    assert screen.table.move_cursor_to(task_id)
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, form))
    await settle(pilot)
    return app.screen  # type: ignore[return-value]


async def open_detail(pilot: Pilot, task_id: int) -> TaskDetailScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    list_screen = app.screen
    await wait_for(pilot, lambda: list_screen.loaded)  # type: ignore[attr-defined]
    app.push_screen(TaskDetailScreen(task_id))
    await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
    detail = app.screen
    assert isinstance(detail, TaskDetailScreen)
    await wait_for(pilot, lambda: detail.info is not None)
    return detail


async def fill(pilot: Pilot, values: dict[str, Any]) -> None:
    """Set fields by id as a paste would (text), or a click would (checkbox, select)."""
    screen = pilot.app.screen
    for widget_id, value in values.items():
        widget = screen.query_one(f"#{widget_id}")
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.load_text(value)
        elif isinstance(widget, Checkbox | Select):
            widget.value = value
        else:
            raise TypeError(widget_id)
    await settle(pilot)


async def type_into(pilot: Pilot, widget_id: str, text: str) -> None:
    """Focus a field and type, key by key."""
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await settle(pilot)
    await pilot.press(*text)


async def submit(pilot: Pilot) -> None:
    await click(pilot, "#form-submit")


async def sent_and_settled(pilot: Pilot, form: FormModal) -> None:
    """Wait until the form's request has been answered."""
    await wait_for(pilot, lambda: form.sent > 0 and not form.sending)


def error_of(form: FormModal, field_id: str) -> str:
    field = form.query_one(f"#field-{field_id}")
    assert field.has_class("-invalid"), f"{field_id} shows no error"
    return str(field.query_one(".field--error").render())


def form_error(form: FormModal) -> str:
    return str(form.query_one("#form-error").render())


def answer_of(form: FormModal) -> str:
    """What a form that stays open shows of the server's answer."""
    return str(form.query_one(Answer).render())


def includes(actual: Any, expected: Any) -> bool:
    """`expected`'s keys have these values in `actual` (recursively, for nested objects)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and includes(actual[k], v) for k, v in expected.items()
        )
    return bool(actual == expected)


def dashboard(make_app: Callable[..., SlyApp], emulator: Emulator) -> tuple[SlyApp, Requests]:
    """The dashboard on the main workspace, and the count of what it sends."""
    calls = count_requests(emulator)
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now), calls


def field_values(form: FormModal) -> dict[str, Any]:
    """Everything typed or chosen in the form, by widget id."""
    return {
        widget.id: widget.text if isinstance(widget, TextArea) else widget.value
        for widget in form.query("Input, TextArea, Select, Checkbox")
        if widget.id
    }


async def names_each_bad_field(
    pilot: Pilot, form: FormModal, cases: Iterable[tuple[dict[str, Any], str, str]]
) -> None:
    """For each (values, field id, message): Submit shows the message under that field and
    focuses it; nothing is ever sent."""
    for values, field, message in cases:
        await fill(pilot, values)
        assert "complete the form" in str(form.query_one("#form-preview").render()), values
        await submit(pilot)
        assert message in error_of(form, field), values
        assert pilot.app.focused is not None and pilot.app.focused.id == field
    assert form.sent == 0 and pilot.app.screen is form


async def fails_then_sends_once(
    pilot: Pilot, emulator: Emulator, form: FormModal, method: str, calls: Requests
) -> None:
    """First `method` fails with 500: the form stays open with the error and every value as
    it was. Then, while the next request is held in flight, Submit is disabled, and a
    second click and Ctrl+J make no second request."""
    emulator.faults.update({"error_status": 500, "fail_next": 10, "methods": [method]})
    typed = field_values(form)
    sent = form.sent
    await submit(pilot)
    await wait_for(pilot, lambda: form.sent == sent + 1 and not form.sending)
    assert "500" in form_error(form)
    assert pilot.app.screen is form and field_values(form) == typed
    submit_button = form.query_one("#form-submit", Button)
    assert not submit_button.disabled
    emulator.faults.update({"fail_next": 0, "methods": None})
    failed = calls[method]
    gate = calls.gate = asyncio.Event()
    await submit(pilot)
    assert submit_button.disabled
    await pilot.click(submit_button)
    await press(pilot, "ctrl+j", "enter")  # focus is on nothing, not on Cancel
    await wait_for(pilot, lambda: calls[method] == failed + 1)
    assert form.sending and form.sent == sent + 2 and pilot.app.screen is form
    gate.set()
    calls.gate = None
    await wait_for(pilot, lambda: not form.sending and calls.in_flight == 0)
    await pilot.pause()  # what the held polls brought is handled before the test goes on
    assert calls[method] == failed + 1


async def refused_in_read_only(
    make_app: Callable[..., SlyApp],
    emulator: Emulator,
    key: str,
    *writes: Callable[[SlyClient], Awaitable[Any]],
) -> None:
    """In read-only mode the key opens nothing, the action is disabled and a notification
    says why; the client itself refuses each write before sending anything."""
    app = make_app(team_id=101, workspace_id=201, clock=emulator.clock.now, read_only=True)
    notes = Notes()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        screen = app.screen
        assert isinstance(screen, TaskListScreen)
        await wait_for(pilot, lambda: screen.loaded)
        action = next(a for a in actions.ACTIONS if a.key == key)
        assert not screen.check_action("act", (action.id,))
        await press(pilot, key)
        assert app.screen is screen
        said = notes.messages
        assert said == [
            f"Read-only mode: {action.label} is disabled (nothing is changed on the server)."
        ]
    sent: list[object] = []
    async with read_only_client(emulator, sent) as client:
        for write in writes:
            with pytest.raises(ReadOnlyError):
                await write(client)
    assert sent == []


async def viewer_lacks_rights(
    make_app: Callable[..., SlyApp],
    emulator: Emulator,
    task_id: int,
    key: str,
    form_class: type[FormModal],
    values: dict[str, Any],
) -> None:
    """Signed in as the viewer, the server refuses the write (403); the form says the
    token lacks rights and stays open."""
    app = make_app(team_id=101, workspace_id=201, token=emulator.viewer_token)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(pilot, task_id, key, form_class)
        await fill(pilot, values)
        await submit(pilot)
        await wait_for(pilot, lambda: "lacks rights" in form_error(form))
        assert app.screen is form


# --- the set-output form ------------------------------------------------------------------


@pytest.fixture
def app(make_app: Callable[..., SlyApp], emulator: Emulator) -> SlyApp:
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


def shown(form: FormModal, group_id: str) -> bool:
    return any(group.display for group in form.query(f"#{group_id}"))


def output_of(emulator: Emulator, task_id: int) -> Any:
    return emulator.world.tasks[task_id].meta.get("output")


GREEN_FILE_ICON = {"color": "#33c94c", "backgroundColor": "#d9f7e4"}

# kind, what is typed (widget id without the `output-<kind>-` prefix), what the server holds
KIND_CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("project", {"project-id": "601"}, {"project": {"id": 601, "title": "Street scenes"}}),
    (
        "project",
        {"project-id": "602", "project-name": "Pallets", "project-preview": "/p.png"},
        {"project": {"id": 602, "title": "Pallets", "preview": "/p.png"}},
    ),
    (
        "report",
        {"file-id": "801", "file-name": "quality.html"},
        {
            "general": {
                "title": "quality.html",
                "titleUrl": "/files/801",
                "description": "Report",
                "icon": {"className": "zmdi zmdi-receipt", **GREEN_FILE_ICON},
            }
        },
    ),
    (
        "archive",
        {"file-id": "802", "file-name": "street.tar"},
        {
            "general": {
                "title": "street.tar",
                "titleUrl": "/team-files/101/exports/street_scenes.tar",
                "download": True,
                "description": "Download archive",
                "icon": {"className": "zmdi zmdi-archive"},
            }
        },
    ),
    (
        "file",
        {
            "file-id": "804",
            "file-name": "batch.zip",
            "file-url": "/dl/batch.zip",
            "download": False,
        },
        {
            "general": {
                "title": "batch.zip",
                "titleUrl": "/dl/batch.zip",
                "download": False,
                "description": "Download file",
                "icon": {"className": "zmdi zmdi-file"},
            }
        },
    ),
    (
        "directory",
        {"file-id": "803", "directory-path": "/experiments/yolov8/"},
        {
            "general": {
                "title": "/experiments/yolov8/",
                "titleUrl": "/files/803",
                "description": "Directory",
                "icon": {"className": "zmdi zmdi-folder"},
            }
        },
    ),
    (
        "error",
        {"title": "Out of memory", "description": "batch too large"},
        {
            "general": {
                "title": "Out of memory",
                "description": "batch too large",
                "isError": True,
                "showLogs": True,
                "icon": {"className": "zmdi zmdi-alert-octagon"},
            }
        },
    ),
    (
        "text",
        {"title": "Looks good", "zmdi-icon": "zmdi-check", "icon-color": "#112233"},
        {
            "general": {
                "title": "Looks good",
                "isError": False,
                "showLogs": False,
                "icon": {
                    "className": "zmdi zmdi-check",
                    "color": "#112233",
                    "backgroundColor": "#d9f7e4",
                },
            }
        },
    ),
]


async def test_every_kind_is_stored_as_the_sdk_writes_it(app: SlyApp, emulator: Emulator) -> None:
    task_id = finished_task(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        for kind, typed, stored in KIND_CASES:
            form = await open_form(pilot, task_id, "o", SetOutputModal)
            await fill(pilot, {"output-kind": kind})
            await fill(pilot, {f"output-{kind}-{key}": value for key, value in typed.items()})
            assert "Will send tasks.output.set" in screen_text(pilot)
            await submit(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
            assert form.sent == 1
            output = output_of(emulator, task_id)
            assert includes(output, stored), (kind, output)
            assert set(output) == set(stored)  # one kind, nothing left of the one before


async def test_only_the_chosen_kind_shows_and_typed_values_survive_a_switch(
    app: SlyApp, emulator: Emulator
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(pilot, running_task(emulator), "o", SetOutputModal)
        assert app.focused is not None and app.focused.id == "output-kind"
        await type_into(pilot, "output-project-project-id", "601")
        assert shown(form, "output-project") and not shown(form, "output-error")
        await fill(pilot, {"output-kind": "error"})
        assert shown(form, "output-error") and not shown(form, "output-project")
        assert form.checked("output-error-show-logs") is True  # on by default for errors
        await fill(pilot, {"output-kind": "text"})
        assert form.checked("output-text-show-logs") is False  # off by default for text
        await fill(pilot, {"output-kind": "project"})
        assert form.value("output-project-project-id") == "601"
        assert '"project_id": 601' in screen_text(pilot)


async def test_output_shows_in_the_detail_view_after_the_next_poll(
    app: SlyApp, emulator: Emulator
) -> None:
    task_id = running_task(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        detail = await open_detail(pilot, task_id)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, SetOutputModal))
        await fill(pilot, {"output-kind": "directory"})
        await fill(pilot, {"output-directory-file-id": "803"})
        await fill(pilot, {"output-directory-directory-path": "/experiments/run-7/"})
        await submit(pilot)
        await wait_for(pilot, lambda: app.screen is detail)
        outputs = detail.query_one("#outputs")
        await wait_for(pilot, lambda: "/experiments/run-7/" in str(outputs.render()))
        assert "directory: /experiments/run-7/" in str(outputs.render())


# kind, what is typed, the field that is wrong, what it says
BAD_FIELDS: list[tuple[str, dict[str, str], str, str]] = [
    ("project", {}, "project-project-id", "Enter the project id."),
    ("project", {"project-id": "abc"}, "project-project-id", "positive whole number"),
    ("project", {"project-id": "0"}, "project-project-id", "positive whole number"),
    ("project", {"project-id": "-4"}, "project-project-id", "positive whole number"),
    (
        "project",
        {"project-id": "601", "project-preview": "/p.png"},
        "project-project-preview",
        "Give the project name too.",
    ),
    ("report", {"file-name": "r.html"}, "report-file-id", "Enter the team file id."),
    ("report", {"file-id": "801"}, "report-file-name", "Enter the file name."),
    ("archive", {"file-id": "8O1", "file-name": "a"}, "archive-file-id", "whole number"),
    ("directory", {"file-id": "803"}, "directory-directory-path", "Enter the directory"),
    ("error", {"title": "   "}, "error-title", "Enter the title."),
    ("text", {"title": "t", "icon-color": "green"}, "text-icon-color", "like #33c94c"),
    ("text", {"title": "t", "zmdi-icon": "fa-x"}, "text-zmdi-icon", "zmdi-comment-alt"),
]


async def test_bad_fields_are_named_and_nothing_is_sent(app: SlyApp, emulator: Emulator) -> None:
    task_id = finished_task(emulator)
    before = output_of(emulator, task_id)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(pilot, task_id, "o", SetOutputModal)
        for kind in KINDS:  # every kind's fields, mounted
            await fill(pilot, {"output-kind": kind})
        cases = []
        for kind, typed, field, message in BAD_FIELDS:
            blank = {e.widget_id(kind): "" for e in KINDS[kind].entries if e.flag is None}
            values = {f"output-{kind}-{key}": value for key, value in typed.items()}
            cases.append(({"output-kind": kind, **blank, **values}, f"output-{field}", message))
        await names_each_bad_field(pilot, form, cases)
    assert output_of(emulator, task_id) == before


async def test_unknown_project_is_the_servers_answer_in_the_form(
    app: SlyApp, emulator: Emulator
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(pilot, finished_task(emulator), "o", SetOutputModal)
        await fill(pilot, {"output-project-project-id": "99999"})
        await submit(pilot)
        await sent_and_settled(pilot, form)
        assert "99999" in form_error(form) and "does not exist" in form_error(form)
        assert app.screen is form


async def test_server_error_then_one_send_per_press(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    app, calls = dashboard(make_app, emulator)
    task_id = finished_task(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(pilot, task_id, "o", SetOutputModal)
        await fill(pilot, {"output-kind": "error"})
        await fill(pilot, {"output-error-title": "Disk full", "output-error-show-logs": False})
        await fails_then_sends_once(pilot, emulator, form, "tasks.output.set", calls)
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    general = output_of(emulator, task_id)["general"]
    assert general["title"] == "Disk full" and general["showLogs"] is False


async def test_hostile_text_is_sent_verbatim_and_shown_literally(
    app: SlyApp, emulator: Emulator
) -> None:
    task_id = finished_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot, task_id, "o", SetOutputModal)
        await fill(pilot, {"output-kind": "text"})
        await fill(pilot, {"output-text-title": HOSTILE, "output-text-description": HOSTILE})
        preview = str(app.screen.query_one("#form-preview").render())
        assert "[bold]x[/]" in preview and "[@click=app.quit]y[/]" in preview
        assert "\x1b" not in preview and "\x07" not in preview
        await submit(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    general = output_of(emulator, task_id)["general"]
    assert general["title"] == HOSTILE and general["description"] == HOSTILE


async def test_read_only_hides_the_key_and_the_client_refuses(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    task_id = finished_task(emulator)
    await refused_in_read_only(
        make_app,
        emulator,
        "o",
        lambda client: client.tasks.set_output_project(task_id, 601),  # no look-up either
        lambda client: client.tasks.set_output_archive(task_id, 802, "a.tar"),
        lambda client: client.tasks.set_output_text(task_id, "t"),
    )


async def test_viewer_token_is_told_it_lacks_rights(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    task_id = finished_task(emulator)
    before = output_of(emulator, task_id)
    values = {"output-project-project-id": "601", "output-project-project-name": "P"}
    await viewer_lacks_rights(make_app, emulator, task_id, "o", SetOutputModal, values)
    assert output_of(emulator, task_id) == before


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_every_field_comes_into_view(app: SlyApp, emulator: Emulator, size) -> None:
    async with app.run_test(size=size) as pilot:
        form = await open_form(pilot, running_task(emulator), "o", SetOutputModal)
        await fill(pilot, {"output-kind": "error"})
        form.query_one("#output-kind").focus()
        await every_field_comes_into_view(pilot, form)


def test_set_output_modal_snapshot(snap_compare, app: SlyApp, emulator: Emulator) -> None:
    task_id = running_task(emulator)

    async def open_text_kind(pilot: Pilot) -> None:
        await open_form(pilot, task_id, "o", SetOutputModal)
        await fill(pilot, {"output-kind": "text"})
        await fill(pilot, {"output-text-title": "Training done", "output-text-show-logs": True})
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_text_kind)
