"""What sly-tui remembers between runs: the last team and workspace per server and per
saved profile, the tasks watched on each server (`W`), the theme.

Kept apart from `config.toml` (which the user edits) in the platform state directory.
A broken or unreadable state file is ignored: forgetting a selection is harmless.
Nobody edits it by hand, so it is written whole by a small serialiser of our own rather
than tomlkit, which would cost an import on the way to the first task row.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sly_tui.api.address import normalize_server_address
from sly_tui.config import CONFIG_DIR_ENV
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


def _entry(table: str, key: str) -> object:
    """`[table] key` of the state file, None where it or its table is missing."""
    entries = _load().get(table)
    return entries.get(key) if isinstance(entries, dict) else None


def _save_entry(table: str, key: str, value: object) -> None:
    """Set `[table] key` (None: remove it), keeping the rest of the file."""
    data = _load()
    entries = data.get(table)
    entries = dict(entries) if isinstance(entries, dict) else {}
    if value is None:
        entries.pop(key, None)
    else:
        entries[key] = value
    _save({**data, table: entries})


def _selection(entry: object) -> tuple[int, int] | None:
    if not isinstance(entry, dict):
        return None
    team, workspace = entry.get("team"), entry.get("workspace")
    if isinstance(team, int) and isinstance(workspace, int):
        return team, workspace
    return None


def load_selection(server: str) -> tuple[int, int] | None:
    return _selection(_entry("servers", normalize_server_address(server)))


def save_selection(server: str, team_id: int, workspace_id: int) -> None:
    selection = {"team": team_id, "workspace": workspace_id}
    _save_entry("servers", normalize_server_address(server), selection)


def load_profile_selection(profile: str) -> tuple[int, int] | None:
    """The team and workspace last opened with the saved profile `profile`."""
    return _selection(_entry("profiles", profile))


def save_profile_selection(profile: str, team_id: int, workspace_id: int) -> None:
    _save_entry("profiles", profile, {"team": team_id, "workspace": workspace_id})


def load_watched(server: str) -> set[int]:
    """The ids of the tasks watched on `server` when the dashboard last ran."""
    ids = _entry("watched", normalize_server_address(server))
    if not isinstance(ids, list):
        return set()
    return {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}


def save_watched(server: str, task_ids: set[int]) -> None:
    _save_entry("watched", normalize_server_address(server), sorted(task_ids) or None)


def load_theme() -> str | None:
    theme = _load().get("theme")
    return theme if isinstance(theme, str) else None


def save_theme(name: str) -> None:
    _save({**_load(), "theme": name})


def _save(data: dict) -> None:
    write_private_file(state_file(), _dump_toml(data))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def _dump_toml(data: Mapping[str, Any]) -> str:
    """Serialise the state's two levels (scalars, tables, tables of tables)."""
    out: list[str] = []
    scalars = {k: v for k, v in data.items() if not isinstance(v, Mapping)}
    out.extend(f"{k} = {_toml_value(v)}" for k, v in scalars.items() if v is not None)
    for key, table in data.items():
        if not isinstance(table, Mapping):
            continue
        flat = {k: v for k, v in table.items() if not isinstance(v, Mapping)}
        if flat or not table:
            out.append(f"\n[{key}]")
            out.extend(
                f"{_toml_key(k)} = {_toml_value(v)}" for k, v in flat.items() if v is not None
            )
        for sub, body in table.items():
            if isinstance(body, Mapping):
                out.append(f"\n[{key}.{_toml_key(sub)}]")
                out.extend(
                    f"{_toml_key(k)} = {_toml_value(v)}" for k, v in body.items() if v is not None
                )
    return "\n".join(out).lstrip("\n") + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)
