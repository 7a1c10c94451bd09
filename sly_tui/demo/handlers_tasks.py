"""RPC methods of the Task API (and `apps.tasks.list`, which lists tasks too)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from starlette.responses import StreamingResponse

from sly_tui.demo import storable, taskdata
from sly_tui.demo.clock import parse_iso, to_ms
from sly_tui.demo.errors import ApiError, bad_request, not_found
from sly_tui.demo.factory import kind_of, new_app_task, new_task
from sly_tui.demo.filters import EQUALITY_OPERATORS, Field, date_field, query, text_field
from sly_tui.demo.logs import TaskLog, make_entry
from sly_tui.demo.params import Params, parse_int
from sly_tui.demo.seed_data import file_hash
from sly_tui.demo.server import Call, Handler, Part
from sly_tui.demo.world import ImportFile, Task
from sly_tui.enums import ACTIVE_STATUSES, LogLevel, PluginTaskType, RestartPolicy, Status

SUCCESS = {"success": True}
LAST_LOG_YEAR = 8999  # far in the future (clients stamp lines there to sort them last)

# What the API reference lets `tasks.list` filter (id, type, status with the equality
# operators) and sort by (those and the two dates); anything else is a 400.
TASK_LIST_FIELDS = {
    "id": Field(lambda t: t.id, only=EQUALITY_OPERATORS),
    "type": text_field(lambda t: t.type, only=EQUALITY_OPERATORS),
    "status": text_field(lambda t: str(t.status), only=EQUALITY_OPERATORS),
    "startedAt": date_field(lambda t: t.started_at, only=()),
    "finishedAt": date_field(lambda t: t.finished_at, only=()),
}

TASK_FIELDS = {
    "id": Field(lambda t: t.id),
    "type": text_field(lambda t: t.type),
    "status": text_field(lambda t: str(t.status)),
    "name": text_field(lambda t: t.name),
    "description": text_field(lambda t: t.description),
    "userId": Field(lambda t: t.user_id),
    "agentId": Field(lambda t: t.agent_id),
    "createdAt": date_field(lambda t: t.created_at),
    "startedAt": date_field(lambda t: t.started_at),
    "finishedAt": date_field(lambda t: t.finished_at),
}

# What `tasks.run.app` accepts as `logLevel` (the API reference's list).
APP_LOG_LEVELS = ("info", "debug", "trace")

# `tasks.run.plugin` accepts the SDK's names and the server's own spelling of one.
PLUGIN_TASK_TYPES = {*(str(t) for t in PluginTaskType), "infer_rpc"}


# --- reading ------------------------------------------------------------------------------


def tasks_list(call: Call, p: Params) -> Any:
    workspace = call.world.workspace(p.req_int("workspaceId"))
    items = [t for t in call.world.tasks.values() if t.workspace_id == workspace.id]
    # `withProgress` is documented for `tasks.info` and `apps.tasks.list` only, so here it
    # is ignored, as an unknown flag is.
    return query(items, p, TASK_LIST_FIELDS, call.world.task_json)


def tasks_info(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("id"))
    return call.world.task_json(task, with_progress=p.boolean("withProgress"))


def apps_tasks_list(call: Call, p: Params) -> Any:
    world = call.world
    team_id = p.req_int("teamId")
    app = world.get("App", world.apps, p.req_int("appId"))
    if app.team_id != team_id:
        raise not_found("App", app.id)
    items = [t for t in world.tasks.values() if t.app_id == app.id]
    if p.boolean("onlyRunning"):
        items = [t for t in items if t.status in ACTIVE_STATUSES]
    return query(items, p, TASK_FIELDS, world.task_json)


def task_context(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("id"))
    team, workspace = call.world.team(task.team_id), call.world.workspace(task.workspace_id)
    return {
        "team": {"id": team.id, "name": team.name},
        "workspace": {"id": workspace.id, "name": workspace.name},
    }


def log_download(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("id"))
    since = p.opt_str("sinceTime")
    since_ms = None
    if since is not None:
        try:
            since_ms = to_ms(parse_iso(since))
        except ValueError:
            raise bad_request(f"'sinceTime' must be an ISO-8601 instant, got {since!r}") from None
    limit = p.opt_int("limit")
    if limit is not None and limit < 0:
        raise bad_request("'limit' must not be negative")
    return call.sim.log_of(task).download(since_ms, limit)


def train_metrics(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("taskId"))
    return {"taskId": task.id, "metrics": call.sim.metrics_of(task)}


def checkpoints_list(call: Call, p: Params) -> Any:
    return call.sim.checkpoints_of(call.world.task(p.req_int("id")))


def import_files_list(call: Call, p: Params) -> Any:
    return [f.to_json() for f in call.world.task(p.req_int("id")).import_files]


def import_download(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("id"))
    wanted = p.req_str("filename")
    for item in task.import_files:
        if wanted in (item.path, item.to_json()["name"]):
            content = item.load()
            if item.breaks_at is not None:  # a storage fault: the body stops short
                content = content[: item.breaks_at]
            return StreamingResponse(
                _chunks(content),
                media_type="application/octet-stream",
                headers={"Content-Length": str(item.size)},
            )
    raise not_found(f"Import file of task {task.id}", wanted)


def _chunks(content: bytes, size: int = 256 * 1024) -> Iterator[bytes]:
    for start in range(0, len(content), size):
        yield content[start : start + size]


def data_get(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("taskId"))
    fields = p.array("fields")
    if not all(isinstance(f, str) for f in fields):
        raise bad_request("'fields' must be a list of field paths (strings)")
    return {"result": {f: taskdata.get_value(task.data, f) for f in fields}}


def known_hashes(call: Call, p: Params) -> Any:
    hashes = call.body
    if not all(isinstance(h, str) for h in hashes):
        raise bad_request("the body must be a JSON array of hash strings")
    return [h for h in hashes if h in call.world.known_hashes]


# --- lifecycle ----------------------------------------------------------------------------


def tasks_stop(call: Call, p: Params) -> Any:
    call.sim.stop(call.world.task(p.req_int("id")), call.now)
    return {"status": str(Status.TERMINATING)}


def status_update(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("id"))
    value = p.req_str("status")
    try:
        status = Status(value)
    except ValueError:
        raise bad_request(f"unknown status {value!r}; known: {', '.join(Status)}") from None
    call.sim.set_status(task, status, call.now)
    return SUCCESS


def _agent(call: Call, agent_id: int | None, team_id: int) -> int | None:
    if agent_id is None:
        return None
    agent = call.world.get("Agent", call.world.agents, agent_id)
    if agent.team_id != team_id:
        raise bad_request(f"agent {agent_id} does not belong to team {team_id}")
    return agent.id


def _default_workspace(call: Call, agent_id: int | None, app_id: int | None) -> int:
    """Where `tasks.run.app` without a `workspaceId` puts the task (the SDK documents it as
    optional): the first workspace of the agent's team, else the app's, else the user's
    first team's."""
    world = call.world
    if agent_id is not None:
        team_id = world.get("Agent", world.agents, agent_id).team_id
    elif app_id is not None:
        team_id = world.get("App", world.apps, app_id).team_id
    else:
        team_id = min(call.user.roles, default=None)
    found = [w.id for w in world.workspaces.values() if w.team_id == team_id]
    if not found:
        raise bad_request("field 'workspaceId' is required: there is no default workspace")
    return min(found)


def run_app(call: Call, p: Params) -> Any:
    world = call.world
    module_id, app_id = p.opt_int("moduleId"), p.opt_int("appId")
    if (module_id is None) == (app_id is None):
        raise bad_request("give exactly one of 'moduleId' and 'appId'")
    workspace_id = p.opt_int("workspaceId")
    if workspace_id is None:
        workspace_id = _default_workspace(call, p.opt_int("agentId"), app_id)
    workspace = world.workspace(workspace_id)
    if app_id is not None:
        module_id = world.get("App", world.apps, app_id).module_id
    assert module_id is not None  # exactly one of the two was given
    module = world.get("Module", world.modules, module_id)
    params = p.mapping("params", {"state": {}})
    restart = p.text("restartPolicy", RestartPolicy.NEVER)
    if restart not in (*RestartPolicy, "on_startup"):
        raise bad_request(f"unknown restartPolicy {restart!r}")
    log_level = p.text("logLevel", "info")
    if log_level not in APP_LOG_LEVELS:
        raise bad_request(f"unknown logLevel {log_level!r}; known: {', '.join(APP_LOG_LEVELS)}")
    task = new_app_task(
        world,
        module=module,
        workspace_id=workspace.id,
        user_id=call.user.id,
        created_at=call.now,
        name=p.text("taskName"),
        params=params,
        description=p.text("description"),
        agent_id=_agent(call, p.opt_int("agentId"), workspace.team_id),
        version=p.text("appVersion"),
        is_branch=p.boolean("isBranch"),
        log_level=log_level,
        restart_policy=restart,
        extra_meta={"redirectRequests": p.mapping("redirectRequests")}
        if p.has("redirectRequests")
        else None,
    )
    call.sim.start(task)
    return [
        {
            "taskId": task.id,
            "id": task.id,
            "userId": call.user.id,
            "moduleId": module.id,
            "appId": task.app_id,
        }
    ]


def _started(call: Call, task: Task) -> dict[str, int]:
    call.sim.start(task)
    return {"taskId": task.id}


def run_plugin(call: Call, p: Params) -> Any:
    world = call.world
    task_type = p.req_str("taskType")
    if task_type not in PLUGIN_TASK_TYPES:
        raise bad_request(
            f"unknown taskType {task_type!r}; known: {', '.join(sorted(PLUGIN_TASK_TYPES))}"
        )
    projects = [world.get("Project", world.projects, i) for i in p.int_list("projects", [])]
    models = [world.get("Model", world.models, i) for i in p.int_list("models", [])]
    if not projects and not models:
        raise bad_request("a plugin task needs at least one of 'projects' and 'models'")
    workspace_id = (projects or models)[0].workspace_id
    agent_id = _agent(call, p.req_int("agentId"), world.workspaces[workspace_id].team_id)
    task = new_task(
        world,
        type=task_type,
        workspace_id=workspace_id,
        user_id=call.user.id,
        created_at=call.now,
        name=p.text("name"),
        agent_id=agent_id,
        meta={
            "config": p.raw("config") if p.has("config") else {},
            "input": {
                "projects": [x.id for x in projects],
                "models": [m.id for m in models],
                "pluginId": p.opt_int("pluginId"),
                "version": p.opt_str("version"),
            },
        },
    )
    return _started(call, task)


def run_dtl(call: Call, p: Params) -> Any:
    workspace = call.world.workspace(p.req_int("workspaceId"))
    graph = p.raw("config")
    agent_id = Params(p.mapping("advanced", {}), where="advanced").opt_int("agentId")
    task = new_task(
        call.world,
        type="dtl",
        workspace_id=workspace.id,
        user_id=call.user.id,
        created_at=call.now,
        name="dtl-graph",
        agent_id=_agent(call, agent_id, workspace.team_id),
        meta={"config": graph},
    )
    return _started(call, task)


def run_deploy(call: Call, p: Params) -> Any:
    world = call.world
    model = world.get("Model", world.models, p.req_int("modelId"))
    agent_id = _agent(call, p.req_int("agentId"), model.team_id)
    task = new_task(
        world,
        type=str(PluginTaskType.INFERENCE_RPC),
        workspace_id=model.workspace_id,
        user_id=call.user.id,
        created_at=call.now,
        name=f"deploy {model.name}",
        agent_id=agent_id,
        meta={
            "restartPolicy": p.opt_str("restartPolicy", RestartPolicy.NEVER),
            "settings": p.mapping("settings", {}),
            "input": {"model": {"id": model.id}},
        },
    )
    task.model_id = model.id
    return _started(call, task)


def run_python(call: Call, p: Params) -> Any:
    """A detached task: no agent runs it; it is `started` until someone changes it."""
    workspace = call.world.workspace(p.req_int("workspaceId"))
    script = p.req_str("script")
    task = new_task(
        call.world,
        type="python",
        workspace_id=workspace.id,
        user_id=call.user.id,
        created_at=call.now,
        name="python-script",
        agent_id=None,
        simulated=False,
        meta={"script": script, "advanced": p.mapping("advanced", {})},
    )
    call.sim.set_status(task, Status.STARTED, call.now)
    return {"taskId": task.id}


# --- what running apps write --------------------------------------------------------------


def logs_add(call: Call, p: Params) -> Any:
    header = call.headers.get("x-task-id")
    default_task = parse_int(header, "header 'x-task-id'") if header else None
    batch: list[tuple[TaskLog, int, dict[str, Any]]] = []
    for entry in p.objects("logs"):
        task_id = entry.opt_int("task_id", default_task)
        if task_id is None:
            raise bad_request(f"{entry.where} has no 'task_id' and there is no x-task-id header")
        log = call.sim.log_of(call.world.task(task_id))
        if not isinstance(log, TaskLog):
            raise bad_request(f"the log of task {task_id} is read-only")
        message = entry.req_str("message")
        level = str(entry.opt_str("level", LogLevel.INFO)).lower()
        if level == "warning":
            level = LogLevel.WARN
        stamp = entry.opt_str("timestamp")
        try:
            at = parse_iso(stamp) if stamp else call.now
        except ValueError:
            raise bad_request(f"{entry.where} has an invalid timestamp {stamp!r}") from None
        if at.year > LAST_LOG_YEAR:
            # Later lines of a log are nudged past the newest one, so one line stamped in
            # 9999 would push the simulator's next line out of the representable years.
            raise bad_request(f"{entry.where} has a timestamp after the year {LAST_LOG_YEAR}")
        standard = ("level", "message", "timestamp", "task_id")
        extras = {k: v for k, v in entry.values.items() if k not in standard}
        batch.append((log, to_ms(at), make_entry(task_id, to_ms(at), level, message, extras)))
    for log, ms, item in batch:
        log.insert(ms, item)
    return SUCCESS


def output_set(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("taskId"))
    output = p.mapping("output")
    known = {"project", "model", "general", "experiment"}
    if not output or not set(output) <= known:
        raise bad_request(f"'output' must have one of the keys {', '.join(sorted(known))}")
    # The web UI and the SDK read these inner keys without checking their types.
    kinds = Params(output, where="output")
    for key in output:
        inner = Params(kinds.mapping(key), where=f"output.{key}")
        if key in ("project", "model"):
            inner.req_int("id")
        elif key == "general":
            inner.req_str("title")
        else:
            inner.mapping("data")
    task.meta["output"] = output
    return SUCCESS


# Meta keys the server writes and clients read as structures (`meta.app.id` in the SDK's
# SessionInfo, `meta.output.project.id`, …); `tasks.meta.update` may not replace them.
SERVER_META_KEYS = frozenset({"app", "output", "params", "input", "sessionToken"})


def meta_update(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("id"))
    owned = sorted(SERVER_META_KEYS.intersection(p.values))
    if owned:
        raise bad_request(f"meta key {owned[0]!r} belongs to the server and cannot be updated")
    task.meta.update({k: v for k, v in p.values.items() if k not in ("id", "taskId")})
    return SUCCESS


def data_set(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("taskId"))
    writes = [
        (
            item.req_str("field"),
            item.raw("payload"),
            item.boolean("append"),
            item.boolean("recursive"),
        )
        for item in p.objects("fields")
    ]
    draft = copy.deepcopy(task.data)  # all writes land, or none; shallow enough (below)
    for path, payload, append, recursive in writes:
        taskdata.set_value(draft, path, payload, append=append, recursive=recursive)
    # Legal writes can nest into each other (or a long path can build the depth); the
    # stored data must stay shallow enough to copy and render on every later call.
    storable.check_depth(draft, f"the data of task {task.id} after these writes")
    task.data = draft
    return SUCCESS


def request_direct(call: Call, p: Params) -> Any:
    """Stands in for the app behind a task: answers its health commands, echoes the rest."""
    task = call.world.task(p.req_int("taskId"))
    command = p.req_str("command")
    state = p.mapping("state", {})
    p.mapping("context", {})
    if task.status not in (Status.STARTED, Status.DEPLOYED):
        raise ApiError(
            400,
            "Task is not running",
            f"task {task.id} is {task.status!s}; only a started or deployed app answers requests",
        )
    if p.boolean("skipResponse"):
        return SUCCESS
    if command == "is_running":
        return {"running": True}
    if command == "is_ready":
        ready = task.status is Status.DEPLOYED or task.type != str(PluginTaskType.INFERENCE_RPC)
        return {"status": "ready" if ready else "not_ready"}
    if command == "get_deploy_info" and kind_of(call.world, task) == "serve":
        return _deploy_info(task)
    return state


def _deploy_info(task: Task) -> dict[str, Any]:
    """What a serving app says about its model (`api.nn` reads it)."""
    model = str(task.meta.get("params", {}).get("state", {}).get("modelName", "custom-model"))
    return {
        "model_name": model,
        "checkpoint_name": f"{model}.pt",
        "checkpoint_url": f"/experiments/{task.id}/checkpoints/{model}.pt",
        "task_type": "object detection",
        "model_source": "Pretrained models",
        "device": "cuda:0",
        "runtime": "PyTorch",
        "hardware": "NVIDIA A100-SXM4-80GB",
        "deploy_params": {},
    }


def checkpoints_clear(call: Call, p: Params) -> Any:
    """Delete the unused checkpoints: every one but the newest and the best."""
    checkpoints = call.sim.checkpoints_of(call.world.task(p.req_int("id")))
    kept = [c for c in checkpoints[:-1] if c.get("isBest")] + checkpoints[-1:]
    deleted = len(checkpoints) - len(kept)
    checkpoints[:] = kept
    return {"success": True, "deleted": deleted}


def _task_from_header(call: Call) -> Task:
    header = call.headers.get("x-task-id")
    if header:
        return call.world.task(parse_int(header, "header 'x-task-id'"))
    part = call.parts.get("taskId")
    if part is None:
        raise bad_request("send the task id in the x-task-id header")
    return call.world.task(parse_int(_text(part), "multipart field 'taskId'"))


def _store_file(call: Call, task: Task, path: str, content: bytes) -> str:
    content_hash = file_hash(content)
    task.import_files.append(ImportFile(path, content_hash, len(content), lambda: content))
    call.world.known_hashes.setdefault(content_hash, lambda: content)
    return content_hash


def files_add_by_hash(call: Call, p: Params) -> Any:
    task = call.world.task(p.req_int("taskId"))
    items = []
    for item in p.objects("files"):
        name, content_hash = item.req_str("name"), item.req_str("hash")
        if content_hash not in call.world.known_hashes:
            raise bad_request(f"{item.where}: no file with hash {content_hash!r} on the server")
        items.append((name, content_hash))
    for name, content_hash in items:
        load = call.world.known_hashes[content_hash]
        task.import_files.append(ImportFile(name, content_hash, len(load()), load))
    return SUCCESS


def files_upload(call: Call, p: Params) -> Any:
    task = _task_from_header(call)
    files: list[tuple[str, bytes]] = []
    for name, part in call.parts.items():
        if not name.isdigit():
            continue
        described = storable.decode(part.content, f"part {name}")
        if not isinstance(described, dict):
            raise bad_request(f"part {name!r} must be JSON {{fullpath, hash}}")
        item = Params(described, where=f"part {name}")
        file_part = call.parts.get(f"{name}-file")
        if file_part is None:
            raise bad_request(f"part {name!r} has no matching {name + '-file'!r} part")
        claimed = item.opt_str("hash")
        if claimed is not None and claimed != file_hash(file_part.content):
            raise bad_request(f"part {name!r}: the hash does not match the uploaded bytes")
        files.append((item.req_str("fullpath"), file_part.content))
    if not files:
        raise bad_request("no files in the upload (expected parts '0' and '0-file', …)")
    for path, content in files:
        _store_file(call, task, path, content)
    return SUCCESS


def upload_dtl_archive(call: Call, p: Params) -> Any:
    parts = call.parts
    missing = [k for k in ("id", "name", "archive") if k not in parts]
    if missing:
        raise bad_request(f"multipart field(s) missing: {', '.join(missing)}")
    task = call.world.task(parse_int(_text(parts["id"]), "multipart field 'id'"))
    archive = parts["archive"]
    name = _text(parts["name"])
    content_hash = _store_file(call, task, archive.filename or f"{name}.tar", archive.content)
    task.meta["archive"] = {"name": name, "size": len(archive.content), "hash": content_hash}
    return SUCCESS


def _text(part: Part) -> str:
    return part.content.decode("utf-8", "replace")


HANDLERS: dict[str, Handler] = {
    "tasks.list": tasks_list,
    "tasks.info": tasks_info,
    "apps.tasks.list": apps_tasks_list,
    "GetTaskContext": task_context,
    "tasks.log.download": log_download,
    "tasks.train-metrics": train_metrics,
    "tasks.checkpoints.list": checkpoints_list,
    "tasks.checkpoints.clear": checkpoints_clear,
    "tasks.import.files_list": import_files_list,
    "tasks.import.download_file": import_download,
    "tasks.data.get": data_get,
    "tasks.data.set": data_set,
    "images.internal.hashes.list": known_hashes,
    "tasks.stop": tasks_stop,
    "tasks.status.update": status_update,
    "tasks.run.app": run_app,
    "tasks.run.plugin": run_plugin,
    "tasks.run.dtl": run_dtl,
    "tasks.run.deploy": run_deploy,
    "tasks.run.python": run_python,
    "tasks.logs.add": logs_add,
    "tasks.output.set": output_set,
    "tasks.meta.update": meta_update,
    "tasks.request.direct": request_direct,
    "tasks.files.bulk.add-by-hash": files_add_by_hash,
    "tasks.files.bulk.upload": files_upload,
    "tasks.upload.dtl_archive": upload_dtl_archive,
}
