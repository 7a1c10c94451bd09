"""`sly-tui wait --notify` in a real terminal (a pty): the bytes it writes, byte for byte."""

from __future__ import annotations

import asyncio
import os
import pty
from pathlib import Path

from sly_tui.api import SlyClient
from sly_tui.present import task_name

from .conftest import Sly, start_export


async def in_a_terminal(spawn, *argv: str) -> tuple[int, bytes]:
    """Run `sly-tui ARGV` with stdin, stdout and stderr on a pty; its exit code and every
    byte it wrote there."""
    master, slave = pty.openpty()
    try:
        process = await spawn(*argv, stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        slave = -1
        async with asyncio.timeout(120):
            code = await process.wait()
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the last writer is gone and everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
        return code, b"".join(chunks)
    finally:
        os.close(master)
        if slave != -1:
            os.close(slave)


def write_config(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text)


async def stopped_export(admin: SlyClient) -> tuple[int, str]:
    task_id = await start_export(admin)
    await admin.tasks.update_status(task_id, "stopped")
    info = await admin.tasks.get_info_by_id(task_id)
    assert info is not None
    return task_id, f"Task {task_id} {task_name(info)}: stopped"


async def test_the_bell_and_both_notifications_follow_the_status(spawn, admin) -> None:
    task_id, sentence = await stopped_export(admin)
    code, written = await in_a_terminal(spawn, "wait", str(task_id), "--notify")
    assert code == 0
    assert written == (
        b"stopped\r\n\x07"
        + f"\x1b]9;sly-tui: {sentence}\x07".encode()
        + f"\x1b]777;notify;sly-tui;{sentence}\x07".encode()
    )


async def test_inside_tmux_they_are_wrapped_and_the_config_switches_them(
    spawn, admin, env: dict[str, str]
) -> None:
    write_config(Path(env["SLY_TUI_CONFIG_DIR"]), "[notify]\nbell = false\nosc777 = false\n")
    task_id, sentence = await stopped_export(admin)
    env["TMUX"] = "/tmp/tmux-1000/default,1234,0"  # what `spawn` runs with
    code, written = await in_a_terminal(spawn, "wait", str(task_id), "--notify")
    assert code == 0
    assert written == (
        b"stopped\r\n" + f"\x1bPtmux;\x1b\x1b]9;sly-tui: {sentence}\x07\x1b\\".encode()
    )


async def test_without_a_terminal_it_says_so(sly: Sly, admin) -> None:
    task_id, _ = await stopped_export(admin)
    result = await sly("wait", str(task_id), "--notify")
    assert (result.code, result.out) == (0, "stopped\n")
    assert result.err == (
        "sly-tui: --notify: neither stderr nor stdout is a terminal; nothing was sent.\n"
    )
