"""The `output` values of `tasks.output.set`, byte-compatible with the SDK's.

The web UI renders these in the task list's output column, so their keys, icons and
colours must be exactly what the SDK writes. Pure functions: `TaskApi` sends them.
"""

from __future__ import annotations

from typing import Any

GREEN = "#33c94c"
GREEN_BACKGROUND = "#d9f7e4"


def _icon(class_name: str, color: str, background: str) -> dict[str, str]:
    return {"className": class_name, "color": color, "backgroundColor": background}


def project(project_id: int, title: str | None, preview: str | None) -> dict[str, Any]:
    """A link to a project, with its preview image when known."""
    link: dict[str, Any] = {"id": project_id, "title": title}
    if preview is not None:
        link["preview"] = preview
    return {"project": link}


def file_link(
    title: str, url: str, *, description: str, icon: str, download: bool = False
) -> dict[str, Any]:
    """The SDK's "custom output": a green-iconed link to a team file or directory."""
    return {
        "general": {
            "icon": _icon(icon, GREEN, GREEN_BACKGROUND),
            "title": title,
            "titleUrl": url,
            "download": download,
            "description": description,
        }
    }


def notice(
    title: str,
    description: str | None,
    *,
    show_logs: bool,
    is_error: bool,
    icon: str,
    color: str,
    background: str,
) -> dict[str, Any]:
    """A titled message (error or plain text) with an optional description."""
    general: dict[str, Any] = {
        "icon": _icon(icon, color, background),
        "title": title,
        "showLogs": show_logs,
        "isError": is_error,
    }
    if description is not None:
        general["description"] = description
    return {"general": general}


def experiment(info: dict[str, Any]) -> dict[str, Any]:
    return {"experiment": {"data": dict(info)}}
