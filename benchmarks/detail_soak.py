"""Benchmark: memory of the task detail view left open on a fast-moving training.

The demo's long training (#1163) is opened on the Metrics tab while the in-process
emulator runs its world `--speed` times faster than real time, polling every second.
Prints the process RSS every 10 s and, at the end, the widgets still alive by type: a
view that mounts without bound (one row per epoch, say) shows up in both.

    python benchmarks/detail_soak.py [--speed 60] [--seconds 90] [--tab metrics]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
from collections import Counter
from pathlib import Path

import httpx
from textual.widget import Widget

from sly_tui.config import Settings
from sly_tui.demo import Emulator
from sly_tui.secrets import Secret
from sly_tui.ui.app import SlyApp
from sly_tui.ui.screens.task_detail import TaskDetailScreen

LONG_TRAINING = 1163


def rss_mb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 // 2**20


async def soak(speed: float, seconds: int, tab: str) -> None:
    emulator = Emulator(seed=0, speed=speed)
    settings = Settings(
        server="http://emulator.test", token=Secret(emulator.token), team_id=101, workspace_id=201
    )
    app = SlyApp(
        settings,
        transport=httpx.ASGITransport(app=emulator.app),
        cache_dir=Path(tempfile.mkdtemp()),
        remember=False,
        interval=1,
    )
    async with app.run_test(size=(120, 40)):
        await asyncio.sleep(3)
        print(f"task list loaded      RSS {rss_mb():4d} MB")
        app.push_screen(TaskDetailScreen(LONG_TRAINING))
        await asyncio.sleep(2)
        app.screen.action_tab(tab)  # type: ignore[attr-defined]
        for elapsed in range(10, seconds + 1, 10):
            await asyncio.sleep(10)
            print(f"detail open {elapsed:4d} s     RSS {rss_mb():4d} MB")
        gc.collect()
        alive = Counter(type(o).__name__ for o in gc.get_objects() if isinstance(o, Widget))
        print("widgets alive:", ", ".join(f"{n} {name}" for name, n in alive.most_common(6)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--tab", default="metrics")
    args = parser.parse_args()
    asyncio.run(soak(args.speed, args.seconds, args.tab))


if __name__ == "__main__":
    main()
