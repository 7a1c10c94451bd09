"""`sly-tui stop` (confirmation, --yes, read-only) and `sly-tui start` (ids, slugs, params)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator, serve

from ..lossy import losing_app
from .conftest import AGENT, EXPORT_MODULE, WORKSPACE, Sly, Terminal, start_export


async def status_of(client: SlyClient, task_id: int) -> str:
    return str(await client.tasks.get_status(task_id))


async def test_stop_without_a_terminal_needs_yes(sly: Sly, admin: SlyClient) -> None:
    task_id = await start_export(admin)
    refused = await sly("stop", str(task_id))
    assert refused.code == 2 and "--yes" in refused.err and refused.out == ""
    assert await status_of(admin, task_id) == "queued"
    done = await sly("stop", str(task_id), "--yes")
    assert (done.code, done.out) == (0, f"{task_id} terminating\n")
    assert await status_of(admin, task_id) == "terminating"


@pytest.mark.parametrize(("answer", "stopped"), [("y\n", True), ("yes\n", True), ("\n", False)])
async def test_stop_asks_on_a_terminal(
    sly: Sly, admin: SlyClient, monkeypatch: pytest.MonkeyPatch, answer: str, stopped: bool
) -> None:
    first, second = await start_export(admin), await start_export(admin)
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    result = await sly("stop", str(first), str(second), str(first))
    assert result.err.startswith(
        f"Stop these 2 tasks?\n  {first}  queued  pythonSpawned\n"
        f"  {second}  queued  pythonSpawned\n[y/N] "
    )
    assert ("Nothing stopped." in result.err) is not stopped
    expected = "terminating" if stopped else "queued"
    assert [await status_of(admin, t) for t in (first, second)] == [expected, expected]
    assert result.code == (0 if stopped else 1)


async def test_stop_reports_each_task_and_fails_if_any_did(sly: Sly, admin: SlyClient) -> None:
    running = await start_export(admin)
    ended = await start_export(admin)
    await admin.tasks.update_status(ended, "finished")
    result = await sly("stop", str(ended), str(running), "--yes")
    assert result.code == 1
    assert result.out == f"{running} terminating\n"
    assert f"task {ended}: tasks.stop: The server refused the request (HTTP 400)" in result.err
    assert "already ended" in result.err


async def test_a_type_that_cannot_be_stopped_is_a_refusal(
    sly: Sly, admin: SlyClient, emulator: Emulator
) -> None:
    task_id = await start_export(admin)
    emulator.faults.update({"error_status": 501, "fail_next": 1, "methods": ["tasks.stop"]})
    result = await sly("stop", str(task_id), "--yes")
    assert result.code == 1 and result.out == ""
    assert f"task {task_id}: tasks.stop: The server cannot stop task {task_id}" in result.err
    assert "can't be stopped (HTTP 501)" in result.err and "failed" not in result.err


async def test_read_only_refuses_before_asking_or_sending(
    sly: Sly, admin: SlyClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = await start_export(admin)
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    result = await sly("stop", str(task_id), "--read-only")
    assert result.code == 1 and "[y/N]" not in result.err
    assert result.err == (
        "sly-tui: Read-only mode: tasks.stop would change the server, so it was not sent.\n"
    )
    assert await status_of(admin, task_id) == "queued"


async def test_a_viewer_may_not_stop(
    sly: Sly, admin: SlyClient, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = await start_export(admin)
    monkeypatch.setenv("API_TOKEN", emulator.viewer_token)
    result = await sly("stop", str(task_id), "--yes")
    assert result.code == 3 and "lacks rights" in result.err and result.err.count("\n") == 1


async def test_start_by_slug_prints_the_new_id(sly: Sly, admin: SlyClient) -> None:
    result = await sly(
        "start", "--agent", str(AGENT), "--module", "supervisely-ecosystem/export-to-yolo"
    )
    assert result.code == 0 and result.err == ""
    task = await admin.tasks.get_info_by_id(int(result.out))
    assert task is not None and task.workspace_id == WORKSPACE and task.agent_id == AGENT
    assert task.app["moduleId"] == EXPORT_MODULE and task.meta["name"] == "Export to YOLO format"
    assert task.meta["params"] == {"state": {}}


async def test_start_with_params_from_a_file_and_json_output(
    sly: Sly, admin: SlyClient, tmp_path: Path
) -> None:
    params = tmp_path / "params.json"
    params.write_text('{"slyProjectId": 601,\n "trainSplit": 0.5}\n')
    result = await sly(
        "start",
        "--agent",
        str(AGENT),
        "--module",
        str(EXPORT_MODULE),
        "--params",
        f"@{params}",
        "--name",
        "nightly",
        "--restart-policy",
        "on_error",
        "--json",
    )
    record = json.loads(result.out)
    assert set(record) == {"task_id", "module_id", "app_id", "workspace_id", "name"}
    assert record["module_id"] == EXPORT_MODULE and record["name"] == "nightly"
    task = await admin.tasks.get_info_by_id(record["task_id"])
    assert task is not None and task.meta["name"] == "nightly"
    assert task.meta["params"] == {"state": {"slyProjectId": 601, "trainSplit": 0.5}}
    assert task.meta["restartPolicy"] == "on_error"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ('{"a": 1,\n "b": }', "--params: Invalid JSON at line 2, column 7: Expecting value."),
        ('{"a": NaN}', "--params: NaN is not allowed in JSON; use a number or null."),
        ('{"a": 1e999}', "--params: The number 1e999 is too large to send."),
        ('{"a": "\\ud800"}', "--params: The text holds an unpaired surrogate \\ud800"),
        ('{"a": ' + "[" * 3000 + "]" * 3000 + "}", "--params: The JSON is nested deeper than 100"),
        ("[1, 2]", '--params: Expected a JSON object such as {"key": "value"}, not a list.'),
        ("@/no/such/file.json", "Cannot read the params file /no/such/file.json:"),
    ],
)
async def test_start_refuses_bad_params_in_one_sentence(
    sly: Sly, params: str, message: str
) -> None:
    result = await sly("start", "--agent", "301", "--module", "403", "--params", params)
    assert result.code == 2 and result.err.startswith(f"sly-tui: {message}")
    assert result.err.count("\n") == 1


async def test_start_refusals(sly: Sly, admin: SlyClient, monkeypatch: pytest.MonkeyPatch) -> None:
    before = len(await admin.tasks.get_list(WORKSPACE))
    branch = await sly("start", "--agent", "301", "--module", "403", "--branch")
    assert branch.code == 2 and "--branch needs --version" in branch.err
    unknown = await sly("start", "--agent", "301", "--module", "nobody/nothing")
    assert unknown.code == 1 and "No ecosystem module has the slug 'nobody/nothing'" in unknown.err
    read_only = await sly("start", "--agent", "301", "--module", "403", "--read-only")
    assert read_only.code == 1 and "Read-only mode: tasks.run.app" in read_only.err
    monkeypatch.delenv("WORKSPACE_ID")
    nowhere = await sly("start", "--agent", "301", "--module", "403")
    assert nowhere.code == 2 and "No workspace is chosen" in nowhere.err
    assert len(await admin.tasks.get_list(WORKSPACE)) == before


async def test_a_start_whose_reply_is_lost_is_sent_once_and_named(
    sly: Sly, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a gateway that loses the reply (with retries allowed), one `start` makes one
    session, and says which task it may be instead of starting four."""
    monkeypatch.setenv("SUPERVISELY_PUBLIC_API_RETRIES", "4")
    emulator.app = losing_app(emulator.app, "tasks.run.app")
    before = set(emulator.world.tasks)
    async with serve(emulator) as url:
        monkeypatch.setenv("SERVER_ADDRESS", url)
        result = await sly("start", "--agent", str(AGENT), "--module", str(EXPORT_MODULE))
    (created,) = set(emulator.world.tasks) - before
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "sly-tui: tasks.run.app: The server failed (HTTP 502 Bad Gateway); the server may "
        f"have started it: task {created}. Check the task list before sending it again.\n"
    )
