"""The dashboard in a real terminal (a pty): a watched task's end reaches the terminal as
the bell, OSC 9 and OSC 777, byte for byte, through Textual's driver."""

from __future__ import annotations

import asyncio
import fcntl
import os
import struct
import sys
import termios
from pathlib import Path

import pytest

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator
from sly_tui.present import task_name
from sly_tui.state import save_watched

DEADLINE = 90.0  # seconds; reached only when the bytes will never come


async def read_until(master: int, wanted: bytes, seen: bytearray) -> None:
    """Read the pty into `seen` until `wanted` is in it."""
    loop = asyncio.get_running_loop()
    arrived = asyncio.Event()
    loop.add_reader(master, arrived.set)
    try:
        async with asyncio.timeout(DEADLINE):
            while wanted not in seen:
                await arrived.wait()
                arrived.clear()
                try:
                    seen.extend(os.read(master, 65536))
                except BlockingIOError:
                    continue
    finally:
        loop.remove_reader(master)


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
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TEAM_ID", "WORKSPACE_ID", "TMUX", "NO_COLOR")
    }
    env.update(
        HOME=str(tmp_path),
        TERM="xterm-256color",
        SERVER_ADDRESS=live_url,
        API_TOKEN=emulator.token,
        **({"TMUX": "/tmp/tmux-0/default,1,0"} if tmux else {}),
    )
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    os.set_blocking(master, False)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sly_tui",
        "--team=101",
        "--workspace=201",
        "--interval=60",
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    try:
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
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                async with asyncio.timeout(30):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()
        os.close(master)
