"""How task facts read as text: durations, times, names, output summaries, progress.

Pure functions over API models, shared by the dashboard (`sly_tui.ui.format` re-exports
them) and the headless commands, which must not import anything under `sly_tui.ui`. They
live outside `ui` so that `sly-tui tasks` never loads Textual. Everything that comes from
the server goes through `sly_tui.text` before it is returned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sly_tui.api import ProgressRecord, TaskInfo
from sly_tui.text import one_line


def duration(seconds: float | None) -> str:
    """`42s`, `3m05s`, `2h07m`, `3d04h` — short enough for a table column."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def task_duration(task: TaskInfo, now: datetime) -> float | None:
    """Run time so far (running) or in total (ended); None before the task starts."""
    if task.started_at is None:
        return None
    end = task.finished_at if task.finished_at is not None else now
    if not task.is_active and task.finished_at is None:
        return None
    return (end - task.started_at).total_seconds()


def started(moment: datetime | None, now: datetime) -> str:
    """Local time today, else the date: `14:03`, `11-24 09:12`, `2025-03-02`."""
    if moment is None:
        return ""
    local = moment.astimezone()
    here = now.astimezone()
    if local.date() == here.date():
        return local.strftime("%H:%M:%S")
    if local.year == here.year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")


def timestamp(moment: datetime | None) -> str:
    """Full local timestamp for detail views."""
    if moment is None:
        return "—"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def task_name(task: TaskInfo) -> str:
    """The session name, else the app name, else the description, else the type."""
    meta_name = task.meta.get("name")
    for candidate in (meta_name, task.app.get("name"), task.description):
        if isinstance(candidate, str) and candidate.strip():
            return one_line(candidate.strip())
    return one_line(task.type or "task")


def app_label(task: TaskInfo) -> str:
    """`App name v1.2.3` when the task is an app session."""
    name = task.app.get("name")
    if not isinstance(name, str):
        return ""
    version = task.app.get("version")
    suffix = f" {version}" if isinstance(version, str) and version else ""
    return one_line(f"{name}{suffix}")


def output_summary(task: TaskInfo) -> str:
    """One line for the list's output column."""
    output = task.output
    project = output.get("project")
    if isinstance(project, dict):
        title = project.get("title") or project.get("name") or project.get("id")
        return one_line(f"project {title}")
    general = output.get("general")
    if isinstance(general, dict):
        title = general.get("title")
        if general.get("isError"):
            return one_line(f"error: {title}" if title else "error")
        return one_line(str(title)) if title is not None else "output"
    model = output.get("model")
    if isinstance(model, dict):
        return one_line(f"model {model.get('title') or model.get('id')}")
    if "experiment" in output:
        return "experiment"
    return ""


def output_lines(task: TaskInfo) -> list[tuple[str, str]]:
    """Readable (label, text) pairs for every output the task has set."""
    lines: list[tuple[str, str]] = []
    output = task.output
    project = output.get("project")
    if isinstance(project, dict):
        lines.append(("project", f"{project.get('title', '')} (id {project.get('id')})"))
    model = output.get("model")
    if isinstance(model, dict):
        lines.append(("model", f"{model.get('title', '')} (id {model.get('id')})"))
    general = output.get("general")
    if isinstance(general, dict):
        lines.extend(_general_lines(general))
    if "experiment" in output:
        lines.append(("experiment", "experiment info set"))
    return [(label, one_line(str(text))) for label, text in lines]


def _general_lines(general: dict[str, Any]) -> list[tuple[str, str]]:
    if general.get("isError"):
        lines = [("error", str(general.get("title", "")))]
        if general.get("description"):
            lines.append(("description", str(general["description"])))
        return lines
    icon = general.get("icon")
    kind = "output"
    if isinstance(icon, dict) and isinstance(icon.get("className"), str):
        kind = {
            "zmdi zmdi-receipt": "report",
            "zmdi zmdi-archive": "archive",
            "zmdi zmdi-file": "file",
            "zmdi zmdi-folder": "directory",
        }.get(icon["className"], "text")
    lines = [(kind, str(general.get("title", "")))]
    if general.get("titleUrl"):
        lines.append(("link", str(general["titleUrl"])))
    if general.get("description"):
        lines.append(("description", str(general["description"])))
    return lines


def progress_text(record: ProgressRecord | None) -> str:
    """`37%` or `12/40` or the byte labels, for the list's progress column."""
    if record is None:
        return ""
    if record.current_label and record.total_label:
        return one_line(f"{record.current_label}/{record.total_label}")
    fraction = record.fraction
    if fraction is not None:
        return f"{fraction * 100:.0f}%"
    if record.current is not None:
        return str(record.current)
    return ""


def list_progress(task: TaskInfo) -> ProgressRecord | None:
    """The progress the server attached to a list entry, if any (`withProgress`)."""
    raw = task.raw.get("progress")
    if isinstance(raw, list):
        raw = raw[-1] if raw else None
    if not isinstance(raw, dict):
        return None
    return ProgressRecord.from_entry({"message": "progress", **raw})
