"""What sly-tui remembers between runs: the last team and workspace per server and per
saved profile, the tasks watched on each server (`W`), the theme.

Kept apart from `config.toml` (which the user edits) in the platform state directory.
A broken or unreadable state file is ignored: forgetting a selection is harmless.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from sly_tui.config import CONFIG_DIR_ENV, dump_toml, normalize_server_address
from sly_tui.secrets import write_private_file


def state_file() -> Path:
    if override := os.environ.get(CONFIG_DIR_ENV):
        return Path(override).expanduser() / "state.toml"
    from platformdirs import user_state_dir

    return Path(user_state_dir("sly-tui", appauthor=False)) / "state.toml"


def _load() -> dict:
    try:
        return tomllib.loads(state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load_selection(server: str) -> tuple[int, int] | None:
    entry = _load().get("servers", {}).get(normalize_server_address(server))
    if not isinstance(entry, dict):
        return None
    team, workspace = entry.get("team"), entry.get("workspace")
    if isinstance(team, int) and isinstance(workspace, int):
        return team, workspace
    return None


def save_selection(server: str, team_id: int, workspace_id: int) -> None:
    data = _load()
    servers = data.get("servers")
    if not isinstance(servers, dict):
        servers = {}
    servers[normalize_server_address(server)] = {"team": team_id, "workspace": workspace_id}
    _save({**data, "servers": servers})


def load_profile_selection(profile: str) -> tuple[int, int] | None:
    """The team and workspace last opened with the saved profile `profile`."""
    table = _load().get("profiles")
    entry = table.get(profile) if isinstance(table, dict) else None
    if not isinstance(entry, dict):
        return None
    team, workspace = entry.get("team"), entry.get("workspace")
    if isinstance(team, int) and isinstance(workspace, int):
        return team, workspace
    return None


def save_profile_selection(profile: str, team_id: int, workspace_id: int) -> None:
    data = _load()
    profiles = data.get("profiles")
    profiles = dict(profiles) if isinstance(profiles, dict) else {}
    profiles[profile] = {"team": team_id, "workspace": workspace_id}
    _save({**data, "profiles": profiles})


def load_watched(server: str) -> set[int]:
    """The ids of the tasks watched on `server` when the dashboard last ran."""
    table = _load().get("watched")
    ids = table.get(normalize_server_address(server)) if isinstance(table, dict) else None
    if not isinstance(ids, list):
        return set()
    return {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}


def save_watched(server: str, task_ids: set[int]) -> None:
    data = _load()
    watched = data.get("watched")
    watched = dict(watched) if isinstance(watched, dict) else {}
    key = normalize_server_address(server)
    if task_ids:
        watched[key] = sorted(task_ids)
    else:
        watched.pop(key, None)
    _save({**data, "watched": watched})


def load_theme() -> str | None:
    theme = _load().get("theme")
    return theme if isinstance(theme, str) else None


def save_theme(name: str) -> None:
    _save({**_load(), "theme": name})


def _save(data: dict) -> None:
    write_private_file(state_file(), dump_toml(data))
