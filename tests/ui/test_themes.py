"""Themes: the shipped files load, bad files warn without breaking, the choice persists."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from textual.color import Color

from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.themes import ThemeFileError, builtin_theme_dir, load_theme_file, load_themes
from sly_tui.ui.widgets.styling import text_style
from sly_tui.ui.widgets.task_table import TaskTable

from .helpers import settle, wait_for

SHIPPED = sorted(p.stem for p in builtin_theme_dir().glob("*.toml"))


def test_at_least_six_shipped_themes_all_valid():
    themes, warnings = load_themes([builtin_theme_dir()])
    assert warnings == []
    assert len(themes) >= 6
    assert {"supervisely-dark", "supervisely-light", "high-contrast", "colorblind"} <= {
        t.name for t in themes
    }
    for theme in themes:  # every theme colours every status itself
        assert {f"status-{g}" for g in ("pending", "running", "failed", "done")} <= set(
            theme.variables
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\nprimary = "not-a-colour"\n', "'primary' = 'not-a-colour' is not a colour"),
        ('name = "x"\nprimry = "#fff"\n', "unknown key 'primry'"),
        ('primary = "#fff"\n', "'name' must be a non-empty string"),
        ('name = "x"\n[variables]\nstatus-done = "blue-ish"\n', "variables.status-done"),
        ('name = "x"\ndark = "yes"\n', "'dark' must be true or false"),
        ('name = "x"\nprimary = \n', "x.toml"),
    ],
)
def test_bad_theme_files_name_file_and_key(tmp_path: Path, text: str, message: str):
    path = tmp_path / "x.toml"
    path.write_text(text)
    with pytest.raises(ThemeFileError) as error:
        load_theme_file(path)
    assert message in str(error.value) and "x.toml" in str(error.value)


def test_a_theme_file_that_never_ends_is_refused_by_size(tmp_path: Path):
    (tmp_path / "endless.toml").symlink_to("/dev/zero")
    themes, warnings = load_themes([tmp_path])
    assert themes == []
    assert warnings == [
        f"Theme skipped: {tmp_path / 'endless.toml'}: cannot be read (it is larger than "
        "1024 KB, more than such a file should be)."
    ]


async def test_broken_user_theme_warns_and_the_app_works(make_app, isolated_config: Path):
    themes = isolated_config / "themes"
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text('name = "broken"\nprimary = "#zzz"\n')
    (themes / "mine.toml").write_text('name = "mine"\nprimary = "#112233"\ndark = true\n')
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        assert "mine" in app.available_themes and "broken" not in app.available_themes
        assert any("broken.toml" in w and "'primary'" in w for w in app.warnings)
        assert app.theme == "supervisely-dark"


async def test_theme_flag_and_persistence(make_app):
    app = make_app(team_id=101, workspace_id=201, theme="high-contrast")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        assert app.theme == "high-contrast"
        app.theme = "supervisely-light"  # as the palette's theme picker does
        await settle(pilot)
    again = make_app(team_id=101, workspace_id=201)
    assert again.theme == "supervisely-light"
    unknown = make_app(theme="no-such-theme")
    assert unknown.theme == "supervisely-light"
    assert any("no-such-theme" in w for w in unknown.warnings)


async def test_no_color_runs(make_app, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen) and app.screen.loaded)
        assert app.no_color


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.mark.parametrize("theme", [*SHIPPED, "ansi-dark", "ansi-light"])
def test_theme_snapshot(snap_compare, make_app, emulator, utc, theme: str) -> None:
    app = make_app(team_id=101, workspace_id=201, clock=emulator.clock.now, theme=theme)

    async def loaded(pilot) -> None:
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", False))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=loaded)


def contrast(one: Color, other: Color) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(colour: Color) -> float:
        def channel(value: int) -> float:
            value_ = value / 255
            return value_ / 12.92 if value_ <= 0.03928 else ((value_ + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def test_light_themes_give_statuses_enough_contrast(make_app):
    """Every light theme, Textual's own included (which set no status colours): each
    status colour as the list draws it, and as the detail's badge uses it, is at least 3:1
    against the theme's background, surface (the list) and panel."""
    app = make_app(team_id=101, workspace_id=201)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        table = app.screen.query_one(TaskTable)
        light = [
            name
            for name, theme in app.available_themes.items()
            if not theme.dark and name != "ansi-light"  # that one is the terminal's palette
        ]
        assert {"textual-light", "solarized-light", "supervisely-light"} <= set(light)
        for name in light:
            app.theme = name
            await pilot.pause()
            variables = app.theme_variables
            grounds = [Color.parse(variables[key]) for key in ("background", "surface", "panel")]
            for group in ("pending", "running", "serving", "stopping", "done", "failed"):
                drawn = text_style(table, f"task-table--status-{group}").color
                assert drawn is not None and drawn.triplet is not None
                colours = [Color(*drawn.triplet), Color.parse(variables[f"status-{group}"])]
                for colour, ground in itertools.product(colours, grounds):
                    ratio = contrast(colour, ground)
                    assert ratio >= 3, f"{name}: {group} {colour.hex} on {ground.hex} {ratio:.2f}"
