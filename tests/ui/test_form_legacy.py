"""The legacy runs: the menu, train/inference, DTL, deploy (waiting and not), detached task.

Each run is checked by reading the created task back from the emulator's world, then the
failures every form must survive: validation, a 500 mid-submit, a double press, read-only
and the viewer's 403.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import OptionList, Select

from sly_tui.api import ReadOnlyError
from sly_tui.demo import Emulator
from sly_tui.enums import Status
from sly_tui.ui.forms.legacy import (
    DeployModal,
    DetachedModal,
    DtlModal,
    LegacyMenu,
    PluginRunModal,
)
from sly_tui.ui.forms.start import LaunchModal

from .helpers import Notes, click, every_field_comes_into_view, press, screen_text, settle, wait_for
from .test_form_output import dashboard
from .test_form_start import (
    field_error,
    form_ready,
    key_is_refused,
    list_loaded,
    new_task_ids,
    opened_new_task,
    refused_for_lack_of_rights,
    submit_fails,
    type_into,
    viewer_app,
)

ENTRY = {"train": 0, "inference": 1, "dtl": 2, "deploy": 3, "deploy-async": 4, "detached": 5}
FORM = {
    "train": PluginRunModal,
    "inference": PluginRunModal,
    "dtl": DtlModal,
    "deploy": DeployModal,
    "deploy-async": DeployModal,
    "detached": DetachedModal,
}


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


async def open_legacy(pilot, entry: str) -> LaunchModal:
    """`T`, then the entry, by keys; the form replaces the menu."""
    await list_loaded(pilot)
    await pilot.press("T")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LegacyMenu))
    await pilot.press(*["down"] * ENTRY[entry], "enter")
    form = await form_ready(pilot, FORM[entry])
    assert not any(isinstance(screen, LegacyMenu) for screen in pilot.app.screen_stack)
    return form


def choose(form: LaunchModal, **values: int) -> None:
    for field_id, value in values.items():
        form.query_one(f"#{field_id}", Select).value = value


async def test_menu_lists_every_run_and_escape_closes_it(app):
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await list_loaded(pilot)
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, LegacyMenu))
        assert app.screen.query_one(OptionList).option_count == len(ENTRY)
        text = screen_text(pilot)
        for label in ("Train", "Inference", "DTL", "Deploy model", "(async)", "Detached task"):
            assert label in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


@pytest.mark.parametrize("kind", ["train", "inference"])
async def test_plugin_run_reaches_the_server(app, emulator: Emulator, kind: str):
    before = set(emulator.world.tasks)
    notes = Notes()
    async with app.run_test(size=(100, 40), message_hook=notes) as pilot:
        form = await open_legacy(pilot, kind)
        assert kind.capitalize() in form.heading
        choose(form, agent=301, project=601, model=701)
        await type_into(pilot, form, "result-name", f"{kind} [red]result[/]")
        await type_into(pilot, form, "config", '{"epochs": 3}')
        assert "tasks.run.plugin" in str(form.query_one("#form-preview").content)
        await click(pilot, "#form-submit")
        task_id = await opened_new_task(pilot, emulator, before, notes)
    task = emulator.world.tasks[task_id]
    assert (task.type, task.agent_id, task.name) == (kind, 301, f"{kind} [red]result[/]")
    assert task.meta["config"] == {"epochs": 3}
    assert task.meta["input"]["projects"] == [601] and task.meta["input"]["models"] == [701]
    assert task.meta["input"]["pluginId"] == emulator.world.models[701].plugin_id


async def test_plugin_run_validation(app, emulator: Emulator):
    before = set(emulator.world.tasks)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_legacy(pilot, "train")

        await submit_fails(pilot, form, "agent", "Choose the agent")
        choose(form, agent=301)
        await submit_fails(pilot, form, "project", "Choose the project")
        choose(form, project=602)
        await submit_fails(pilot, form, "model", "Choose the model")
        choose(form, model=701)
        await submit_fails(pilot, form, "result-name", "Enter the name")
        await type_into(pilot, form, "result-name", "r")
        await type_into(pilot, form, "config", '{"lr": 0.1\n "epochs": 3}')
        await submit_fails(pilot, form, "config", "line 2", "column")
        await type_into(pilot, form, "config", '"text"')
        await submit_fails(pilot, form, "config", "JSON object")
    assert new_task_ids(emulator, before) == []


async def test_dtl_graph_must_be_a_list_and_the_agent_is_optional(app, emulator: Emulator):
    before = set(emulator.world.tasks)
    graph = [{"action": "data", "src": ["Street scenes/*"], "dst": "$data", "settings": {}}]
    notes = Notes()
    async with app.run_test(size=(100, 40), message_hook=notes) as pilot:
        form = await open_legacy(pilot, "dtl")
        assert form.choice("workspace") == 201 and form.choice("agent") is None
        for text, words in (
            ("", ("Enter a JSON value",)),
            ('[{"action": }]', ("line 1", "column")),
            ('{"action": "data"}', ("JSON list",)),
        ):
            await type_into(pilot, form, "graph", text)
            await press(pilot, "ctrl+j")
            assert all(word in field_error(form, "graph") for word in words)
        assert form.sent == 0
        await type_into(pilot, form, "graph", str(graph).replace("'", '"'))
        assert form.build().arguments["agent_id"] is None  # the server picks one
        await click(pilot, "#form-submit")
        task_id = await opened_new_task(pilot, emulator, before, notes)
    task = emulator.world.tasks[task_id]
    assert (task.type, task.workspace_id) == ("dtl", 201)
    assert task.meta["config"] == graph


async def test_dtl_server_error_keeps_the_form_then_it_succeeds(app, emulator: Emulator):
    before = set(emulator.world.tasks)
    notes = Notes()
    async with app.run_test(size=(100, 40), message_hook=notes) as pilot:
        form = await open_legacy(pilot, "dtl")
        choose(form, agent=301)
        await type_into(pilot, form, "graph", "[]")
        emulator.faults.fail_next = 10
        emulator.faults.error_status = 500
        emulator.faults.methods = ["tasks.run.dtl"]
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: form.sent == 1 and not form.sending)
        assert app.screen is form and "500" in str(form.query_one("#form-error").content)
        assert form.value("graph") == "[]" and form.choice("agent") == 301
        emulator.faults.fail_next = 0
        await click(pilot, "#form-submit")
        task_id = await opened_new_task(pilot, emulator, before, notes)
    assert emulator.world.tasks[task_id].agent_id == 301


async def test_deploy_waits_until_deployed(make_app, emulator: Emulator):
    app, calls = dashboard(make_app, emulator)
    before = set(emulator.world.tasks)
    notes = Notes()
    async with app.run_test(size=(100, 40), message_hook=notes) as pilot:
        form = await open_legacy(pilot, "deploy")
        choose(form, agent=301, model=701)
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: new_task_ids(emulator, before) != [])
        (task_id,) = new_task_ids(emulator, before)
        asked = calls["tasks.info"]
        await wait_for(pilot, lambda: calls["tasks.info"] >= asked + 2)  # it polled, twice
        await settle(pilot)
        assert app.screen is form and form.sending  # still "Sending…" while it deploys
        assert "Sending" in str(form.query_one("#form-error").content)
        emulator.advance(120)  # queued → started → deployed
        await opened_new_task(pilot, emulator, before, notes)
    task = emulator.world.tasks[task_id]
    assert (task.type, task.model_id, task.status) == ("inference_rpc", 701, Status.DEPLOYED)


async def test_deploy_async_returns_at_once(app, emulator: Emulator):
    before = set(emulator.world.tasks)
    notes = Notes()
    async with app.run_test(size=(100, 40), message_hook=notes) as pilot:
        form = await open_legacy(pilot, "deploy-async")
        await press(pilot, "ctrl+j")
        assert "Choose the agent" in field_error(form, "agent")
        choose(form, agent=302, model=701)  # a waiting agent: the task just queues
        await click(pilot, "#form-submit")
        task_id = await opened_new_task(pilot, emulator, before, notes)
    task = emulator.world.tasks[task_id]
    assert (task.type, task.agent_id, task.model_id) == ("inference_rpc", 302, 701)
    assert task.status == Status.QUEUED


async def test_detached_task_double_press_sends_once(make_app, emulator: Emulator):
    app, calls = dashboard(make_app, emulator)
    before = set(emulator.world.tasks)
    notes = Notes()
    async with app.run_test(size=(100, 40), message_hook=notes) as pilot:
        form = await open_legacy(pilot, "detached")
        assert form.choice("workspace") == 201
        choose(form, workspace=202)
        calls.gate = asyncio.Event()  # requests are held in flight until it opens
        await press(pilot, "ctrl+j", "ctrl+j")
        assert form.sending
        await click(pilot, "#form-submit")
        calls.gate.set()
        task_id = await opened_new_task(pilot, emulator, before, notes)
        assert form.sent == 1 and calls["tasks.run.python"] == 1
    task = emulator.world.tasks[task_id]
    assert (task.type, task.workspace_id, task.agent_id) == ("python", 202, None)
    assert task.status == Status.STARTED


async def test_read_only_hides_the_menu_and_the_client_refuses(make_app, emulator: Emulator):
    before = set(emulator.world.tasks)
    app = make_app(team_id=101, workspace_id=201, read_only=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await key_is_refused(pilot, "T", "legacy")
        tasks = app.client.tasks
        for call in (
            tasks.run_train(301, 601, 701, "r"),
            tasks.run_inference(301, 601, 701, "r"),
            tasks.run_dtl(201, []),
            tasks.deploy_model_async(301, 701),
            tasks.create_task_detached(201),
        ):
            with pytest.raises(ReadOnlyError):
                await call
    assert new_task_ids(emulator, before) == []


async def test_viewer_token_is_told_it_lacks_rights(emulator: Emulator, tmp_path: Path):
    before = set(emulator.world.tasks)
    app = viewer_app(emulator, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await open_legacy(pilot, "detached")
        await refused_for_lack_of_rights(pilot, form)
    assert new_task_ids(emulator, before) == []


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_every_field_of_a_plugin_run_comes_into_view(app, size):
    async with app.run_test(size=size) as pilot:
        form = await open_legacy(pilot, "train")
        await every_field_comes_into_view(pilot, form)
