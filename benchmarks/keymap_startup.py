"""Benchmark: what a `[keymap]` entry costs the dashboard's start, before and after the
binding ids became a generated table (`sly_tui/ui/binding_ids.py`).

The dashboard checks the config's `[keymap]` as `SlyApp` is built. Until f191de2 the check
learnt the binding ids by importing every module of `sly_tui.ui` (all screens, forms and
panes, most of which are otherwise imported on first use) and reading their `BINDINGS`;
that walk is still there as `declared_bindings()`, the table's generator, so "before"
runs it followed by the check, which is what the old check did. "After" is the check
alone. Each run is a fresh interpreter that has already imported `sly_tui.ui.app` (what
is loaded when the keymap is applied), then loads a config.toml with one `[keymap]`
entry and checks it; it prints the modules that this imported and the milliseconds.
Runs alternate between the two after a warm-up each; the median is reported.

    python benchmarks/keymap_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PROBE = """
import json, sys, time
import sly_tui.ui.app
from sly_tui.config import load_config
from sly_tui.ui.keymap import check_keymap, declared_bindings

before = len(sys.modules)
started = time.perf_counter()
keymap = load_config().keymap
if sys.argv[1] == "before":
    declared_bindings()
valid, warnings = check_keymap(keymap)
elapsed = time.perf_counter() - started
assert valid == {"task.stop": "z"} and not warnings, warnings
print(json.dumps({"modules": len(sys.modules) - before, "ms": elapsed * 1000}))
"""


def probe(path: str, env: dict[str, str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, path], env=env, capture_output=True, text=True, check=True
    )
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    paths = ("before", "after")
    with tempfile.TemporaryDirectory() as config_dir:
        Path(config_dir, "config.toml").write_text('[keymap]\n"task.stop" = "z"\n')
        env = {**os.environ, "SLY_TUI_CONFIG_DIR": config_dir}
        for path in paths:
            probe(path, env)  # warm-up: bytecode caches, the page cache
        runs: dict[str, list[dict[str, float]]] = {path: [] for path in paths}
        for _ in range(args.runs):
            for path in paths:
                runs[path].append(probe(path, env))
    print(f"Loading a config.toml with one [keymap] entry (median of {args.runs} runs):")
    for path, label in zip(
        paths, ("before (walk all of ui/)", "after (binding_ids.py)"), strict=True
    ):
        modules = statistics.median(run["modules"] for run in runs[path])
        ms = statistics.median(run["ms"] for run in runs[path])
        print(f"  {label:26} {modules:5.0f} modules imported  {ms:7.1f} ms")


if __name__ == "__main__":
    main()
