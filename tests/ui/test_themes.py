"""Themes: the shipped files load, bad files warn without breaking, the choice persists."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.themes import ThemeFileError, builtin_theme_dir, load_theme_file, load_themes

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
