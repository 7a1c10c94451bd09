"""A start as a user makes it (`sly-tui --team --workspace` in a real terminal): the
opening calls go out before the dashboard has imported its screens (`EarlyReplies`), and
each of them reaches the server once: the client takes the early replies instead of
asking again."""

from __future__ import annotations

from pathlib import Path

import pytest

from sly_tui.demo import Emulator
from sly_tui.demo.seed_data import MAIN_TEAM_ID, MAIN_WORKSPACE_ID
from tests.ui.pty import dashboard_in_pty, read_until


async def test_the_first_rows_cost_each_opening_call_once(
    emulator: Emulator, live_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLY_TUI_CONFIG_DIR", str(tmp_path / "config"))
    newest = max(
        (t for t in emulator.world.tasks.values() if t.workspace_id == MAIN_WORKSPACE_ID),
        key=lambda task: task.id,
    )
    args = (f"--team={MAIN_TEAM_ID}", f"--workspace={MAIN_WORKSPACE_ID}", "--interval=60")
    async with dashboard_in_pty(live_url, emulator.token, tmp_path, args) as master:
        await read_until(master, str(newest.id).encode(), bytearray())
        opening = {
            method: emulator.requests[method]
            for method in ("users.me", "teams.info", "workspaces.info", "tasks.list")
        }
    assert opening == {"users.me": 1, "teams.info": 1, "workspaces.info": 1, "tasks.list": 1}
