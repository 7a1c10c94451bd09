"""Fixtures for Pilot tests: the dashboard wired to the in-process emulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from sly_tui.config import Settings
from sly_tui.demo import Emulator
from sly_tui.secrets import Secret
from sly_tui.ui.app import SlyApp


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's config, state or env file."""
    config = tmp_path / "config"
    monkeypatch.setenv("SLY_TUI_CONFIG_DIR", str(config))
    for name in ("SERVER_ADDRESS", "API_TOKEN", "TEAM_ID", "WORKSPACE_ID"):
        monkeypatch.delenv(name, raising=False)
    return config


@pytest.fixture
def make_app(emulator: Emulator, tmp_path: Path) -> Callable[..., SlyApp]:
    def make(**overrides: object) -> SlyApp:
        """An app on the emulator; `token=` picks another token (e.g. the viewer's), and
        `transport=`, `cache_dir=`, `remember=` replace the defaults."""
        token = Secret(str(overrides.pop("token", emulator.token)))
        settings = Settings(
            server="http://emulator.test",
            token=token,
            **{k: v for k, v in overrides.items() if k in Settings.__dataclass_fields__},
        )
        kwargs = {k: v for k, v in overrides.items() if k not in Settings.__dataclass_fields__}
        kwargs.setdefault("interval", 60.0)
        kwargs.setdefault("transport", httpx.ASGITransport(app=emulator.app))
        kwargs.setdefault("cache_dir", tmp_path / "cache")
        kwargs.setdefault("remember", False)
        return SlyApp(settings, **kwargs)  # type: ignore[arg-type]

    return make
