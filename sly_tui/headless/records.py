"""The JSON the headless commands print: fixed keys, ISO-8601 UTC times, null when absent.

Scripts depend on these shapes, so every key is always present (tests compare the exact key
sets) and new facts get new keys rather than new meanings for old ones.

A task (`sly-tui tasks --json`, and `task` under `sly-tui task ID --json`):

    id            int
    name          str    session name, else app name, else description, else type
    type          str | null
    status        str | null   queued consumed started deployed error finished terminating stopped
    description   str | null
    app           {id, module_id, name, version} | null   (id/module_id int|null, others str|null)
    agent         {id, name} | null
    user          {id, login} | null
    team_id       int | null
    workspace_id  int | null
    created_at    str | null   e.g. "2026-11-27T12:00:05.000Z"
    started_at    str | null
    finished_at   str | null
    output        str | null   one-line summary of what the task produced
    progress      progress | null   what the server attached to a running task

A progress record: `{subtask, current, total, current_label, total_label}`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sly_tui.api import ProgressRecord, TaskContext, TaskInfo
from sly_tui.present import list_progress, output_lines, output_summary, task_name


def iso(moment: datetime | None) -> str | None:
    """The server's own format: UTC, milliseconds, `Z`."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _typed(value: Any, kind: type) -> Any:
    """A meta value of the expected JSON type, else null (meta is free-form)."""
    return value if isinstance(value, kind) and not isinstance(value, bool) else None


def task_record(task: TaskInfo) -> dict[str, Any]:
    app = task.app
    has_agent = task.agent_id is not None or task.agent_name is not None
    has_user = task.user_id is not None or task.user_login is not None
    summary = output_summary(task)
    return {
        "id": task.id,
        "name": task_name(task),
        "type": task.type,
        "status": None if task.status is None else str(task.status),
        "description": task.description,
        "app": {
            "id": _typed(app.get("id"), int),
            "module_id": _typed(app.get("moduleId"), int),
            "name": _typed(app.get("name"), str),
            "version": _typed(app.get("version"), str),
        }
        if app
        else None,
        "agent": {"id": task.agent_id, "name": task.agent_name} if has_agent else None,
        "user": {"id": task.user_id, "login": task.user_login} if has_user else None,
        "team_id": task.team_id,
        "workspace_id": task.workspace_id,
        "created_at": iso(task.created_at),
        "started_at": iso(task.started_at),
        "finished_at": iso(task.finished_at),
        "output": summary or None,
        "progress": progress_record(list_progress(task)),
    }


def progress_record(record: ProgressRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "subtask": record.subtask,
        "current": record.current,
        "total": record.total,
        "current_label": record.current_label,
        "total_label": record.total_label,
    }


def detail_record(
    task: TaskInfo,
    context: TaskContext | None,
    progress: dict[str | None, ProgressRecord],
) -> dict[str, Any]:
    """`sly-tui task ID --json`: `{task, context, outputs, progress, meta}`.

    `context` is `{team: {id, name}, workspace: {id, name}}` (null if unknown), `outputs`
    a list of `{kind, text}` (kind: project, model, report, archive, file, directory, text,
    link, description, error, experiment), `progress` the latest record of each subtask
    in the log, the most recent last, and `meta` the task's meta exactly as the server sent it.
    """
    return {
        "task": task_record(task),
        "context": None
        if context is None
        else {
            "team": {"id": context.team_id, "name": context.team_name},
            "workspace": {"id": context.workspace_id, "name": context.workspace_name},
        },
        "outputs": [{"kind": kind, "text": text} for kind, text in output_lines(task)],
        "progress": [progress_record(record) for record in progress.values()],
        "meta": task.meta,
    }
