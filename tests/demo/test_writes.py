"""Writes round-trip: what a request stores, a later read returns."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import httpx
import pytest

from sly_tui.demo import Emulator

from .conftest import API, Rpc, error_message

TASK = 1001


async def test_output_set_round_trips(rpc: Rpc) -> None:
    output = {
        "general": {
            "icon": {
                "className": "zmdi zmdi-archive",
                "color": "#33c94c",
                "backgroundColor": "#d9f7e4",
            },
            "title": "a.tar",
            "titleUrl": "/files/5",
            "download": True,
            "description": "Download archive",
        }
    }
    assert await rpc("tasks.output.set", {"taskId": TASK, "output": output}) == {"success": True}
    assert (await rpc("tasks.info", {"id": TASK}))["meta"]["output"] == output
    await rpc("tasks.output.set", {"taskId": TASK, "output": {"weird": 1}}, status=400)


@pytest.mark.parametrize(
    ("output", "fragment"),
    [
        ({"project": 5}, "'output.project' must be an object"),
        ({"project": {"title": "p"}}, "'output.project.id' is required"),
        ({"model": {"id": "7"}}, "'output.model.id' must be an integer"),
        ({"general": {"icon": {}}}, "'output.general.title' is required"),
        ({"experiment": {"data": []}}, "'output.experiment.data' must be an object"),
    ],
)
async def test_output_set_checks_the_inner_shape(
    rpc: Rpc, output: dict[str, Any], fragment: str
) -> None:
    """Readers of `meta.output.project.id` and the like must never meet another type."""
    reply = await rpc("tasks.output.set", {"taskId": TASK, "output": output}, status=400)
    assert fragment in error_message(reply)


@pytest.mark.parametrize("key", ["app", "output", "params", "sessionToken"])
async def test_meta_update_cannot_replace_server_owned_keys(rpc: Rpc, key: str) -> None:
    """`{"app": "zzz"}` broke `api.app.get_sessions` in both SDKs (QA #7)."""
    app_task = next(
        t for t in (await rpc("tasks.list", {"workspaceId": 201}))["entities"] if "app" in t["meta"]
    )
    reply = await rpc("tasks.meta.update", {"id": app_task["id"], key: "zzz"}, status=400)
    assert repr(key) in error_message(reply)
    assert (await rpc("tasks.info", {"id": app_task["id"]}))["meta"] == app_task["meta"]


async def test_meta_update_merges_top_level_keys(rpc: Rpc) -> None:
    await rpc(
        "tasks.meta.update",
        {
            "id": TASK,
            "templateRootDirectory": "/t",
            "taskId": 99,
            "agentStorageFolder": {"hostDir": "/h", "folder": "f"},
        },
    )
    meta = (await rpc("tasks.info", {"id": TASK}))["meta"]
    assert meta["templateRootDirectory"] == "/t"
    assert meta["agentStorageFolder"] == {"hostDir": "/h", "folder": "f"}
    assert "id" not in meta and "taskId" not in meta
    assert meta["name"]  # earlier keys survive


async def write(rpc: Rpc, *fields: dict[str, Any]) -> None:
    assert await rpc("tasks.data.set", {"taskId": TASK, "fields": list(fields)}) == {
        "success": True
    }


async def read(rpc: Rpc, *paths: str) -> dict[str, Any]:
    return (await rpc("tasks.data.get", {"taskId": TASK, "fields": list(paths)}))["result"]


async def test_data_replace_shallow_and_deep_merge(rpc: Rpc) -> None:
    stored = {"data": {"my_val": 1}, "obj": {"val": 1, "res": 2}}
    await write(rpc, {"field": "doc", "payload": stored})
    await write(
        rpc, {"field": "doc", "payload": {"obj": {"new_val": 1}}, "append": True, "recursive": True}
    )
    assert (await read(rpc, "doc"))["doc"] == {
        "data": {"my_val": 1},
        "obj": {"val": 1, "res": 2, "new_val": 1},
    }
    await write(rpc, {"field": "doc", "payload": {"obj": {"new_val": 1}}, "append": True})
    assert (await read(rpc, "doc"))["doc"] == {"data": {"my_val": 1}, "obj": {"new_val": 1}}
    await write(rpc, {"field": "doc", "payload": {"obj": {"new_val": 1}}})
    assert (await read(rpc, "doc"))["doc"] == {"obj": {"new_val": 1}}


async def test_data_paths_lists_and_missing_values(rpc: Rpc) -> None:
    await write(rpc, {"field": "data.chart.series", "payload": [{"data": [[0, 1]]}]})
    await write(rpc, {"field": "data.chart.series[0].data", "payload": [[1, 2]], "append": True})
    await write(
        rpc,
        {"field": "state.flag", "payload": True},
        {"field": "data.chart.series[0].name", "payload": "loss"},
    )
    result = await read(rpc, "data.chart.series[0]", "state.flag", "nothing.here", "state")
    assert result["data.chart.series[0]"] == {"data": [[0, 1], [1, 2]], "name": "loss"}
    assert result["state.flag"] is True
    assert result["nothing.here"] is None
    assert result["state"]["flag"] is True


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ([{"field": "a..b", "payload": 1}], "invalid field path"),
        ([{"payload": 1}], "'fields[0].field' is required"),
        ([{"field": "a"}], "'fields[0].payload' is required"),
        ([1], "fields[0] must be an object"),
        ([{"field": "a[5]", "payload": 1}], "past the end"),
        ([{"field": "n.b", "payload": 1}, {"field": "n[0]", "payload": 1}], "not a list"),
        ("a", "must be a list"),
    ],
)
async def test_data_set_rejects_bad_fields(rpc: Rpc, fields: Any, fragment: str) -> None:
    body = await rpc("tasks.data.set", {"taskId": TASK, "fields": fields}, status=400)
    assert fragment in error_message(body)
    assert await read(rpc, "n", "a") == {"n": None, "a": None}  # nothing was half-written


async def test_logs_add_shows_in_download(
    rpc: Rpc, http: httpx.AsyncClient, emulator: Emulator
) -> None:
    before = await rpc.get("tasks.log.download", {"id": TASK})
    last = before[-1]["timestamp"]
    await rpc(
        "tasks.logs.add",
        {
            "logs": [
                {
                    "task_id": TASK,
                    "level": "warning",
                    "message": "from the SDK",
                    "timestamp": "2026-11-27T11:00:00.000Z",
                    "event_type": "EventType.LOGJ",
                },
            ]
        },
    )
    response = await http.post(
        API + "tasks.logs.add",
        json={"logs": [{"message": "by header"}]},
        headers={"x-api-key": emulator.token, "x-task-id": str(TASK)},
    )
    assert response.status_code == 200
    added = await rpc.get("tasks.log.download", {"id": TASK, "sinceTime": last})
    assert [(e["level"], e["message"]) for e in added] == [
        ("warn", "from the SDK"),
        ("info", "by header"),
    ]
    assert added[0]["event_type"] == "EventType.LOGJ"
    assert added[1]["timestamp"] == "2026-11-27T12:00:00.000Z"
    await rpc("tasks.logs.add", {"logs": [{"message": "no task"}]}, status=400)
    await rpc("tasks.logs.add", {"logs": [{"task_id": TASK}]}, status=400)


async def test_run_app_creates_a_listed_task(rpc: Rpc, emulator: Emulator) -> None:
    reply = await rpc(
        "tasks.run.app",
        {
            "agentId": 301,
            "workspaceId": 202,
            "moduleId": 405,
            "params": {"state": {"epochs": 3}},
            "taskName": "my-run",
            "description": "d",
            "logLevel": "debug",
            "restartPolicy": "on_error",
            "usersIds": [],
            "appVersion": "",
            "isBranch": False,
            "proxyKeepUrl": False,
        },
    )
    assert isinstance(reply, list) and len(reply) == 1
    started = reply[0]
    assert set(started) == {"taskId", "id", "userId", "moduleId", "appId"}
    assert started["moduleId"] == 405 and started["userId"] == 1
    listed = await rpc(
        "tasks.list",
        {
            "workspaceId": 202,
            "filter": [{"field": "id", "operator": "=", "value": started["taskId"]}],
        },
    )
    task = listed["entities"][0]
    assert task["status"] == "queued"
    assert task["meta"]["name"] == "my-run"
    assert task["meta"]["params"] == {"state": {"epochs": 3}}
    assert task["meta"]["app"]["moduleId"] == 405 and task["meta"]["app"]["logLevel"] == "debug"
    assert task["meta"]["restartPolicy"] == "on_error"
    by_app = await rpc("tasks.run.app", {"workspaceId": 202, "appId": started["appId"]})
    assert by_app[0]["moduleId"] == 405
    await rpc("tasks.run.app", {"workspaceId": 202}, status=400)
    await rpc("tasks.run.app", {"workspaceId": 202, "moduleId": 405, "appId": 1}, status=400)
    await rpc("tasks.run.app", {"workspaceId": 202, "moduleId": 9999}, status=404)
    bogus = {"workspaceId": 202, "moduleId": 405, "logLevel": "bogus"}
    assert "logLevel" in error_message(await rpc("tasks.run.app", bogus, status=400))


async def test_legacy_runs(rpc: Rpc) -> None:
    train = await rpc(
        "tasks.run.plugin",
        {
            "taskType": "train",
            "agentId": 301,
            "pluginId": 901,
            "version": None,
            "config": {"lr": 0.1},
            "projects": [601],
            "models": [701],
            "name": "result",
        },
    )
    assert (await rpc("tasks.info", {"id": train["taskId"]}))["type"] == "train"
    await rpc(
        "tasks.run.plugin", {"taskType": "dance", "agentId": 301, "projects": [601]}, status=400
    )
    dtl = await rpc(
        "tasks.run.dtl",
        {"workspaceId": 201, "config": [{"action": "data"}], "advanced": {"agentId": None}},
    )
    assert (await rpc("tasks.info", {"id": dtl["taskId"]}))["type"] == "dtl"
    deploy = await rpc(
        "tasks.run.deploy",
        {
            "agentId": 301,
            "modelId": 701,
            "restartPolicy": "never",
            "settings": {"gpu_device": 0},
            "pluginId": None,
            "version": None,
        },
    )
    assert [t["id"] for t in await rpc("models.info.deployed", {"id": 701})] == [deploy["taskId"]]
    detached = await rpc(
        "tasks.run.python", {"workspaceId": 201, "script": "xxx", "advanced": {"ignoreAgent": True}}
    )
    info = await rpc("tasks.info", {"id": detached["taskId"]})
    assert info["type"] == "python" and info["status"] == "started" and info["agentId"] is None


async def test_status_update(rpc: Rpc) -> None:
    detached = await rpc("tasks.run.python", {"workspaceId": 201, "script": "x"})
    assert await rpc("tasks.status.update", {"id": detached["taskId"], "status": "finished"}) == {
        "success": True
    }
    info = await rpc("tasks.info", {"id": detached["taskId"]})
    assert info["status"] == "finished" and info["finishedAt"]
    await rpc("tasks.status.update", {"id": detached["taskId"], "status": "done"}, status=400)


def sdk_hash(content: bytes) -> str:
    return base64.b64encode(hashlib.sha256(content).digest()).decode()


async def test_upload_files_round_trip(
    rpc: Rpc, http: httpx.AsyncClient, emulator: Emulator
) -> None:
    task = (await rpc("tasks.run.python", {"workspaceId": 201, "script": "x"}))["taskId"]
    content = bytes(range(256)) * 40 + b"\r\n--not-a-boundary\r\n"
    multipart = {
        "0": (None, json.dumps({"fullpath": "a/b.bin", "hash": sdk_hash(content)})),
        "0-file": ("a/b.bin", content, ""),
    }
    response = await http.post(
        API + "tasks.files.bulk.upload",
        files=multipart,
        headers={"x-api-key": emulator.token, "x-task-id": str(task)},
    )
    assert response.status_code == 200, response.text
    assert await rpc("images.internal.hashes.list", [sdk_hash(content)]) == [sdk_hash(content)]
    await rpc(
        "tasks.files.bulk.add-by-hash",
        {"taskId": task, "files": [{"name": "copy.bin", "hash": sdk_hash(content)}]},
    )
    files = await rpc("tasks.import.files_list", {"id": task})
    assert [(f["path"], f["size"], f["hash"]) for f in files] == [
        ("a/b.bin", len(content), sdk_hash(content)),
        ("copy.bin", len(content), sdk_hash(content)),
    ]
    download = await http.post(
        API + "tasks.import.download_file",
        json={"id": task, "filename": "copy.bin"},
        headers={"x-api-key": emulator.token},
    )
    assert download.content == content
    await rpc(
        "tasks.files.bulk.add-by-hash",
        {"taskId": task, "files": [{"name": "x", "hash": "nope"}]},
        status=400,
    )
    no_header = await http.post(
        API + "tasks.files.bulk.upload", files=multipart, headers={"x-api-key": emulator.token}
    )
    assert no_header.status_code == 400


async def test_upload_dtl_archive(rpc: Rpc, http: httpx.AsyncClient, emulator: Emulator) -> None:
    task = (await rpc("tasks.run.dtl", {"workspaceId": 201, "config": []}))["taskId"]
    response = await http.post(
        API + "tasks.upload.dtl_archive",
        files={
            "id": (None, str(task)),
            "name": (None, "result"),
            "archive": ("result.tar", b"tar bytes", "application/x-tar"),
        },
        headers={"x-api-key": emulator.token},
    )
    assert response.status_code == 200, response.text
    meta = (await rpc("tasks.info", {"id": task}))["meta"]
    assert meta["archive"] == {"name": "result", "size": 9, "hash": sdk_hash(b"tar bytes")}


async def test_request_direct(rpc: Rpc, emulator: Emulator) -> None:
    deployed = next(t.id for t in emulator.world.tasks.values() if t.status == "deployed")
    body = {
        "taskId": deployed,
        "context": {"outside_request": True},
        "skipResponse": False,
        "timeout": 60,
    }
    assert await rpc("tasks.request.direct", {**body, "command": "is_running", "state": {}}) == {
        "running": True
    }
    assert await rpc("tasks.request.direct", {**body, "command": "is_ready", "state": {}}) == {
        "status": "ready"
    }
    echo = await rpc("tasks.request.direct", {**body, "command": "inference", "state": {"x": [1]}})
    assert echo == {"x": [1]}
    info = await rpc("tasks.request.direct", {**body, "command": "get_deploy_info", "state": {}})
    assert {"model_name", "checkpoint_name", "task_type"} <= set(info)
    refused = await rpc(
        "tasks.request.direct", {**body, "taskId": TASK, "command": "is_running"}, status=400
    )
    assert "not running" in error_message(refused).lower() or "only a started" in error_message(
        refused
    )
    await rpc("tasks.request.direct", {**body, "taskId": 987654, "command": "x"}, status=404)
