"""Benchmark: what a tick of the team-wide and all-teams task views costs the server.

Prints figures, asserts nothing. The emulator (with --teams big teams of --workspaces
workspaces each, one live task per workspace, beside the three seeded teams) is served on
loopback by uvicorn in this process; the views' `ScopeTopic` polls it through a real
`SlyClient` over HTTP, and the requests are counted at the server (`Emulator.requests`,
what `GET /demo/requests` reads), per method, as benchmarks/dashboard.py counts them.
Simulated time stands still (a manual clock), so every tick sees the same world.

The baseline is the workspace list's tick (`TaskListTopic`) on the main workspace: what
one workspace costs when it is the only one looked at.

    python benchmarks/team_tick.py [--teams 4] [--workspaces 10] [--ticks 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator, ManualClock, serve
from sly_tui.demo.seed_data import FIRST_BIG_TEAM_ID, MAIN_WORKSPACE_ID
from sly_tui.monitor.scope import ScopeTopic
from sly_tui.monitor.service import Next
from sly_tui.monitor.task_list import TaskListTopic

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


async def measure(
    emulator: Emulator, poll: Callable[[], Awaitable[Next]], ticks: int
) -> tuple[Counter[str], Counter[str], float]:
    """(requests of the first poll, requests per tick after it, median seconds per tick)."""
    before = Counter(emulator.requests)
    await poll()
    first = Counter(emulator.requests) - before
    before = Counter(emulator.requests)
    times = []
    for _ in range(ticks):
        started = time.perf_counter()
        await poll()
        times.append(time.perf_counter() - started)
    per_tick = Counter(
        {method: n / ticks for method, n in (Counter(emulator.requests) - before).items()}
    )
    return first, per_tick, statistics.median(times)


def show(label: str, first: Counter[str], per_tick: Counter[str], seconds: float) -> None:
    methods = ", ".join(f"{m} {n:g}" for m, n in sorted(per_tick.items()))
    print(f"{label:<44}{sum(per_tick.values()):>8.2f}{seconds * 1000:>10.1f}  {methods}")
    opening = ", ".join(f"{m} {n}" for m, n in sorted(first.items()))
    print(f"{'  (opening: ' + opening + ')':<44}")


async def main(args: argparse.Namespace) -> None:
    emulator = Emulator(
        seed=0, clock=ManualClock(NOW), big_team=args.workspaces, big_teams=args.teams
    )
    workspaces = len(emulator.world.workspaces)
    teams = len(emulator.world.teams)
    print(
        f"{args.teams} big teams x {args.workspaces} workspaces, plus the seeded ones: "
        f"{teams} teams, {workspaces} workspaces; {args.ticks} ticks each\n"
    )
    print(f"{'view':<44}{'req/tick':>8}{'ms/tick':>10}  per method")
    async with serve(emulator) as url, SlyClient(url, emulator.token) as client:

        def sink(event: object) -> None:
            del event

        baseline = TaskListTopic(MAIN_WORKSPACE_ID)
        show(
            "one workspace's list (baseline)",
            *await measure(emulator, lambda: baseline.poll(client, sink), args.ticks),
        )
        team = ScopeTopic(FIRST_BIG_TEAM_ID)
        show(
            f"team-wide ({args.workspaces} workspaces)",
            *await measure(emulator, lambda: team.poll(client, sink), args.ticks),
        )
        every = ScopeTopic(None)
        show(
            f"all teams ({workspaces} workspaces)",
            *await measure(emulator, lambda: every.poll(client, sink), args.ticks),
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=4)
    parser.add_argument("--workspaces", type=int, default=10)
    parser.add_argument("--ticks", type=int, default=10)
    asyncio.run(main(parser.parse_args()))
