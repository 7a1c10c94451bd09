"""Updating a task's meta, and reading and writing its data fields.

The steps every form test shares (open, fill, the failure and read-only checks) are
`kit`, the first part of `test_form_output`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Select

from sly_tui.api import ReadOnlyError, SlyClient
from sly_tui.demo import Emulator
from sly_tui.demo.taskdata import get_value
from sly_tui.ui.app import SlyApp
from sly_tui.ui.forms.data import READ_ONLY_NOTE, DataFieldsModal
from sly_tui.ui.forms.meta import UpdateMetaModal
from sly_tui.ui.screens.task_list import TaskListScreen

from . import test_form_output as kit
from .helpers import screen_text, settle, wait_for


@pytest.fixture
def app(make_app: Callable[..., SlyApp], emulator: Emulator) -> SlyApp:
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


def meta_of(emulator: Emulator, task_id: int) -> dict[str, Any]:
    return emulator.world.tasks[task_id].meta


def data_of(emulator: Emulator, task_id: int) -> dict[str, Any]:
    return emulator.world.tasks[task_id].data


# --- meta ---------------------------------------------------------------------------------


async def test_meta_update_from_the_detail_view_renames_the_task(
    app: SlyApp, emulator: Emulator
) -> None:
    task_id = kit.running_task(emulator)
    name = meta_of(emulator, task_id)["name"]
    async with app.run_test(size=(100, 30)) as pilot:
        detail = await kit.open_detail(pilot, task_id)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, UpdateMetaModal))
        form = app.screen
        assert isinstance(form, UpdateMetaModal)
        assert form.value("meta-json") == f'{{\n  "name": "{name}"\n}}'  # starts from the name
        await kit.fill(
            pilot,
            {
                "meta-json": '{"name": "renamed by ops", "note": {"by": "ops"}}',
                "meta-host-dir": "/sly-app-data",
                "meta-folder": "train/run-4",
            },
        )
        assert "Will send tasks.meta.update" in screen_text(pilot)
        await kit.submit(pilot)
        await wait_for(pilot, lambda: app.screen is detail)
        title = detail.query_one("#title")
        await wait_for(pilot, lambda: "renamed by ops" in str(title.render()))
    meta = meta_of(emulator, task_id)
    assert meta["name"] == "renamed by ops" and meta["note"] == {"by": "ops"}
    assert meta["agentStorageFolder"] == {"hostDir": "/sly-app-data", "folder": "train/run-4"}
    assert "app" in meta and "params" in meta  # keys not given stay


# meta text, host dir, folder, the field that is wrong, what it says
BAD_META: list[tuple[str, str, str, str, str]] = [
    ('{\n  "name": "x",\n}', "", "", "meta-json", "line 3, column 1"),
    ('{"name": "x"', "", "", "meta-json", "line 1, column 13"),
    ("", "", "", "meta-json", "Enter a JSON object."),
    ('["name"]', "", "", "meta-json", "Expected a JSON object"),
    ('{"id": 5}', "", "", "meta-json", "'id' names the task"),
    ("{}", "", "", "meta-json", "Nothing to update"),
    ('{"x": NaN}', "", "", "meta-json", "NaN is not allowed in JSON"),
    ('{"x": 1e999}', "", "", "meta-json", "too large to send"),
    ('{"x": "\\udc80"}', "", "", "meta-json", "unpaired surrogate \\udc80"),
    ('{"x": ' + "[" * 5000 + "]" * 5000 + "}", "", "", "meta-json", "deeper than 100 levels"),
    ('{"a": 1}', "/data", "", "meta-folder", "both the host dir and the app folder"),
    ('{"a": 1}', "", "app", "meta-host-dir", "both the host dir and the app folder"),
    ('{"a": 1}', "data", "app", "meta-host-dir", "absolute path"),
    ('{"a": 1}', "/data", "../etc", "meta-folder", "inside the host dir"),
    ('{"a": 1}', "/data", "/etc", "meta-folder", "inside the host dir"),
]


async def test_bad_meta_is_named_and_nothing_is_sent(app: SlyApp, emulator: Emulator) -> None:
    task_id = kit.finished_task(emulator)
    before = dict(meta_of(emulator, task_id))
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, task_id, "m", UpdateMetaModal)
        cases = [
            ({"meta-json": text, "meta-host-dir": host_dir, "meta-folder": folder}, field, message)
            for text, host_dir, folder, field, message in BAD_META
        ]
        await kit.names_each_bad_field(pilot, form, cases)
    assert meta_of(emulator, task_id) == before


async def test_values_typed_across_a_tab_in_one_burst_land_in_their_fields(
    app: SlyApp, emulator: Emulator
) -> None:
    """A paste or tmux send-keys delivers value, Tab, value in one read: the Tab moves
    focus before the second value's keys are handed to a field."""
    from textual import events
    from textual.widgets import Input

    task_id = kit.finished_task(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, task_id, "m", UpdateMetaModal)
        host_dir = form.query_one("#meta-host-dir", Input)
        host_dir.focus()
        await settle(pilot)
        for char in [*"/data", "\t", *"app"]:
            key = "tab" if char == "\t" else char
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert (form.value("meta-host-dir"), form.value("meta-folder")) == ("/data", "app")


async def test_meta_server_error_then_one_send_per_press(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    app, calls = kit.dashboard(make_app, emulator)
    task_id = kit.finished_task(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, task_id, "m", UpdateMetaModal)
        await kit.fill(pilot, {"meta-json": '{"owner": "ops"}'})
        await kit.fails_then_sends_once(pilot, emulator, form, "tasks.meta.update", calls)
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    assert meta_of(emulator, task_id)["owner"] == "ops"


async def test_meta_text_is_literal_both_ways(app: SlyApp, emulator: Emulator) -> None:
    """A name with escapes starts as `\\u` escapes (same value, nothing acts on the
    terminal); a hostile value typed in is stored exactly and previewed literally."""
    task_id = kit.finished_task(emulator)
    meta_of(emulator, task_id)["name"] = "run \x1b[31mred\u202e"
    async with app.run_test(size=(120, 40)) as pilot:
        form = await kit.open_form(pilot, task_id, "m", UpdateMetaModal)
        assert form.value("meta-json") == '{\n  "name": "run \\u001b[31mred\\u202e"\n}'
        await kit.fill(pilot, {"meta-json": json.dumps({"name": kit.HOSTILE})})
        preview = str(form.query_one("#form-preview").render())
        assert "[bold]x[/]" in preview and "\x1b" not in preview
        await kit.submit(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
    assert meta_of(emulator, task_id)["name"] == kit.HOSTILE


async def test_meta_read_only(make_app: Callable[..., SlyApp], emulator: Emulator) -> None:
    task_id = kit.finished_task(emulator)

    async def write(client: SlyClient) -> None:
        await client.tasks.update_meta(task_id, {"name": "x"})

    await kit.refused_in_read_only(make_app, emulator, "m", write)


async def test_meta_viewer_lacks_rights(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    task_id = kit.finished_task(emulator)
    values = {"meta-json": '{"name": "x"}'}
    await kit.viewer_lacks_rights(make_app, emulator, task_id, "m", UpdateMetaModal, values)
    assert meta_of(emulator, task_id)["name"] != "x"


# --- data fields --------------------------------------------------------------------------


async def test_get_shows_the_value_as_json_and_the_form_stays(
    app: SlyApp, emulator: Emulator
) -> None:
    task_id = kit.finished_task(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, task_id, "d", DataFieldsModal)
        assert app.focused is not None and app.focused.id == "data-path"
        await kit.type_into(pilot, "data-path", "data.progress")
        assert "Will send tasks.data.get" in screen_text(pilot)
        await pilot.press("enter")
        await kit.sent_and_settled(pilot, form)
        assert app.focused is not None and app.focused.id == "data-path"  # edit, send again
        answer = kit.answer_of(form)
        assert answer.startswith("data.progress is:")
        assert '"percent": 100' in answer
        assert isinstance(app.screen, DataFieldsModal)
        await kit.fill(pilot, {"data-path": "state.nothing.here[3]"})
        await kit.submit(pilot)
        await wait_for(pilot, lambda: "state.nothing.here[3] is:\nnull" in kit.answer_of(form))


# path, payload, mode, what the field holds afterwards
WRITES: list[tuple[str, str, str, Any]] = [
    ("state.extra", '{"a": {"x": 1}}', "replace", {"a": {"x": 1}}),
    ("state.extra", '{"a": {"y": 2}}', "merge", {"a": {"x": 1, "y": 2}}),
    ("state.extra", '{"a": {"z": 3}, "b": 1}', "append", {"a": {"z": 3}, "b": 1}),
    ("state.items", "[1]", "replace", [1]),
    ("state.items", "[2, 3]", "append", [1, 2, 3]),
    ("state.items[0]", '"first"', "replace", "first"),
]


async def test_set_writes_each_mode_and_reads_back(app: SlyApp, emulator: Emulator) -> None:
    task_id = kit.finished_task(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, task_id, "d", DataFieldsModal)
        assert not form.query_one("#field-data-payload").display  # Get needs no payload
        await kit.fill(pilot, {"data-action": "set"})
        assert form.query_one("#field-data-payload").display
        assert str(form.query_one("#form-submit").label) == "Set"
        for number, (path, payload, mode, expected) in enumerate(WRITES, 1):
            await kit.fill(pilot, {"data-path": path, "data-payload": payload, "data-mode": mode})
            assert "Will send tasks.data.set, then tasks.data.get" in screen_text(pilot)
            await kit.submit(pilot)
            await wait_for(pilot, lambda n=number: form.sent == n and not form.sending)
            assert kit.answer_of(form) == f"{path} is now:\n{json.dumps(expected, indent=2)}"
            assert get_value(data_of(emulator, task_id), path) == expected
            assert kit.form_error(form) == ""  # no "Sending…" left behind
        assert isinstance(app.screen, DataFieldsModal)
    state = data_of(emulator, task_id)["state"]
    assert state["extra"] == {"a": {"z": 3}, "b": 1}
    assert state["items"] == ["first", 2, 3]
    assert state["run"] == 152  # the rest of the state is untouched


# path, payload, mode, the field that is wrong, what it says
BAD_DATA: list[tuple[str, str, str, str, str]] = [
    ("", "1", "replace", "data-path", "Enter the field path."),
    ("state..x", "1", "replace", "data-path", "keys joined by dots"),
    ("state[x]", "1", "replace", "data-path", "keys joined by dots"),
    ("state.x", "", "replace", "data-payload", "Enter a JSON value."),
    ("state.x", '{\n  "a": tru\n}', "replace", "data-payload", "line 2, column 8"),
    ("state.x", "[1]", "merge", "data-payload", "A deep merge takes a JSON object."),
]


async def test_bad_data_is_named_and_nothing_is_sent(app: SlyApp, emulator: Emulator) -> None:
    task_id = kit.finished_task(emulator)
    before = data_of(emulator, task_id)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, task_id, "d", DataFieldsModal)
        await kit.fill(pilot, {"data-action": "set"})
        cases = [
            ({"data-path": path, "data-payload": payload, "data-mode": mode}, field, message)
            for path, payload, mode, field, message in BAD_DATA
        ]
        await kit.names_each_bad_field(pilot, form, cases)
    assert data_of(emulator, task_id) == before


async def test_data_server_error_then_one_send_per_press(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    app, calls = kit.dashboard(make_app, emulator)
    task_id = kit.finished_task(emulator)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, task_id, "d", DataFieldsModal)
        await kit.fill(pilot, {"data-action": "set"})
        await kit.fill(pilot, {"data-path": "state.flag", "data-payload": "true"})
        await kit.fails_then_sends_once(pilot, emulator, form, "tasks.data.set", calls)
        assert kit.answer_of(form).startswith("state.flag is now:\ntrue")
        assert app.screen is form
    assert data_of(emulator, task_id)["state"]["flag"] is True


async def test_read_only_reads_but_refuses_writes(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    task_id = kit.finished_task(emulator)
    before = data_of(emulator, task_id)
    app = make_app(team_id=101, workspace_id=201, clock=emulator.clock.now, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await kit.open_form(pilot, task_id, "d", DataFieldsModal)  # reading is allowed
        assert READ_ONLY_NOTE in screen_text(pilot)
        action = form.query_one("#data-action", Select)
        assert action.disabled and action.value == "get"
        assert not form.query("#data-payload")  # nothing to write with
        await kit.fill(pilot, {"data-path": "state.run"})
        await kit.submit(pilot)
        await wait_for(pilot, lambda: kit.answer_of(form).startswith("state.run is:\n152"))
    sent: list[object] = []
    async with kit.read_only_client(emulator, sent) as client:
        with pytest.raises(ReadOnlyError):
            await client.tasks.set_field(task_id, "state.run", 1)
        assert sent == []
        assert await client.tasks.get_field(task_id, "state.run") == 152
    assert data_of(emulator, task_id) == before


async def test_viewer_lacks_rights_to_write_data(
    make_app: Callable[..., SlyApp], emulator: Emulator
) -> None:
    task_id = kit.finished_task(emulator)
    before = data_of(emulator, task_id)
    values = {"data-action": "set", "data-path": "state.run", "data-payload": "1"}
    await kit.viewer_lacks_rights(make_app, emulator, task_id, "d", DataFieldsModal, values)
    assert data_of(emulator, task_id) == before


async def test_hostile_payload_is_stored_verbatim_and_answered_literally(
    app: SlyApp, emulator: Emulator
) -> None:
    task_id = kit.finished_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await kit.open_form(pilot, task_id, "d", DataFieldsModal)
        await kit.fill(pilot, {"data-action": "set"})
        payload = json.dumps({"t": kit.HOSTILE})
        await kit.fill(pilot, {"data-path": "state.note", "data-payload": payload})
        await kit.submit(pilot)
        await kit.sent_and_settled(pilot, form)
        answer = kit.answer_of(form)
        assert "[bold]x[/]" in answer and "[@click=app.quit]y[/]" in answer
        assert "\x1b" not in answer and "\x07" not in answer
        assert "[bold]x[/]" in screen_text(pilot)
    assert data_of(emulator, task_id)["state"]["note"] == {"t": kit.HOSTILE}
