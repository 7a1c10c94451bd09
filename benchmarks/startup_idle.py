"""Benchmark: start-up and idle cost of the dashboard against a bare Textual app.

Prints figures, asserts nothing. Both apps run headless in fresh processes, so imports
are counted; the baseline is a Header + Static + Footer app measured in the same run.

    python benchmarks/startup_idle.py [--runs 5] [--idle 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import textwrap

BARE = """
import time, resource
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header(); yield Static("hello"); yield Footer()

async def main():
    app = Bare()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        first = time.perf_counter() - t0
        cpu0 = time.process_time()
        await pilot.pause(IDLE)
        idle = time.process_time() - cpu0
    print(json.dumps({"first": first, "idle_cpu": idle}))
"""

SLY = """
import time
t0 = time.perf_counter()
import httpx
from sly_tui.config import Settings
from sly_tui.demo import Emulator, ManualClock
from sly_tui.secrets import Secret
from sly_tui.ui.app import SlyApp
from sly_tui.ui.screens.task_list import TaskListScreen

async def main():
    emulator = Emulator(seed=0)
    settings = Settings(server="http://emulator.test", token=Secret(emulator.token),
                        team_id=101, workspace_id=201)
    app = SlyApp(settings, transport=httpx.ASGITransport(app=emulator.app), remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        while not (isinstance(app.screen, TaskListScreen) and app.screen.loaded):
            await pilot.pause(0.005)
        await pilot.pause()
        first = time.perf_counter() - t0
        cpu0 = time.process_time()
        await pilot.pause(IDLE)   # the list stays open, polling every 2 s
        idle = time.process_time() - cpu0
    print(json.dumps({"first": first, "idle_cpu": idle}))
"""


def run(source: str, idle: float) -> dict[str, float]:
    program = f"import asyncio, json\nIDLE = {idle!r}\n" + textwrap.dedent(source)
    program += "\nasyncio.run(main())\n"
    out = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idling measured")
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {"bare": [], "sly": []}
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        results["bare"].append(run(BARE, args.idle))
        results["sly"].append(run(SLY, args.idle))
    print(f"{'':34}{'bare Textual':>14}{'sly-tui':>12}{'ratio':>8}")
    for key, label, scale, unit in (
        ("first", "process start -> first screen", 1000, "ms"),
        ("idle_cpu", f"CPU while idle for {args.idle:g} s", 1000, "ms"),
    ):
        bare = statistics.median(r[key] for r in results["bare"]) * scale
        sly = statistics.median(r[key] for r in results["sly"]) * scale
        print(f"{label:<34}{bare:>11.0f} {unit}{sly:>9.0f} {unit}{sly / bare:>7.1f}x")
    sly_idle = statistics.median(r["idle_cpu"] for r in results["sly"])
    print(f"sly-tui idle CPU share: {sly_idle / args.idle * 100:.1f} % of one core")
    print("(sly-tui's first screen is the task list, loaded from the in-process emulator)")


if __name__ == "__main__":
    main()
