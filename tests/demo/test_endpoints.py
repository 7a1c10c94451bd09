"""Every read endpoint's happy path, with the keys the SDK converts strictly."""

from __future__ import annotations

from typing import Any

import httpx

from sly_tui.demo import Emulator
from sly_tui.enums import AgentStatus, Status

from .conftest import API, Rpc

AGENT_KEYS = {
    "id",
    "name",
    "token",
    "status",
    "userId",
    "teamId",
    "capabilities",
    "createdAt",
    "updatedAt",
}
MODEL_KEYS = {
    "id",
    "name",
    "description",
    "config",
    "hash",
    "onlyTrain",
    "pluginId",
    "pluginVersion",
    "size",
    "weightsLocation",
    "readme",
    "taskId",
    "userId",
    "teamId",
    "workspaceId",
    "createdAt",
    "updatedAt",
}
MODULE_KEYS = {"id", "slug", "name", "type", "config", "createdAt", "updatedAt", "meta"}
TASK_KEYS = {
    "id",
    "type",
    "status",
    "description",
    "workspaceId",
    "teamId",
    "userId",
    "userLogin",
    "createdBy",
    "agentId",
    "agentName",
    "startedAt",
    "finishedAt",
    "settings",
    "meta",
}


async def test_user_team_workspace(rpc: Rpc) -> None:
    me = await rpc("users.me")
    assert {
        "id",
        "login",
        "name",
        "email",
        "logins",
        "disabled",
        "lastLogin",
        "createdAt",
        "updatedAt",
        "teams",
    } <= set(me)
    assert me["teams"][0] == {"id": 101, "roleId": 1, "role": "admin", "name": "Demo Team"}
    assert (await rpc("users.info", {"id": 3}))["login"] == "alice"
    teams = await rpc("teams.list")
    assert [t["id"] for t in teams["entities"]] == [101, 102, 103]
    assert (await rpc("teams.info", {"id": 102}))["role"] == "admin"
    spaces = await rpc("workspaces.list", {"teamId": 101})
    assert [w["id"] for w in spaces["entities"]] == [201, 202]
    assert (await rpc("workspaces.info", {"id": 203}))["teamId"] == 102


async def test_agents(rpc: Rpc) -> None:
    agents = (await rpc("agents.list", {"teamId": 101}))["entities"]
    assert {a["status"] for a in agents} == {AgentStatus.RUNNING, AgentStatus.WAITING}
    assert all(set(a) >= AGENT_KEYS for a in agents)
    assert (await rpc("agents.info", {"id": 303}))["teamId"] == 102
    available = await rpc("agents.available", {"teamId": 101, "needGPU": True})
    assert [a["id"] for a in available] == [301]
    every = await rpc("agents.available", {"teamId": 101, "anyStatus": True})
    assert [a["id"] for a in every] == [301, 302]


async def test_ecosystem_and_apps(rpc: Rpc) -> None:
    modules = (await rpc("ecosystem.list"))["entities"]
    assert len(modules) >= 8
    for module in modules:
        assert set(module) >= MODULE_KEYS
        assert "modalTemplateState" in module["config"]
        assert module["meta"]["releases"][0]["version"]
    serve = await rpc("ecosystem.list", {"categories": ["serve"]})
    assert serve["total"] == 2
    assert (await rpc("ecosystem.list", {"search": "yolo"}))["total"] == 3
    by_slug = await rpc("ecosystem.info", {"slug": "supervisely-ecosystem/train-yolov8"})
    assert (await rpc("ecosystem.info", {"id": by_slug["id"]})) == by_slug
    release = by_slug["meta"]["releases"][-1]["version"]
    await rpc("ecosystem.info", {"id": by_slug["id"], "version": release})
    await rpc("ecosystem.info", {"id": by_slug["id"], "version": "v9.9.9"}, status=404)
    apps = (await rpc("apps.list", {"teamId": 101}))["entities"]
    assert apps and all(
        {"id", "moduleId", "name", "slug", "config", "tasks", "teamId"} <= set(a) for a in apps
    )
    app = apps[0]
    assert (await rpc("apps.info", {"id": app["id"]}))["moduleId"] == app["moduleId"]
    sessions = await rpc(
        "apps.tasks.list",
        {"teamId": 101, "appId": app["id"], "sort": "startedAt", "sort_order": "desc"},
    )
    assert all(
        s["meta"]["app"]["id"] == app["id"] and "createdBy" in s for s in sessions["entities"]
    )


async def test_projects_models_files_version(rpc: Rpc) -> None:
    projects = (await rpc("projects.list", {"workspaceId": 201}))["entities"]
    assert [p["id"] for p in projects] == [601, 602]
    assert (await rpc("projects.info", {"id": 601}))["imagesCount"] > 0
    models = (await rpc("models.list", {"workspaceId": 201}))["entities"]
    assert [m["id"] for m in models] == [701]
    assert set(await rpc("models.info", {"id": 701})) >= MODEL_KEYS
    assert await rpc("models.info.deployed", {"id": 701}) == []
    info = await rpc("file-storage.info", {"id": 801})
    assert info["storagePath"].endswith(info["path"])
    assert set(info["meta"]) == {"ext", "mime", "size"}
    assert await rpc("instance.version") == {"version": "6.18.3"}


async def test_task_reads(rpc: Rpc) -> None:
    reply = await rpc("tasks.list", {"workspaceId": 201})
    statuses = {t["status"] for t in reply["entities"]}
    assert {"finished", "error", "stopped", "started", "deployed"} <= statuses
    for task in reply["entities"]:
        assert set(task) >= TASK_KEYS
        assert Status(task["status"])
        assert task["meta"]["name"] is not None
    info = await rpc("tasks.info", {"id": 1001})
    assert info["meta"]["name"] == "[bold]x[/] markup must print literally"
    assert await rpc("GetTaskContext", {"id": 1001}) == {
        "team": {"id": 101, "name": "Demo Team"},
        "workspace": {"id": 201, "name": "Main"},
    }


async def test_every_status_and_type_exists(emulator: Emulator) -> None:
    tasks = emulator.world.tasks.values()
    assert {t.status for t in tasks} == set(Status)
    assert {"app", "train", "inference", "import", "export", "dtl", "python"} <= {
        t.type for t in tasks
    }
    assert len(emulator.world.tasks) >= 150


async def test_app_task_meta(rpc: Rpc) -> None:
    apps = [
        t for t in (await rpc("tasks.list", {"workspaceId": 201}))["entities"] if t["type"] == "app"
    ]
    meta = apps[0]["meta"]
    assert set(meta["app"]) == {"id", "name", "version", "isBranch", "logLevel", "moduleId"}
    assert "state" in meta["params"] and meta["restartPolicy"] == "never" and meta["sessionToken"]


async def train_task(rpc: Rpc, status: str = "finished") -> dict[str, Any]:
    reply = await rpc(
        "tasks.list",
        {
            "workspaceId": 201,
            "filter": [
                {"field": "type", "operator": "=", "value": "train"},
                {"field": "status", "operator": "=", "value": status},
            ],
        },
    )
    if not reply["entities"]:
        reply = await rpc(
            "tasks.list",
            {"workspaceId": 202, "filter": [{"field": "type", "operator": "=", "value": "train"}]},
        )
    return reply["entities"][0]


async def test_metrics_and_checkpoints_of_a_train_task(rpc: Rpc) -> None:
    task = await train_task(rpc)
    metrics = await rpc("tasks.train-metrics", {"taskId": task["id"]})
    assert metrics["taskId"] == task["id"]
    epochs = [p["epoch"] for p in metrics["metrics"]]
    assert epochs == list(range(1, len(epochs) + 1))
    assert {"loss", "lr"} <= set(metrics["metrics"][0]["train"])
    checkpoints = await rpc("tasks.checkpoints.list", {"id": task["id"]})
    assert checkpoints and checkpoints[-1]["epoch"] == epochs[-1]
    kept = [c for i, c in enumerate(checkpoints) if c["isBest"] or i == len(checkpoints) - 1]
    cleared = await rpc("tasks.checkpoints.clear", {"id": task["id"]})
    assert cleared == {"success": True, "deleted": len(checkpoints) - len(kept)}
    assert await rpc("tasks.checkpoints.list", {"id": task["id"]}) == kept  # newest and best


async def test_import_files_and_download(
    rpc: Rpc, http: httpx.AsyncClient, emulator: Emulator
) -> None:
    task = next(t for t in emulator.world.tasks.values() if t.type == "import")
    files = await rpc("tasks.import.files_list", {"id": task.id})
    assert files and {"name", "path", "size", "hash"} <= set(files[0])
    response = await http.post(
        API + "tasks.import.download_file",
        json={"id": task.id, "filename": files[0]["path"]},
        headers={"x-api-key": emulator.token},
    )
    assert response.status_code == 200
    assert len(response.content) == files[0]["size"]
    again = await http.post(
        API + "tasks.import.download_file",
        json={"id": task.id, "filename": files[0]["path"]},
        headers={"x-api-key": emulator.token},
    )
    assert again.content == response.content
    await rpc("tasks.import.download_file", {"id": task.id, "filename": "nope.jpg"}, status=404)
    known = await rpc("images.internal.hashes.list", [files[0]["hash"], "unknown-hash"])
    assert known == [files[0]["hash"]]


async def test_file_storage_list_by_prefix_and_folder(rpc: Rpc) -> None:
    """What `api.file.list`, `list2`, `exists`, `dir_exists` and `get_info_by_path` send."""
    everything = await rpc("file-storage.list", {"teamId": 101, "path": "/", "recursive": True})
    paths = [f["path"] for f in everything]
    assert paths == sorted(paths) and "/reports/quality.html" in paths
    assert all(f["teamId"] == 101 for f in everything)
    one = await rpc(
        "file-storage.list", {"teamId": 101, "path": "/reports/quality.html", "recursive": True}
    )
    assert [f["path"] for f in one] == ["/reports/quality.html"]
    assert one[0] == await rpc("file-storage.info", {"id": one[0]["id"]})
    flat = await rpc(
        "file-storage.list", {"teamId": 101, "path": "/experiments/", "recursive": False}
    )
    assert [(f["path"], f["isDir"]) for f in flat] == [("/experiments/yolov8/", True)]
    assert (
        await rpc("file-storage.list", {"teamId": 101, "path": "/nope/", "recursive": True}) == []
    )
    await rpc("file-storage.list", {"teamId": 987654, "path": "/"}, status=404)


async def test_users_and_team_members(rpc: Rpc) -> None:
    users = await rpc("users.list", {"filter": []})
    assert users["total"] == len(users["entities"]) >= 2
    me = await rpc("users.me")
    assert me["id"] in {u["id"] for u in users["entities"]}
    by_login = [{"field": "login", "operator": "=", "value": me["login"]}]
    members = await rpc("members.list", {"teamId": 101, "filter": by_login})
    [member] = members["entities"]
    assert member["id"] == me["id"]
    assert member["role"] in {"admin", "developer", "annotator", "viewer", "manager"}
    assert isinstance(member["roleId"], int)
    everyone = await rpc("members.list", {"teamId": 101, "filter": []})
    assert {t["id"] for u in everyone["entities"] for t in u["teams"] if t["id"] == 101} == {101}
    await rpc("members.list", {"teamId": 987654}, status=404)
