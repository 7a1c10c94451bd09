"""`client.tasks`: one async method per method of the SDK's `TaskApi`.

Names, argument order and wire bodies follow the SDK (6.73.357, plus `get_logs`, `is_running`
and `is_ready` from later releases) so that SDK examples translate line by line. Deliberate
differences: every task id argument is called `task_id`; replies are typed models instead
of dicts where the shape is known; caller dicts are never mutated.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncGenerator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sly_tui.api import outputs
from sly_tui.api.errors import (
    ApiError,
    BadRequest,
    NotFound,
    OutcomeUnknown,
    ProtocolError,
    ServerError,
    TaskFinishedWithError,
    WaitingTimeExceeded,
)
from sly_tui.api.models import Checkpoint, LogEntry, Page, StartedTask, TaskContext, TaskInfo
from sly_tui.api.namespace import Namespace
from sly_tui.api.neighbours import FilesApi, Filters, ModelsApi, ProjectsApi
from sly_tui.api.pagination import PageProgress, iter_pages
from sly_tui.api.parsing import (
    enum_or_text,
    expect_list,
    expect_object,
    list_of,
    read_int,
    read_mapping,
)
from sly_tui.api.transfer import (
    ByteProgress,
    FileProgress,
    save_stream,
    upload_archive,
    upload_task_files,
)
from sly_tui.api.transport import Transport
from sly_tui.enums import PluginTaskType, RestartPolicy, Status

_OUTPUT = "tasks.output.set"
NOT_STOPPABLE = 501  # `tasks.stop` on a task whose type can't be stopped (API reference)
PROGRESS_CONCURRENCY = 8  # `tasks.info` requests in flight at once in `get_progress`
# `wait` stops on any of these besides the target, as the SDK does (`sly-tui wait` too).
WAIT_ENDS = frozenset({Status.FINISHED, Status.DEPLOYED, Status.STOPPED})
# How far back a start whose reply was lost is looked for, and in how many newest tasks.
_LOST_START_WINDOW = timedelta(minutes=1)
_LOST_START_PAGE = 20
_status = enum_or_text(Status)


def _task_id(value: Any) -> int:
    """The `{"taskId": N}` reply of the legacy starters."""
    return read_int(read_mapping(value, "taskId", "the reply"), "'taskId'")


def _status_of(value: Any) -> Status | str:
    status = _status(read_mapping(value, "status", "the reply"), "'status'")
    if status is None:
        raise ProtocolError("The reply's 'status' is null.")
    return status


def _started(value: Any) -> StartedTask:
    started = expect_list(value, "the tasks.run.app reply")
    if not started:
        raise ProtocolError("The server started no task (empty list).")
    return StartedTask.from_json(started[0])


_logs = list_of(LogEntry.from_json, "the log")
_checkpoints = list_of(Checkpoint.from_json, "the checkpoints", skip_bad=True)


_UNDATED = datetime.min.replace(tzinfo=UTC)


def _iso(moment: datetime | str) -> str:
    """`sinceTime` as the server writes timestamps: UTC, milliseconds, `Z`."""
    if isinstance(moment, str):
        return moment
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TaskApi(Namespace):
    """Tasks of a workspace: list, inspect, start, stop, and what running apps write."""

    def __init__(
        self, transport: Transport, *, files: FilesApi, projects: ProjectsApi, models: ModelsApi
    ) -> None:
        super().__init__(transport)
        self._files = files
        self._projects = projects
        self._models = models

    # Reading ---------------------------------------------------------------------------

    async def get_list(
        self,
        workspace_id: int,
        filters: Filters | None = None,
        progress_cb: PageProgress | None = None,
    ) -> list[TaskInfo]:
        """Every task of the workspace matching `filters` (`[{"field", "operator", "value"}]`;
        the API documents `id`, `type` and `status` with `=`, `eq`, `!=`, `not`, `in`, `!in`)."""
        body = self._list_body(workspace_id, filters)
        return await self._list("tasks.list", body, TaskInfo.from_json, progress_cb)

    def iter_list_pages(
        self,
        workspace_id: int,
        filters: Filters | None = None,
        per_page: int | None = None,
        *,
        newest_first: bool = False,
        strict: bool = True,
        newest_by: str = "id",
    ) -> AsyncGenerator[Page[TaskInfo], None]:
        """The same list page by page, so a screen can show the first rows at once.

        `per_page` is sent with the first request too (the SDK only copies the server's page
        size into later requests); without it the server picks. `newest_first` sorts by id
        (or `newest_by`: `startedAt`, `finishedAt`, the documented time keys) descending, so
        the first page holds the tasks people look at first. `strict=False`
        leaves the page-count check to the caller (see `iter_pages`).
        """
        body = self.list_query(
            workspace_id, filters, newest_first=newest_first, newest_by=newest_by
        )
        return iter_pages(
            self._t, "tasks.list", body, TaskInfo.from_json, per_page=per_page, strict=strict
        )

    @staticmethod
    def _list_body(workspace_id: int, filters: Filters | None) -> dict[str, Any]:
        return {"workspaceId": workspace_id, "filter": list(filters or [])}

    @classmethod
    def list_query(
        cls,
        workspace_id: int,
        filters: Filters | None = None,
        *,
        newest_first: bool = False,
        newest_by: str = "id",
    ) -> dict[str, Any]:
        """The body of `iter_list_pages`'s first request (without `per_page`)."""
        body = cls._list_body(workspace_id, filters)
        if newest_first:
            body.update(sort=newest_by, sort_order="desc")
        return body

    async def get_info_by_id(self, task_id: int, with_progress: bool = False) -> TaskInfo | None:
        """`with_progress` sends `withProgress` (documented for `tasks.info`, not for
        `tasks.list`), asking the server to attach the latest progress of a running task,
        kept in `TaskInfo.raw["progress"]`."""
        extra = {"withProgress": True} if with_progress else None
        return await self._info("tasks.info", task_id, TaskInfo.from_json, extra=extra)

    async def get_progress(self, task_ids: Sequence[int]) -> dict[int, Any]:
        """The latest progress the server keeps for each task, by id: one `tasks.info` with
        `withProgress` per task, a few at a time. Tasks without progress, or gone, are left
        out."""
        gate = asyncio.Semaphore(PROGRESS_CONCURRENCY)

        async def one(task_id: int) -> TaskInfo | None:
            async with gate:
                return await self.get_info_by_id(task_id, with_progress=True)

        infos = await asyncio.gather(*(one(task_id) for task_id in task_ids))
        return {
            info.id: info.raw["progress"]
            for info in infos
            if info is not None and info.raw.get("progress") is not None
        }

    async def get_status(self, task_id: int) -> Status | str:
        """The task's status; an unknown task is `NotFound` (the SDK fails on None here)."""
        return await self._t.call("tasks.info", {"id": task_id}, parse=_status_of)

    async def wait(
        self,
        task_id: int,
        target_status: Status | str,
        attempts: int | None = None,
        attempt_delay_sec: float | None = None,
    ) -> Status | str:
        """Poll until the task reaches `target_status` or finishes, deploys or stops.

        Returns the status seen last. `error` raises `TaskFinishedWithError`; running out of
        attempts (default 999, one second apart, as in the SDK) raises `WaitingTimeExceeded`.
        """
        attempts = attempts or 999
        delay = attempt_delay_sec or 1.0
        for attempt in range(attempts):
            status = await self.get_status(task_id)
            if status == Status.ERROR:
                raise TaskFinishedWithError(task_id)
            if status == target_status or status in WAIT_ENDS:
                return status
            if attempt < attempts - 1:
                await self._t.sleep(delay)
        raise WaitingTimeExceeded(task_id, str(target_status), attempts, delay)

    async def get_context(self, task_id: int) -> TaskContext:
        return await self._t.call("GetTaskContext", {"id": task_id}, parse=TaskContext.from_json)

    async def get_logs(
        self, task_id: int, since_time: datetime | str | None = None, limit: int | None = None
    ) -> list[LogEntry]:
        """`tasks.log.download` (a GET): entries after `since_time`, at most `limit` of them
        (a server may send fewer: read again from the last one until none is new).

        Ordered by timestamp whatever order they arrive in (undated ones first), since the
        reply's order is not documented and readers resume from the latest timestamp.
        A 404 (`NotFound`) is either a missing task or, for a task that exists, a server
        without this endpoint (older instances); callers that know the task tell them apart.
        """
        params: dict[str, Any] = {"id": task_id}
        if since_time is not None:
            params["sinceTime"] = _iso(since_time)
        if limit is not None:
            params["limit"] = limit
        entries = await self._t.call_get("tasks.log.download", params, parse=_logs)
        entries.sort(key=lambda e: (e.timestamp is not None, e.timestamp or _UNDATED))
        return entries

    async def get_training_metrics(self, task_id: int) -> Any | None:
        """The raw metrics of a legacy train task; None when the server has none (404)."""
        return await self._info("tasks.train-metrics", task_id, lambda v: v, id_field="taskId")

    async def get_fields(self, task_id: int, fields: Sequence[str]) -> dict[str, Any]:
        """Values of app data paths (`"state"`, `"data.progress"` …) by path."""

        def result(value: Any) -> dict[str, Any]:
            return expect_object(read_mapping(value, "result", "the reply"), "'result'")

        body = {"taskId": task_id, "fields": list(fields)}
        return await self._t.call("tasks.data.get", body, parse=result)

    async def get_field(self, task_id: int, field: str) -> Any:
        return (await self.get_fields(task_id, [field])).get(field)

    async def get_import_files_list(self, task_id: int) -> Any:
        return await self._t.call("tasks.import.files_list", {"id": task_id})

    async def download_import_file(
        self,
        task_id: int,
        file_path: str,
        save_path: str | os.PathLike[str],
        progress_cb: ByteProgress | None = None,
    ) -> None:
        """Stream one imported file to `save_path`; nothing appears there unless it completes."""
        body = {"id": task_id, "filename": file_path}
        async with self._t.stream("tasks.import.download_file", body) as download:
            await save_stream(download, save_path, progress_cb)

    async def list_checkpoints(self, task_id: int) -> list[Checkpoint]:
        """Checkpoints of a train task (their keys are undocumented; see `Checkpoint`)."""
        await self._require_train(task_id, "tasks.checkpoints.list")
        return await self._t.call("tasks.checkpoints.list", {"id": task_id}, parse=_checkpoints)

    async def delete_unused_checkpoints(self, task_id: int) -> Any:
        self._t.check_writable("tasks.checkpoints.clear")
        await self._require_train(task_id, "tasks.checkpoints.clear")
        return await self._t.call("tasks.checkpoints.clear", {"id": task_id})

    async def _require_train(self, task_id: int, rpc: str) -> None:
        """Checkpoints exist only for train tasks; the SDK checks this before asking."""
        info = await self._t.call("tasks.info", {"id": task_id}, parse=TaskInfo.from_json)
        if info.type != PluginTaskType.TRAIN:
            raise BadRequest(
                f"Task {task_id} is of type {info.type!r}; only train tasks have checkpoints.",
                method=rpc,
            )

    # Starting and stopping ---------------------------------------------------------------

    async def start(
        self,
        agent_id: int | None,
        app_id: int | None = None,
        workspace_id: int | None = None,
        description: str = "application description",
        params: Mapping[str, Any] | None = None,
        log_level: str = "info",
        users_ids: Sequence[int] | None = None,
        app_version: str = "",
        is_branch: bool = False,
        task_name: str = "pythonSpawned",
        restart_policy: RestartPolicy | str = RestartPolicy.NEVER,
        proxy_keep_url: bool = False,
        module_id: int | None = None,
        redirect_requests: Mapping[str, int] | None = None,
        limit_by_workspace: bool = False,
    ) -> StartedTask:
        """Start an app session (`tasks.run.app`) from an installed app or an ecosystem module.

        Exactly one of `app_id` and `module_id` must be given.
        """
        if (app_id is None) == (module_id is None):
            raise ValueError("give exactly one of app_id and module_id")
        body: dict[str, Any] = {
            "agentId": agent_id,
            "workspaceId": workspace_id,
            "description": description,
            "params": dict(params) if params is not None else {"state": {}},
            "logLevel": log_level,
            "usersIds": list(users_ids or []),
            "appVersion": app_version,
            "isBranch": is_branch,
            "taskName": task_name,
            "restartPolicy": str(restart_policy),
            "proxyKeepUrl": proxy_keep_url,
            "advancedSettings": {"limitByWorkspace": limit_by_workspace},
        }
        if redirect_requests:
            body["redirectRequests"] = dict(redirect_requests)
        if app_id is not None:
            body["appId"] = app_id
        else:
            body["moduleId"] = module_id
        try:
            return await self._t.call("tasks.run.app", body, parse=_started)
        except OutcomeUnknown as exc:
            found = await self._lost_start(workspace_id, app_id, module_id)
            raise OutcomeUnknown(exc.cause, task_id=found) from None

    async def _lost_start(
        self, workspace_id: int | None, app_id: int | None, module_id: int | None
    ) -> int | None:
        """The newest task of this app created in the last minute: what a `tasks.run.app`
        whose reply was lost may have started. None when nothing matches or the look-up
        fails too; someone else starting the same app meanwhile is indistinguishable."""
        if workspace_id is None:
            return None
        pages = self.iter_list_pages(
            workspace_id, per_page=_LOST_START_PAGE, newest_first=True, strict=False
        )
        try:
            newest = (await anext(pages)).entities
        except (ApiError, StopAsyncIteration):
            return None
        since = self._t.server_clock.now() - _LOST_START_WINDOW  # the list's reply set it
        for task in newest:
            same = (app_id is not None and task.app.get("id") == app_id) or (
                module_id is not None and task.app.get("moduleId") == module_id
            )
            if same and task.created_at is not None and task.created_at >= since:
                return task.id
        return None

    async def stop(self, task_id: int) -> Status | str:
        """Ask the task to stop; the reply is normally `terminating`.

        The API reference documents a 501 for "task with this type can't be stopped": that
        is a refusal about this task (`BadRequest`), not a server failure.
        """
        try:
            return await self._t.call("tasks.stop", {"id": task_id}, parse=_status_of)
        except ServerError as exc:
            if exc.status != NOT_STOPPABLE:
                raise
            raise BadRequest(
                f"The server cannot stop task {task_id}: tasks of its type can't be stopped "
                f"(HTTP {NOT_STOPPABLE}).",
                method="tasks.stop",
                status=NOT_STOPPABLE,
                detail=exc.detail,
            ) from None

    async def update_status(self, task_id: int, status: Status | str) -> None:
        try:
            value = Status(str(status))
        except ValueError:
            raise ValueError(f"{status!r} is not a task status") from None
        await self._t.send("tasks.status.update", {"id": task_id, "status": value.value})

    async def run_dtl(self, workspace_id: int, dtl_graph: Any, agent_id: int | None = None) -> int:
        body = {"workspaceId": workspace_id, "config": dtl_graph, "advanced": {"agentId": agent_id}}
        return await self._t.call("tasks.run.dtl", body, parse=_task_id)

    async def run_train(
        self,
        agent_id: int,
        input_project_id: int,
        input_model_id: int,
        result_nn_name: str,
        train_config: Mapping[str, Any] | None = None,
    ) -> int:
        return await self._run_plugin(
            PluginTaskType.TRAIN,
            agent_id,
            input_project_id,
            input_model_id,
            result_nn_name,
            train_config,
        )

    async def run_inference(
        self,
        agent_id: int,
        input_project_id: int,
        input_model_id: int,
        result_project_name: str,
        inference_config: Mapping[str, Any] | None = None,
    ) -> int:
        return await self._run_plugin(
            PluginTaskType.INFERENCE,
            agent_id,
            input_project_id,
            input_model_id,
            result_project_name,
            inference_config,
        )

    async def _run_plugin(
        self,
        task_type: PluginTaskType,
        agent_id: int,
        project_id: int,
        model_id: int,
        result_name: str,
        config: Mapping[str, Any] | None,
    ) -> int:
        """`tasks.run.plugin` with the model's plugin, looked up first as the SDK does."""
        self._t.check_writable("tasks.run.plugin")
        model = await self._models.get_info_by_id(model_id)
        if model is None:
            raise NotFound(f"Model {model_id} does not exist.", method="models.info", status=404)
        body = {
            "taskType": task_type.value,
            "agentId": agent_id,
            "pluginId": model.plugin_id,
            "version": None,
            "config": dict(config or {}),
            "projects": [project_id],
            "models": [model_id],
            "name": result_name,
        }
        return await self._t.call("tasks.run.plugin", body, parse=_task_id)

    async def deploy_model(
        self,
        agent_id: int,
        model_id: int,
        attempts: int | None = None,
        attempt_delay_sec: float | None = None,
    ) -> int:
        """Deploy the model unless a task already serves it, then wait until it is deployed."""
        task_id = await self.deploy_model_async(agent_id, model_id)
        await self.wait(task_id, Status.DEPLOYED, attempts, attempt_delay_sec)
        return task_id

    async def deploy_model_async(self, agent_id: int, model_id: int) -> int:
        """The serving task of the model, started (`tasks.run.deploy`) if there is none."""
        serving = await self._models.get_deploy_tasks(model_id)
        if serving:
            return serving[0]
        body = {
            "agentId": agent_id,
            "modelId": model_id,
            "restartPolicy": RestartPolicy.NEVER.value,
            "settings": {"gpu_device": 0},
            "pluginId": None,
            "version": None,
        }
        return await self._t.call("tasks.run.deploy", body, parse=_task_id)

    async def create_task_detached(self, workspace_id: int) -> int:
        """A task that no agent runs, for scripts that report into it (`tasks.run.python`)."""
        body = {"workspaceId": workspace_id, "script": "xxx", "advanced": {"ignoreAgent": True}}
        return await self._t.call("tasks.run.python", body, parse=_task_id)

    # Talking to a running app ------------------------------------------------------------

    async def send_request(
        self,
        task_id: int,
        method: str,
        data: Mapping[str, Any],
        context: Mapping[str, Any] | None = None,
        skip_response: bool = False,
        timeout: int | None = 60,  # noqa: ASYNC109 - the app's deadline, sent to the server
        outside_request: bool = True,
        retries: int | None = None,
    ) -> Any:
        """Call `method` of a running app (`tasks.request.direct`) and return its answer."""
        if not isinstance(data, Mapping):
            raise TypeError("data must be a mapping")
        body = {
            "taskId": task_id,
            "command": method,
            "context": {**(context or {}), "outside_request": outside_request},
            "state": dict(data),
            "skipResponse": skip_response,
            "timeout": timeout,
        }
        # The server holds the reply until the app answers or `timeout` passes.
        wait = None if timeout is None else timeout + 5
        return await self._t.call("tasks.request.direct", body, retries=retries, wait=wait)

    async def is_running(self, task_id: int) -> bool:
        """True when the app answers `is_running` at all (one attempt, as in the SDK)."""
        try:
            await self.send_request(task_id, "is_running", {}, retries=1)
        except ApiError as exc:
            if exc.status is None:
                raise
            return False
        return True

    async def is_ready(self, task_id: int) -> bool:
        """True when the app answers `is_ready` with `{"status": "ready"}`."""
        try:
            reply = await self.send_request(task_id, "is_ready", {}, retries=1)
        except ApiError as exc:
            if exc.status is None:
                raise
            return False
        return isinstance(reply, dict) and reply.get("status") == "ready"

    # Writing what a running app produces -------------------------------------------------

    async def set_fields(self, task_id: int, fields: Sequence[Mapping[str, Any]]) -> Any:
        """Write app data paths: each item has `field`, `payload` and optional `append`,
        `recursive` (merge semantics are the server's)."""
        for index, item in enumerate(fields):
            missing = [key for key in ("field", "payload") if key not in item]
            if missing:
                raise ValueError(f"fields[{index}] lacks {', '.join(missing)}")
        body = {"taskId": task_id, "fields": [dict(item) for item in fields]}
        return await self._t.call("tasks.data.set", body)

    async def set_fields_from_dict(self, task_id: int, d: Mapping[str, Any]) -> Any:
        return await self.set_fields(
            task_id, [{"field": key, "payload": value} for key, value in d.items()]
        )

    async def set_field(
        self,
        task_id: int,
        field: str,
        payload: Any,
        append: bool = False,
        recursive: bool = False,
    ) -> Any:
        item = {"field": field, "payload": payload, "append": append, "recursive": recursive}
        return await self.set_fields(task_id, [item])

    async def update_meta(
        self,
        task_id: int,
        data: Mapping[str, Any],
        agent_storage_folder: str | None = None,
        relative_app_dir: str | None = None,
    ) -> None:
        """Merge keys into the task's `meta` (`tasks.meta.update`; `id` goes at top level)."""
        if (agent_storage_folder is None) != (relative_app_dir is None):
            raise ValueError("give both agent_storage_folder and relative_app_dir, or neither")
        body = {**data, "id": task_id}
        if agent_storage_folder is not None:
            body["agentStorageFolder"] = {
                "hostDir": agent_storage_folder,
                "folder": relative_app_dir,
            }
        await self._t.send("tasks.meta.update", body)

    async def submit_logs(
        self, logs: Sequence[Mapping[str, Any]], retries: int | None = None
    ) -> None:
        """`tasks.logs.add`. Not idempotent: the transport never sends it again once it may
        have arrived; `retries=1` also gives up on failures that prove it did not."""
        await self._t.send(
            "tasks.logs.add", {"logs": [dict(entry) for entry in logs]}, retries=retries
        )

    async def upload_files(
        self,
        task_id: int,
        abs_paths: Sequence[str],
        names: Sequence[str],
        progress_cb: FileProgress | None = None,
    ) -> None:
        await upload_task_files(self._t, task_id, abs_paths, names, progress_cb)

    async def upload_dtl_archive(self, task_id: int, archive_path: str) -> None:
        await upload_archive(self._t, task_id, archive_path)

    # Outputs (the link in the task list's output column) ---------------------------------

    async def _set_output(self, task_id: int, output: dict[str, Any]) -> Any:
        return await self._t.call(_OUTPUT, {"taskId": task_id, "output": output})

    async def _storage_url(self, file_id: int, file_url: str | None) -> str:
        """The file's storage path, asked from the server only when not given."""
        if file_url is not None:
            return file_url
        self._t.check_writable(_OUTPUT)
        info = await self._files.get_info_by_id(file_id)
        if info.storage_path is None:
            raise ProtocolError("The file has no 'storagePath'.", method="file-storage.info")
        return info.storage_path

    async def set_output_project(
        self,
        task_id: int,
        project_id: int,
        project_name: str | None = None,
        project_preview: str | None = None,
    ) -> Any:
        """Link a project; without a name, the name and preview come from `projects.info`."""
        if project_name is None:
            self._t.check_writable(_OUTPUT)
            project = await self._projects.get_info_by_id(project_id)
            if project is None:
                raise NotFound(
                    f"Project {project_id} does not exist.", method="projects.info", status=404
                )
            project_name, project_preview = project.name, project.reference_image_url
        return await self._set_output(
            task_id, outputs.project(project_id, project_name, project_preview)
        )

    async def set_output_report(
        self, task_id: int, file_id: int, file_name: str, description: str = "Report"
    ) -> Any:
        output = outputs.file_link(
            file_name, FilesApi.get_url(file_id), description=description, icon="zmdi zmdi-receipt"
        )
        return await self._set_output(task_id, output)

    async def set_output_archive(
        self, task_id: int, file_id: int, file_name: str, file_url: str | None = None
    ) -> Any:
        output = outputs.file_link(
            file_name,
            await self._storage_url(file_id, file_url),
            description="Download archive",
            icon="zmdi zmdi-archive",
            download=True,
        )
        return await self._set_output(task_id, output)

    async def set_output_file_download(
        self,
        task_id: int,
        file_id: int,
        file_name: str,
        file_url: str | None = None,
        download: bool = True,
    ) -> Any:
        output = outputs.file_link(
            file_name,
            await self._storage_url(file_id, file_url),
            description="Download file",
            icon="zmdi zmdi-file",
            download=download,
        )
        return await self._set_output(task_id, output)

    async def set_output_directory(self, task_id: int, file_id: int, directory_path: str) -> Any:
        output = outputs.file_link(
            directory_path,
            FilesApi.get_url(file_id),
            description="Directory",
            icon="zmdi zmdi-folder",
        )
        return await self._set_output(task_id, output)

    async def set_output_error(
        self,
        task_id: int,
        title: str,
        description: str | None = None,
        show_logs: bool = True,
    ) -> Any:
        output = outputs.notice(
            title,
            description,
            show_logs=show_logs,
            is_error=True,
            icon="zmdi zmdi-alert-octagon",
            color="#ff83a6",
            background="#ffeae9",
        )
        return await self._set_output(task_id, output)

    async def set_output_text(
        self,
        task_id: int,
        title: str,
        description: str | None = None,
        show_logs: bool = False,
        zmdi_icon: str = "zmdi-comment-alt-text",
        icon_color: str = outputs.GREEN,
        background_color: str = outputs.GREEN_BACKGROUND,
    ) -> Any:
        output = outputs.notice(
            title,
            description,
            show_logs=show_logs,
            is_error=False,
            icon=f"zmdi {zmdi_icon}",
            color=icon_color,
            background=background_color,
        )
        return await self._set_output(task_id, output)

    async def set_output_experiment(self, task_id: int, experiment_info: Mapping[str, Any]) -> Any:
        return await self._set_output(task_id, outputs.experiment(dict(experiment_info)))
