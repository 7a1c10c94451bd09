"""The README's screenshots script runs and makes every picture (so it cannot rot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sly_tui import screenshots


def test_script_makes_every_screenshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SLY_TUI_CONFIG_DIR", str(tmp_path / "config"))
    assert screenshots.main(["--out", str(tmp_path / "shots")]) == 0
    made = sorted(p.stem for p in (tmp_path / "shots").glob("*.svg"))
    assert made == sorted(shot.name for shot in screenshots.SHOTS)
    for path in (tmp_path / "shots").glob("*.svg"):
        assert path.read_text().startswith("<svg")
