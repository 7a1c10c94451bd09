"""The dashboard in a real terminal (a pty): a watched task's end reaches the terminal as
the bell, OSC 9 and OSC 777, byte for byte, through Textual's driver."""

from __future__ import annotations

from pathlib import Path

import pytest

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator
from sly_tui.present import task_name
from sly_tui.state import save_watched
from tests.ui.pty import dashboard_in_pty, read_until


@pytest.mark.parametrize("tmux", [False, True], ids=["plain", "tmux"])
async def test_a_watched_task_that_ended_is_told_to_the_terminal(
    emulator: Emulator, live_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmux
) -> None:
    config = tmp_path / "config"
    monkeypatch.setenv("SLY_TUI_CONFIG_DIR", str(config))
    ended = min(
        t.id
        for t in emulator.world.tasks.values()
        if t.workspace_id == 201 and not t.status.is_active
    )
    save_watched(live_url, {ended})  # watched in an earlier run; it ended since
    env = {"TMUX": "/tmp/tmux-0/default,1,0"} if tmux else {}
    args = ("--team=101", "--workspace=201", "--interval=60")
    async with dashboard_in_pty(live_url, emulator.token, tmp_path, args, **env) as master:
        async with SlyClient(live_url, emulator.token) as client:
            info = await client.tasks.get_info_by_id(ended)
        assert info is not None
        body = f"Task {ended} {task_name(info)}: {info.status}"
        osc9 = f"\x1b]9;sly-tui: {body}\a".encode()
        osc777 = f"\x1b]777;notify;sly-tui;{body}\a".encode()
        if tmux:
            wanted = b"\a" + b"".join(
                b"\x1bPtmux;" + s.replace(b"\x1b", b"\x1b\x1b") + b"\x1b\\" for s in (osc9, osc777)
            )
        else:
            wanted = b"\a" + osc9 + osc777
        seen = bytearray()
        await read_until(master, wanted, seen)
        assert seen.count(b"]9;") == 1 and seen.count(b"]777;") == 1
        assert emulator.token.encode() not in seen
