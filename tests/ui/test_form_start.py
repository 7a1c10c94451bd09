"""The start-app form against the emulator: what reaches the server, validation, failures,
one send per press, read-only, 403, lists that fail to load, and a snapshot at 80x24."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from textual.widgets import Input, OptionList, Select, TextArea

from sly_tui.api import ReadOnlyError
from sly_tui.config import Settings
from sly_tui.demo import Emulator
from sly_tui.secrets import Secret
from sly_tui.ui.app import SlyApp
from sly_tui.ui.forms.base import FormModal
from sly_tui.ui.forms.start import LaunchModal, ModulePicker, StartAppModal
from sly_tui.ui.screens.task_detail import TaskDetailScreen
from sly_tui.ui.screens.task_list import TaskListScreen

from ..lossy import LosingProxy
from .helpers import Notes, click, every_field_comes_into_view, press, screen_text, settle, wait_for
from .test_form_output import dashboard

TRAIN_YOLO = 405  # supervisely-ecosystem/train-yolov8, modalTemplateState has "epochs"
IMPORT_IMAGES = 401  # supervisely-ecosystem/import-images, has "slyFolder"
F = TypeVar("F", bound=LaunchModal)


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


# --- helpers shared with the legacy and agents tests --------------------------------------


async def list_loaded(pilot) -> TaskListScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.loaded)
    return screen


async def form_ready(pilot, kind: type[F]) -> F:
    """The form on top, once every list it fills has arrived (or failed)."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind))
    form = pilot.app.screen
    await wait_for(pilot, lambda: not form.lists_loading)
    await settle(pilot)
    return form


async def type_into(pilot, form: FormModal, field_id: str, text: str) -> None:
    """Replace a text field's content (as a paste would: one Changed message, not one per key)."""
    widget = form.query_one(f"#{field_id}")
    widget.focus()
    if isinstance(widget, TextArea):
        widget.load_text(text)
    else:
        widget.value = text
    await settle(pilot)


def field_error(form: FormModal, field_id: str) -> str:
    """The message under a field ('' when it has none)."""
    field = form.query_one(f"#field-{field_id}")
    return str(field.query_one(".field--error").content) if field.has_class("-invalid") else ""


def viewer_app(emulator: Emulator, tmp_path: Path) -> SlyApp:
    """Signed in as the viewer, whom the server refuses every write (403); `make_app`
    always uses the admin's token."""
    settings = Settings(
        server="http://emulator.test",
        token=Secret(emulator.viewer_token),
        team_id=101,
        workspace_id=201,
    )
    return SlyApp(
        settings,
        transport=httpx.ASGITransport(app=emulator.app),
        cache_dir=tmp_path / "cache",
        remember=False,
        interval=60,
    )


async def submit_fails(pilot, form: FormModal, field_id: str, *words: str) -> None:
    """Submitting shows a message with `words` under the field, and sends nothing."""
    await pilot.press("ctrl+j")  # the form's submit key, from any field
    await settle(pilot)
    message = field_error(form, field_id)
    assert all(word in message for word in words), message
    assert form.sent == 0 and pilot.app.screen is form


async def refused_for_lack_of_rights(pilot, form: FormModal) -> None:
    """Signed in as the viewer: the server's 403 is explained and the form stays open."""
    await click(pilot, "#form-submit")
    await wait_for(pilot, lambda: "lacks rights" in str(form.query_one("#form-error").content))
    assert pilot.app.screen is form


async def key_is_refused(pilot, key: str, action_id: str) -> None:
    """Read-only: the action is hidden from the footer and its key opens nothing."""
    screen = await list_loaded(pilot)
    assert screen.check_action("act", (action_id,)) is False
    await press(pilot, key)
    assert pilot.app.screen is screen


def new_task_ids(emulator: Emulator, before: set[int]) -> list[int]:
    return sorted(set(emulator.world.tasks) - before)


async def opened_new_task(pilot, emulator: Emulator, before: set[int], notes: Notes) -> int:
    """Exactly one task was created, it was announced, and its detail view is on top."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
    (task_id,) = new_task_ids(emulator, before)
    assert app.screen.task_id == task_id
    assert notes.said(str(task_id))
    return task_id


# --- start ---------------------------------------------------------------------------------


async def open_start(pilot) -> StartAppModal:
    await list_loaded(pilot)
    await pilot.press("a")
    return await form_ready(pilot, StartAppModal)


async def choose_module(pilot, form: StartAppModal, text: str, module_id: int) -> None:
    """Filter the module list by `text`; the first match is chosen and its params arrive."""
    await type_into(pilot, form, "module-filter", text)
    picker = form.query_one(ModulePicker)
    await wait_for(pilot, lambda: picker.module is not None and picker.module.id == module_id)
    await wait_for(pilot, lambda: form.module_info is not None)
    await settle(pilot)


async def complete_start(pilot) -> StartAppModal:
    """The form open with what a start needs: agent 301 and Train YOLOv8."""
    form = await open_start(pilot)
    form.query_one("#agent", Select).value = 301
    await choose_module(pilot, form, "train-yolov8", TRAIN_YOLO)
    return form


async def test_start_reaches_the_server_and_opens_the_new_task(app, emulator: Emulator):
    before = set(emulator.world.tasks)
    notes = Notes()
    async with app.run_test(size=(100, 40), message_hook=notes) as pilot:
        form = await open_start(pilot)
        assert form.choice("workspace") == 201  # the current workspace by default
        form.query_one("#agent", Select).value = 301
        await choose_module(pilot, form, "train-yolov8", TRAIN_YOLO)
        params = json.loads(form.value("params"))
        assert params["state"]["epochs"] == 20  # from modalTemplateState
        assert form.query_one("#app-version", Input).placeholder == "latest: v1.4.3"
        params["state"]["epochs"] = 5
        await type_into(pilot, form, "params", json.dumps(params))
        await type_into(pilot, form, "task-name", "nightly [bold]run[/]")
        await type_into(pilot, form, "description", "from the dashboard")
        await type_into(pilot, form, "app-version", "v1.4.2")
        await type_into(pilot, form, "users", "3, 4")
        form.query_one("#log-level", Select).value = "debug"
        form.query_one("#restart-policy", Select).value = "on_error"
        await settle(pilot)
        preview = str(form.query_one("#form-preview").content)
        assert "tasks.run.app" in preview and '"epochs": 5' in preview
        assert form.build().arguments["users_ids"] == [3, 4]  # the emulator does not keep them
        await click(pilot, "#form-submit")
        task_id = await opened_new_task(pilot, emulator, before, notes)
    task = emulator.world.tasks[task_id]
    assert (task.module_id, task.agent_id, task.workspace_id) == (TRAIN_YOLO, 301, 201)
    assert task.name == "nightly [bold]run[/]"
    assert task.description == "from the dashboard"
    assert task.meta["params"] == {"state": params["state"]}
    assert task.meta["app"]["logLevel"] == "debug"
    assert task.meta["app"]["version"] == "v1.4.2"
    assert task.meta["restartPolicy"] == "on_error"


async def test_agents_show_status_and_the_preselected_one_is_chosen(make_app, emulator):
    from sly_tui.ui.targets import Target

    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(100, 40)) as pilot:
        await list_loaded(pilot)
        app.push_screen(StartAppModal(Target(team_id=101, workspace_id=201, agent_id=302)))
        form = await form_ready(pilot, StartAppModal)
        assert form.choice("agent") == 302
        assert "(waiting)" in screen_text(pilot)  # a waiting agent is allowed, and marked
        menu = form.query_one("#agent", Select).query_one(OptionList)  # its drop-down
        labels = [str(option.prompt) for option in menu.options]
        assert any("gpu-node-1" in label and "running" in label for label in labels)


async def test_params_prefill_never_replaces_what_the_user_typed(app):
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_start(pilot)
        await choose_module(pilot, form, "import-images", IMPORT_IMAGES)
        assert "slyFolder" in form.value("params")
        # untouched: choosing another module replaces the prefill
        picker_filter = form.query_one("#module-filter", Input)
        picker_filter.value = ""
        await choose_module(pilot, form, "train-yolov8", TRAIN_YOLO)
        assert "epochs" in form.value("params") and "slyFolder" not in form.value("params")
        # edited: the user's text stays
        await type_into(pilot, form, "params", '{"state": {"mine": true}}')
        picker_filter.value = ""
        await choose_module(pilot, form, "import-images", IMPORT_IMAGES)
        assert form.value("params") == '{"state": {"mine": true}}'


async def test_module_filter_matches_name_or_slug_and_enter_does_not_send(app, emulator):
    before = set(emulator.world.tasks)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_start(pilot)
        picker = form.query_one(ModulePicker)
        assert picker.module is None  # nothing is chosen for the user
        await type_into(pilot, form, "module-filter", "pascal")
        await wait_for(pilot, lambda: picker.module is not None and picker.module.id == 404)
        await type_into(pilot, form, "module-filter", "zzz")
        await wait_for(pilot, lambda: picker.module is None)
        await type_into(pilot, form, "module-filter", "")
        await pilot.press("down", "down")  # from the filter, through the list
        await wait_for(pilot, lambda: picker.module is not None and picker.module.id == 410)
        assert form.focused.id == "module-filter"
        await press(pilot, "enter")
        assert form.sent == 0 and isinstance(app.screen, StartAppModal)
    assert new_task_ids(emulator, before) == []


async def test_each_field_is_validated_before_sending(app, emulator: Emulator):
    before = set(emulator.world.tasks)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_start(pilot)

        await submit_fails(pilot, form, "agent", "Choose the agent")
        form.query_one("#agent", Select).value = 301
        await settle(pilot)
        assert not form.query_one("#field-agent").has_class("-invalid")  # gone once chosen
        await submit_fails(pilot, form, "module", "Choose the module")
        await choose_module(pilot, form, "train-yolov8", TRAIN_YOLO)
        await type_into(pilot, form, "params", '{\n  "state": {"epochs": 5,}\n}')
        await submit_fails(pilot, form, "params", "line 2", "column")
        await type_into(pilot, form, "params", "[1, 2]")
        await submit_fails(pilot, form, "params", "JSON object")
        await type_into(pilot, form, "params", "")  # empty: the default {"state": {}}
        await type_into(pilot, form, "users", "3, x7")
        await submit_fails(pilot, form, "users", "'x7' is not a user id")
        assert form.value("users") == "3, x7"  # what was typed stays
        form.query_one("#users", Input).value = "0"
        await submit_fails(pilot, form, "users", "'0'")
        form.query_one("#workspace", Select).clear()
        form.query_one("#users", Input).value = ""
        await submit_fails(pilot, form, "workspace", "Choose the workspace")
    assert new_task_ids(emulator, before) == []


async def test_server_error_keeps_the_form_then_it_succeeds(app, emulator: Emulator):
    before = set(emulator.world.tasks)
    notes = Notes()
    async with app.run_test(size=(100, 40), message_hook=notes) as pilot:
        form = await complete_start(pilot)
        await type_into(pilot, form, "task-name", "survives errors")
        emulator.faults.fail_next = 10
        emulator.faults.error_status = 500
        emulator.faults.methods = ["tasks.run.app"]
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: not form.sending)
        assert app.screen is form
        assert "500" in str(form.query_one("#form-error").content)
        assert form.value("task-name") == "survives errors"
        assert not form.query_one("#form-submit").disabled
        emulator.faults.fail_next = 0
        await click(pilot, "#form-submit")
        task_id = await opened_new_task(pilot, emulator, before, notes)
    assert emulator.world.tasks[task_id].name == "survives errors"


async def test_double_enter_sends_once(make_app, emulator: Emulator):
    app, calls = dashboard(make_app, emulator)
    before = set(emulator.world.tasks)
    notes = Notes()
    async with app.run_test(size=(100, 40), message_hook=notes) as pilot:
        form = await complete_start(pilot)
        calls.gate = asyncio.Event()  # requests are held in flight until it opens
        field = form.query_one("#task-name")
        field.focus()
        await wait_for(pilot, lambda: app.focused is field)
        await press(pilot, "enter", "enter")
        assert form.sending and form.query_one("#form-submit").disabled
        await click(pilot, "#form-submit")
        calls.gate.set()
        await opened_new_task(pilot, emulator, before, notes)
        assert form.sent == 1 and calls["tasks.run.app"] == 1


async def test_read_only_hides_the_key_and_the_client_refuses(make_app, emulator):
    before = set(emulator.world.tasks)
    app = make_app(team_id=101, workspace_id=201, read_only=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await key_is_refused(pilot, "a", "start")
        with pytest.raises(ReadOnlyError):
            await app.client.tasks.start(301, module_id=TRAIN_YOLO, workspace_id=201)
    assert new_task_ids(emulator, before) == []


async def test_viewer_token_is_told_it_lacks_rights(emulator: Emulator, tmp_path: Path):
    before = set(emulator.world.tasks)
    app = viewer_app(emulator, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await complete_start(pilot)
        await refused_for_lack_of_rights(pilot, form)
    assert new_task_ids(emulator, before) == []


async def test_a_list_that_fails_to_load_is_explained_not_fatal(app, emulator: Emulator):
    emulator.faults.fail_next = 100
    emulator.faults.methods = ["agents.list", "ecosystem.list"]
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_start(pilot)
        assert "Could not load the agents" in field_error(form, "agent")
        assert "Could not load the modules" in field_error(form, "module")
        assert form.choice("workspace") == 201  # the other lists still work
        await click(pilot, "#form-submit")
        assert "Could not load the agents" in field_error(form, "agent")
        assert form.sent == 0 and app.is_running


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_fields_under_a_long_preview_scroll_into_view(app, size):
    """Choosing a module grows the preview; Task name, Description and the rest must not
    be focused behind it."""
    async with app.run_test(size=size) as pilot:
        form = await complete_start(pilot)
        form.query_one("#agent").focus()
        await every_field_comes_into_view(pilot, form)


# --- snapshot ------------------------------------------------------------------------------


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """The list behind the modal shows times; the snapshot must not depend on the zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def test_start_modal_snapshot(snap_compare, app, utc) -> None:
    async def filled(pilot) -> None:
        form = await complete_start(pilot)
        form.query_one("#agent").focus()
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=filled)


async def test_a_lost_reply_says_which_task_the_server_may_have_started(
    make_app, emulator: Emulator
):
    """Behind a gateway that loses the reply, Start is sent once and the form names the
    task the server started anyway, instead of inviting a second press."""
    transport = LosingProxy(emulator, "tasks.run.app")
    app = make_app(team_id=101, workspace_id=201, transport=transport)
    before = set(emulator.world.tasks)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await complete_start(pilot)
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: not form.sending)
        (created,) = set(emulator.world.tasks) - before
        error = str(form.query_one("#form-error").content)
        assert f"the server may have started it: task {created}." in error
        assert error.endswith("Check the task list before sending it again.")
        assert form.sent == 1 and app.screen is form
