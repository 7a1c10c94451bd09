"""Benchmark: laying out one wrapped 60-row frame of the log view, before and after #13.

Before the split (commit f191de2) `LogView.render_line` worked the wrapped layout out
again for every screen row it painted; now `LogLayout` works it out once per frame. Both
views are mounted side by side in one app over the same spool, the old one loaded from
git, and painted row by row through `render_line`, as Textual paints them. Each frame
moves the view by one entry, so each frame needs a new layout, as after a scroll.

- "warm": the rendered rows are cached, so the time is the layout's;
- "cold": the row cache is dropped before each frame, so rendering is included.

Prints figures and checks that both views paint the same text; asserts nothing.

    python benchmarks/log_frame.py [--frames 200] [--old f191de2]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget

from sly_tui.api import LogEntry
from sly_tui.monitor.log_spool import LogSpool
from sly_tui.ui.widgets.log_view import LogView

BODY = 60  # screen rows of log text; the view adds its status line
WIDTH = 100
LINES = 5_000
T0 = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
WORDS = ["epoch", "step", "loss=0.01234", "lr=3e-4", "gpu:0", "checkpoint", "写入完成", "saved\tok"]


def message(i: int) -> str:
    """Entries from one to four screen rows wide, some with a stack or wide characters."""
    text = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(4 + (i * 13) % 40))
    return text + ("\n  at frame()\n  at main()" if i % 17 == 0 else "")


def old_module(commit: str) -> ModuleType:
    """`log_view.py` as it was at `commit`, imported under another name."""
    source = subprocess.run(
        ["git", "show", f"{commit}:sly_tui/ui/widgets/log_view.py"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "old_log_view.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_log_view", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_log_view"] = module
    spec.loader.exec_module(module)
    return module


class SideBySide(App[None]):
    CSS = f"Horizontal > * {{ width: {WIDTH}; height: {BODY + 1}; }}"

    def __init__(self, make: list[Callable[[], Widget]]) -> None:
        super().__init__()
        self.make = make

    def compose(self) -> ComposeResult:
        with Horizontal():
            for make in self.make:
                yield make()


def paint(view: Widget, cold: bool) -> tuple[float, list[str]]:
    """Seconds to paint every row of `view` once, and the rows' text."""
    if cold:
        view.notify_style_update()  # both versions drop their rendered rows here
    start = time.perf_counter()
    strips = [view.render_line(y) for y in range(BODY + 1)]
    elapsed = time.perf_counter() - start
    return elapsed, [strip.text for strip in strips[:BODY]]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--old", default="f191de2", help="the commit before the split")
    args = parser.parse_args()
    old_view_class = old_module(args.old).LogView
    with tempfile.TemporaryDirectory() as folder:
        spool = LogSpool(Path(folder) / "log.jsonl")
        spool.append(
            [
                LogEntry(message(i), "info", T0 + timedelta(milliseconds=i), 7, {})
                for i in range(LINES)
            ]
        )
        app = SideBySide(
            [
                lambda: old_view_class(spool, tz=UTC, id="old"),
                lambda: LogView(spool, tz=UTC, id="new"),
            ]
        )
        async with app.run_test(size=(2 * WIDTH, BODY + 1)) as pilot:
            old = app.query_one("#old", old_view_class)
            new = app.query_one("#new", LogView)
            for view in (old, new):
                view.action_toggle_wrap()
            await pilot.pause()
            print(f"wrapped frame: {BODY} rows of {new.scrollable_content_region.width} cells")
            for cold in (False, True):
                times: dict[str, list[float]] = {"old": [], "new": []}
                same = True
                for frame in range(args.frames):
                    top = LINES // 2 + frame % 2  # a new layout every frame
                    texts = []
                    for name, view in (("old", old), ("new", new)):
                        view.scroll_to(y=top, animate=False, immediate=True)
                        if not cold:
                            paint(view, cold=False)  # warm the rows this frame shows
                        elapsed, text = paint(view, cold)
                        times[name].append(elapsed)
                        texts.append(text)
                    same = same and texts[0] == texts[1]
                    if not cold:
                        # Paint again at the other position so the next frame is new.
                        for view in (old, new):
                            view.scroll_to(y=top + 2, animate=False, immediate=True)
                            paint(view, cold=False)
                label = "cold (row cache dropped)" if cold else "warm (rows cached)"
                old_ms = sorted(times["old"])[len(times["old"]) // 2] * 1000
                new_ms = sorted(times["new"])[len(times["new"]) // 2] * 1000
                print(
                    f"  {label:<26} old {old_ms:6.2f} ms/frame   new {new_ms:6.2f} ms/frame"
                    f"   old/new {old_ms / new_ms:5.1f}x   same text: {'yes' if same else 'NO'}"
                )
        spool.close()


if __name__ == "__main__":
    asyncio.run(main())
