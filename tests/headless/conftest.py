"""Running the headless commands against the emulator over real loopback HTTP.

`sly(...)` calls `sly_tui.cli.main` in-process (fast), in a worker thread so the test's
event loop keeps serving the emulator meanwhile; `spawn(...)` runs the real console entry
(`python -m sly_tui`) in a subprocess. Both see only the environment set here: the
emulator's address and admin token, workspace 201, no config files, and a single attempt
per request, so a refused connection fails at once.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sly_tui.api import SlyClient
from sly_tui.cli import main
from sly_tui.demo import Emulator

from ..conftest import FAST_RETRY

WORKSPACE = 201
AGENT = 301
EXPORT_MODULE = 403  # supervisely-ecosystem/export-to-yolo: runs about 70 simulated seconds

_CLEARED = (
    "SERVER_ADDRESS",
    "API_TOKEN",
    "TEAM_ID",
    "WORKSPACE_ID",
    "INIT_GROUP_ID",
    "INIT_WORKSPACE_ID",
    "SUPERVISELY_API_SERVER_ADDRESS",
    "NO_COLOR",
)


@dataclass
class Result:
    code: int
    out: str
    err: str


class Terminal(io.StringIO):
    """A stream that says it is a terminal (for prompts and colours)."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def env(
    emulator: Emulator, live_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """The process environment the commands run with (also handed to subprocesses)."""
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    settings = {
        "HOME": str(tmp_path),
        "SLY_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "SERVER_ADDRESS": live_url,
        "API_TOKEN": emulator.token,
        "WORKSPACE_ID": str(WORKSPACE),
        "SUPERVISELY_PUBLIC_API_RETRIES": "1",
        "SUPERVISELY_PUBLIC_API_RETRY_SLEEP_SEC": "0",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return dict(os.environ)


Sly = Callable[..., Awaitable[Result]]


@pytest.fixture
def sly(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> Sly:
    """`await sly("tasks", "--json")`: the exit code and what went to stdout and stderr."""

    def call(argv: list[str]) -> int:
        try:
            return main(argv)
        except SystemExit as exit_:  # argparse's way out (bad flags, --help)
            return int(exit_.code or 0)

    async def run(*argv: str) -> Result:
        capsys.readouterr()
        code = await asyncio.to_thread(call, list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def spawn(env: dict[str, str]) -> Callable[..., Awaitable[asyncio.subprocess.Process]]:
    """Start `python -m sly_tui ARGS` with pipes for stdout and stderr (unless given)."""

    async def start(*argv: str, **options) -> asyncio.subprocess.Process:
        pipes = {"stdout": asyncio.subprocess.PIPE, "stderr": asyncio.subprocess.PIPE}
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sly_tui", *argv, env=env, **{**pipes, **options}
        )

    return start


@pytest.fixture
async def admin(live_url: str, emulator: Emulator) -> AsyncIterator[SlyClient]:
    """The test's own client, to set the scene and to read what the server holds."""
    async with SlyClient(live_url, emulator.token, retry=FAST_RETRY) as client:
        yield client


async def start_export(client: SlyClient) -> int:
    started = await client.tasks.start(AGENT, module_id=EXPORT_MODULE, workspace_id=WORKSPACE)
    return started.id


async def detached(client: SlyClient, entries: list[dict]) -> int:
    """A task no agent runs, whose log holds exactly `entries` (task ids added)."""
    task_id = await client.tasks.create_task_detached(WORKSPACE)
    await client.tasks.submit_logs([{**entry, "task_id": task_id} for entry in entries])
    return task_id


async def run_while(emulator: Emulator, command: Awaitable[Result], step: float = 5.0) -> Result:
    """Await `command` while simulated time moves `step` seconds every 20 ms."""
    running = asyncio.ensure_future(command)
    async with asyncio.timeout(30):
        while not running.done():
            emulator.advance(step)
            await asyncio.sleep(0.02)
    return running.result()
