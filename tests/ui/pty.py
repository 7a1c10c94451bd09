"""The dashboard as a user starts it: `python -m sly_tui` in a real terminal (a pty)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import struct
import sys
import termios
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

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


@asynccontextmanager
async def dashboard_in_pty(
    url: str, token: str, home: Path, args: Sequence[str], **env: str
) -> AsyncIterator[int]:
    """The dashboard of `url` in a 120x36 pty, its config and state under `home`; yields
    the pty's master end (non-blocking), and ends the process afterwards."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TEAM_ID", "WORKSPACE_ID", "TMUX", "NO_COLOR")
    }
    environ.update(
        HOME=str(home), TERM="xterm-256color", SERVER_ADDRESS=url, API_TOKEN=token, **env
    )
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    os.set_blocking(master, False)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sly_tui",
        *args,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=environ,
        start_new_session=True,
    )
    os.close(slave)
    try:
        yield master
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
