"""Make the README's screenshots: `python -m sly_tui.screenshots [--out screenshots]`.

Every picture comes from the demo world with a fixed seed, a frozen clock and UTC, so
running it twice gives the same SVGs, and running it after a change shows that change.
A test runs it into a temporary directory, so it cannot rot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from textual.pilot import Pilot

from sly_tui.config import Settings
from sly_tui.demo import Emulator, ManualClock
from sly_tui.secrets import Secret
from sly_tui.ui.app import SlyApp

SEED = 0
FROZEN = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
TEAM, WORKSPACE = 101, 201

Steps = Callable[[Pilot[str], Emulator], Awaitable[None]]


@dataclass(frozen=True)
class Shot:
    name: str
    size: tuple[int, int]
    steps: Steps
    theme: str | None = None


async def _until(pilot: Pilot[str], condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.02)
    raise RuntimeError("the demo did not reach the state to photograph")


async def _list(pilot: Pilot[str], emulator: Emulator) -> None:
    await _until(pilot, lambda: getattr(pilot.app.screen, "loaded", False))
    await pilot.pause()


def _running_task(emulator: Emulator, task_type: str | None = None) -> int:
    tasks = emulator.world.tasks.values()
    return min(
        t.id
        for t in tasks
        if t.workspace_id == WORKSPACE
        and t.status == "started"
        and (task_type is None or t.type == task_type or task_type in str(t.meta.get("name")))
    )


async def _open(pilot: Pilot[str], task_id: int, tab: str) -> None:
    from sly_tui.ui.screens.task_detail import TaskDetailScreen

    pilot.app.push_screen(TaskDetailScreen(task_id))
    await _until(pilot, lambda: isinstance(pilot.app.screen, TaskDetailScreen))
    screen = pilot.app.screen
    await _until(pilot, lambda: screen.info is not None and len(screen.spool) > 0)  # type: ignore[attr-defined]
    await pilot.press(tab)
    await pilot.pause(0.3)


async def _detail_logs(pilot: Pilot[str], emulator: Emulator) -> None:
    await _list(pilot, emulator)
    await _open(pilot, _running_task(emulator), "2")


async def _metrics(pilot: Pilot[str], emulator: Emulator) -> None:
    await _list(pilot, emulator)
    trains = [
        t for t in emulator.world.tasks.values() if t.type == "train" or t.meta.get("hasMetrics")
    ]
    running = [t.id for t in trains if t.status == "started" and t.workspace_id == WORKSPACE]
    await _open(pilot, min(running or [t.id for t in trains]), "4")
    await pilot.pause(0.5)


async def _start_form(pilot: Pilot[str], emulator: Emulator) -> None:
    await _list(pilot, emulator)
    await pilot.press("a")
    await pilot.pause(0.5)


async def _stop_confirm(pilot: Pilot[str], emulator: Emulator) -> None:
    from sly_tui.ui.widgets.task_table import TaskTable

    await _list(pilot, emulator)
    pilot.app.screen.query_one(TaskTable).move_cursor_to(_running_task(emulator))
    await pilot.press("x")
    await pilot.pause(0.3)


SHOTS = (
    Shot("task-list", (120, 32), _list),
    Shot("task-detail-logs", (120, 32), _detail_logs),
    Shot("metrics", (120, 32), _metrics),
    Shot("start-form", (100, 32), _start_form),
    Shot("stop-confirm", (100, 24), _stop_confirm),
    Shot("light-theme", (120, 32), _list, theme="supervisely-light"),
    Shot("task-list-80x24", (80, 24), _list),
)


async def take(shot: Shot, out: Path, cache: Path) -> Path:
    emulator = Emulator(seed=SEED, clock=ManualClock(FROZEN))
    settings = Settings(
        server="http://demo", token=Secret(emulator.token), team_id=TEAM, workspace_id=WORKSPACE
    )
    app = SlyApp(
        settings,
        transport=httpx.ASGITransport(app=emulator.app),
        cache_dir=cache,
        remember=False,
        interval=60,
        clock=emulator.clock.now,
        theme=shot.theme,
    )
    async with app.run_test(size=shot.size) as pilot:
        await shot.steps(pilot, emulator)
        return Path(app.save_screenshot(f"{shot.name}.svg", path=str(out)))


async def make_all(out: Path) -> list[Path]:
    with tempfile.TemporaryDirectory() as cache:
        return [await take(shot, out, Path(cache)) for shot in SHOTS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    saved = {name: os.environ.get(name) for name in ("TZ", "SLY_TUI_CONFIG_DIR")}
    # UTC for the clock, and a throwaway config dir: a theme choice must not come from (or
    # go to) the user's own settings.
    with tempfile.TemporaryDirectory() as config:
        os.environ.update(TZ="UTC", SLY_TUI_CONFIG_DIR=config)
        time.tzset()
        try:
            for path in asyncio.run(make_all(args.out)):
                print(path)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            time.tzset()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
