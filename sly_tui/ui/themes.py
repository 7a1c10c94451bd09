"""Themes from TOML files: the ones shipped in `themes/` and the user's own.

Textual has no theme-file loader, and a bad colour only fails when the theme is switched
to (with a confusing error, mid-session). So every file is checked up front: unknown keys,
colours that do not parse, wrong types. A bad file becomes a warning that names the file
and the key, and is skipped; the app starts anyway.

Theme variables `status-pending` … `status-stopped` colour the task statuses; a theme that
leaves them out gets the defaults from `sly_tui.ui.status.STATUS_COLOURS` (or
`STATUS_COLOURS_LIGHT` for a light theme).
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

from sly_tui.smallfile import read_small_text

DEFAULT_THEME = "supervisely-dark"
_FIELDS = {f.name: f for f in dataclasses.fields(Theme)}
_COLOUR_FIELDS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)


class ThemeFileError(Exception):
    """A theme file is not usable; the message names the file and the key."""


def builtin_theme_dir() -> Path:
    """The shipped themes: installed as `sly_tui/builtin_themes`, or `themes/` in a checkout.

    The installed folder has no `__init__.py`, so it is looked up as a plain folder next
    to the package: `importlib.resources` would hand back a namespace `MultiplexedPath`.
    """
    package = Path(__file__).resolve().parents[1]
    installed = package / "builtin_themes"
    return installed if installed.is_dir() else package.parent / "themes"


def _colour(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{where} must be a colour string, got {type(value).__name__}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{where} = {value!r} is not a colour") from None
    return value


def load_theme_file(path: Path) -> Theme:
    """Read and check one theme file; raises `ThemeFileError` saying what is wrong where."""
    try:
        data = tomllib.loads(read_small_text(path))
    except UnicodeDecodeError:
        raise ThemeFileError(f"{path}: cannot be read (it is not UTF-8 text)") from None
    except OSError as exc:
        raise ThemeFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"{path}: {exc}") from None
    if unknown := sorted(set(data) - _FIELDS.keys()):
        raise ThemeFileError(f"{path}: unknown key {unknown[0]!r}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(f"{path}: 'name' must be a non-empty string")
    for key in _COLOUR_FIELDS:
        if key in data:
            _colour(data[key], f"{path}: {key!r}")
    for key in ("dark", "ansi"):
        if key in data and not isinstance(data[key], bool):
            raise ThemeFileError(f"{path}: {key!r} must be true or false")
    for key in ("luminosity_spread", "text_alpha"):
        if key in data and not isinstance(data[key], int | float):
            raise ThemeFileError(f"{path}: {key!r} must be a number")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(f"{path}: [variables] must be a table")
    for key, value in variables.items():
        if key.startswith("status-") or key.endswith(("-background", "-foreground", "-color")):
            _colour(value, f"{path}: variables.{key}")
        elif not isinstance(value, str):
            raise ThemeFileError(f"{path}: variables.{key} must be a string")
    theme = Theme(**data)
    try:
        theme.to_color_system()
    except Exception as exc:  # Textual's own check of the whole palette
        raise ThemeFileError(f"{path}: {exc}") from None
    return theme


def load_themes(directories: Iterable[Path]) -> tuple[list[Theme], list[str]]:
    """Every valid theme in `directories` (later ones win by name) and a warning per bad file."""
    themes: dict[str, Theme] = {}
    warnings: list[str] = []
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ThemeFileError as exc:
                warnings.append(f"Theme skipped: {exc}.")
                continue
            themes[theme.name] = theme
    return list(themes.values()), warnings
