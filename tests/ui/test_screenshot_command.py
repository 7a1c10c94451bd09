"""The palette's Screenshot saves into the current directory and names the full path."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sly_tui.ui.screens.task_list import TaskListScreen

from .helpers import Notes, settle, wait_for


async def test_palette_screenshot_without_a_downloads_folder(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/Downloads anywhere
    monkeypatch.chdir(here)
    app = make_app(team_id=101, workspace_id=201)
    notes = Notes()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
        command.callback()  # what choosing it in ctrl+p does
        await wait_for(pilot, lambda: any(here.glob("*.svg")))
        (shot,) = here.glob("*.svg")
        await wait_for(pilot, lambda: any(n.title == "Screenshot" for n in notes.posted))
        assert [n.message for n in notes.posted if n.title == "Screenshot"] == [f"Saved {shot}"]
    assert "<svg" in shot.read_text() and stat.S_IMODE(shot.stat().st_mode) == 0o600


async def test_screenshot_into_a_missing_folder_says_why(make_app, tmp_path: Path) -> None:
    app = make_app(team_id=101, workspace_id=201)
    notes = Notes()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        assert app.deliver_screenshot(path=str(tmp_path / "missing")) is None
        await settle(pilot)
        (note,) = [n for n in notes.posted if n.title == "Screenshot"]
        assert note.severity == "error"
        assert note.message == f"Could not save the screenshot in {tmp_path / 'missing'}: " + (
            "No such file or directory"
        )
