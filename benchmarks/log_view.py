"""Benchmark: a 1,000,000-line task log in `LogSpool` + `LogView`, against Textual's `Log`.

Prints figures, asserts nothing. The baseline, measured in the same run, is Textual's own
`Log` widget holding 100,000 lines written with one `write_lines` call (its cheapest use).

    python benchmarks/log_view.py [--lines 1000000] [--baseline 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Log

from sly_tui.api import LogEntry
from sly_tui.monitor.log_spool import LogSpool
from sly_tui.ui.widgets.log_view import LogView

T0 = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
LEVELS = ["info", "info", "debug", "info", "warn", "info", "info", "trace", "info", "error"]
BATCH = 5_000  # what one monitor poll appends at most


def message(i: int) -> str:
    return f"Epoch {i // 1000} step {i}: loss={1 / (1 + i % 997):.5f} lr=0.0003 [gpu 0] ok"


def entries(start: int, count: int) -> list[LogEntry]:
    return [
        LogEntry(
            message(i),
            LEVELS[i % len(LEVELS)],
            T0 + timedelta(milliseconds=i),
            7,
            {"message": message(i), "level": LEVELS[i % len(LEVELS)], "task_id": 7},
        )
        for i in range(start, start + count)
    ]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Row:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str]] = []

    def add(self, name: str, value: str) -> None:
        self.rows.append((name, value))
        print(f"  {name:<52} {value}", flush=True)


class Host(App[None]):
    def __init__(self, make: Callable[[], LogView | Log]) -> None:
        super().__init__()
        self.make = make

    def compose(self) -> ComposeResult:
        yield self.make()


async def timed(pilot: Pilot[None], action: Callable[[], Awaitable[object]]) -> str:
    start = time.perf_counter()
    await action()
    await pilot.pause()
    return f"{(time.perf_counter() - start) * 1000:.0f} ms"


class StallProbe:
    """The worst event-loop stall while it runs: how long a key press could have waited."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.002)
            self.worst = max(self.worst, time.perf_counter() - start - 0.002)

    def stop(self) -> float:
        self._task.cancel()
        return self.worst


async def bench_view(path: Path, table: Row) -> tuple[float, float]:
    start = time.perf_counter()
    LogSpool(path).close()
    table.add("reopen the spool (rebuild the index)", f"{time.perf_counter() - start:.2f} s")
    gc.collect()
    rss0 = rss_mb()
    tracemalloc.start()
    traced0 = tracemalloc.get_traced_memory()[0]
    spool = LogSpool(path)
    index_bytes = tracemalloc.get_traced_memory()[0] - traced0
    tracemalloc.stop()
    lines = len(spool)
    table.add(
        "spool index, tracemalloc",
        f"{index_bytes / 2**20:.1f} MB ({index_bytes / lines:.1f} B/line)",
    )
    table.add("spool index, RSS growth", f"{rss_mb() - rss0:.1f} MB")

    app = Host(lambda: LogView(spool, tz=UTC))
    rss1 = rss_mb()
    tracemalloc.start()
    traced1 = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        opened = time.perf_counter() - start
        view_bytes = tracemalloc.get_traced_memory()[0] - traced1
        tracemalloc.stop()
        view = app.query_one(LogView)
        table.add("open view headless + first paint (80x24)", f"{opened * 1000:.0f} ms")
        table.add("mounted app + view, tracemalloc", f"{view_bytes / 2**20:.1f} MB")
        table.add("mounted app + view, RSS growth", f"{rss_mb() - rss1:.1f} MB")
        table.add(
            "baseline: an unbound key (x) + paint, Pilot's overhead",
            await timed(pilot, lambda: pilot.press("x")),
        )
        start = time.perf_counter()
        view.notify_style_update()  # drops the rendered-row cache
        for y in range(24):
            view.render_line(y)
        table.add(
            "render one screen from a cold row cache",
            f"{(time.perf_counter() - start) * 1000:.1f} ms",
        )
        table.add("jump to top (g) + paint", await timed(pilot, lambda: pilot.press("g")))
        table.add("jump to end (G) + paint", await timed(pilot, lambda: pilot.press("G")))
        table.add("page up + paint", await timed(pilot, lambda: pilot.press("pageup")))
        table.add(
            "level filter all -> debug+ (l) + paint", await timed(pilot, lambda: pilot.press("l"))
        )
        await pilot.press("l", "l")
        table.add(
            "level filter warn+ -> error+ (l) + paint", await timed(pilot, lambda: pilot.press("l"))
        )
        await pilot.press("l")
        table.add(
            "top, then next error (g e) + paint", await timed(pilot, lambda: pilot.press("g", "e"))
        )
        table.add("wrap on (w) + paint", await timed(pilot, lambda: pilot.press("w")))
        table.add("end in wrap mode (G) + paint", await timed(pilot, lambda: pilot.press("G")))
        await pilot.press("w")

        probe = StallProbe()
        await asyncio.sleep(2)
        table.add(
            "worst loop stall over 2 s idle (this machine's noise)", f"{probe.stop() * 1000:.0f} ms"
        )
        for label, query, regex in (
            ("rare text", "step 777777:", False),
            ("text on 11% of lines", "step 1", False),
            ("regex", r"step 12345\d:", True),
        ):
            probe = StallProbe()
            start = time.perf_counter()
            view.search(query, regex=regex)
            while view.searching:
                await pilot.pause()
            total = time.perf_counter() - start
            stall = probe.stop()
            table.add(
                f"search + count in a worker, {label}",
                f"{total:.2f} s, {view.match_count:,} hits, worst loop stall {stall * 1000:.0f} ms",
            )
        view.action_clear_search()

        appends = []
        for _ in range(5):
            batch = entries(len(spool), BATCH)
            start = time.perf_counter()
            spool.append(batch)
            view.lines_appended(len(batch))
            await pilot.pause()
            appends.append(time.perf_counter() - start)
        table.add(
            f"append {BATCH:,} lines + follow + paint (median of 5)",
            f"{sorted(appends)[2] * 1000:.0f} ms",
        )
    spool.close()
    return index_bytes + view_bytes, opened


async def bench_log(lines: int, table: Row) -> tuple[float, float]:
    gc.collect()
    rss0 = rss_mb()
    tracemalloc.start()
    traced0 = tracemalloc.get_traced_memory()[0]
    texts = [message(i) for i in range(lines)]  # the Log holds them, so they count
    app = Host(lambda: Log())
    start = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.query_one(Log)
        log.write_lines(texts)
        del texts
        await app.workers.wait_for_complete()
        await pilot.pause()
        painted = time.perf_counter() - start
        used = tracemalloc.get_traced_memory()[0] - traced0
        tracemalloc.stop()
        table.add(f"Log: write_lines({lines:,}) + paint", f"{painted * 1000:.0f} ms")
        table.add(
            "Log: app + widget + lines, tracemalloc",
            f"{used / 2**20:.1f} MB ({used / lines:.0f} B/line)",
        )
        table.add("Log: RSS growth", f"{rss_mb() - rss0:.1f} MB")
    return used, painted


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=100_000)
    args = parser.parse_args()
    table = Row()
    # The baseline goes first, while the process is fresh, so its RSS figure means something.
    print(f"Baseline: textual.widgets.Log, {args.baseline:,} lines")
    log_bytes, log_open = await bench_log(args.baseline, table)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "task-7.jsonl"
        print(f"\nLogSpool + LogView, {args.lines:,} lines")
        built = 0.0
        with LogSpool(path) as spool:
            for first in range(0, args.lines, BATCH):
                batch = entries(first, min(BATCH, args.lines - first))
                start = time.perf_counter()
                spool.append(batch)
                built += time.perf_counter() - start
        table.add(
            f"LogSpool.append, {args.lines // BATCH} batches of {BATCH:,}",
            f"{built:.1f} s ({built / args.lines * 1e6:.1f} µs/line)",
        )
        table.add("spool file size", f"{path.stat().st_size / 2**20:.0f} MB")
        view_bytes, view_open = await bench_view(path, table)
    print(f"\nRatios (LogView holds {args.lines / args.baseline:g}x the lines)")
    print(f"  memory, LogView / Log:  {view_bytes / log_bytes:.2f}x")
    per_line = (log_bytes / args.baseline) / (view_bytes / args.lines)
    print(f"  memory per line, Log / LogView:  {per_line:.0f}x")
    print(f"  open + first paint, LogView / Log:  {view_open / log_open:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
