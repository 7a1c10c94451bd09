"""How task facts read on screen: the dashboard's local-time stamps, plus the shared text
helpers of `sly_tui.present` (re-exported, so screens keep writing `fmt.task_name`).

Pure functions over API models, tested without a terminal.
"""

from __future__ import annotations

from datetime import datetime

from sly_tui.present import (
    app_label,
    duration,
    list_progress,
    output_lines,
    output_summary,
    progress_text,
    task_duration,
    task_name,
)

__all__ = [
    "app_label",
    "duration",
    "list_progress",
    "output_lines",
    "output_summary",
    "progress_text",
    "started",
    "task_duration",
    "task_name",
    "timestamp",
]


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
