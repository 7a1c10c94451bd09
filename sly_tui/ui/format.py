"""How task facts read on screen. The helpers live in `sly_tui.present`, outside `ui`, so the
headless commands can share them without loading Textual; this module re-exports them so
screens keep writing `fmt.task_name`."""

from __future__ import annotations

from sly_tui.present import (
    app_label,
    duration,
    list_progress,
    output_lines,
    output_summary,
    progress_text,
    started,
    task_duration,
    task_name,
    timestamp,
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
