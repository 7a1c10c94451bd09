"""Benchmark: start to the first task row of several sly-tui installs, side by side.

For "what did this change buy": each VERSION is a `sly-tui` executable (say, one in a venv
of the code before a change, one of the code after), started in turns with the bare
Textual app of `dashboard.py`, against one `sly-tui demo-server`, so machine noise hits
them alike. `--latency` makes the server wait that many seconds before every reply, as a
remote server over a slow link would. Prints the median and every run; asserts nothing.

    python benchmarks/start_versions.py [--runs 9] [--latency 0.1] \\
        before=/tmp/old/.venv/bin/sly-tui after=.venv/bin/sly-tui
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

from dashboard import (
    BARE_APP,
    LABEL,
    MAIN_WORKSPACE,
    TEAM,
    Server,
    Terminal,
    dashboard_flags,
    name_pattern,
)


def version(text: str) -> tuple[str, str]:
    name, _, executable = text.partition("=")
    if not executable:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {text!r}")
    return name, executable


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("versions", nargs="+", type=version, metavar="NAME=SLY_TUI")
    parser.add_argument("--runs", type=int, default=9, help="counted runs of each (default 9)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each reply")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for a row")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        server = Server(Path(scratch), 0)
        try:
            rows = name_pattern(server.task_names(MAIN_WORKSPACE))
            if args.latency:
                server.set_faults(latency=args.latency)
            commands = {"bare": ([sys.executable, "-c", BARE_APP], re.compile(LABEL.encode()))}
            for name, executable in args.versions:
                commands[name] = ([executable, *dashboard_flags(MAIN_WORKSPACE, 2.0)], rows)
            times: dict[str, list[float]] = {name: [] for name in commands}
            for run in range(args.runs + 1):  # the first round warms caches and .pyc files
                for name, (command, marker) in commands.items():
                    terminal = Terminal(command, server.env, (120, 36), marker)
                    try:
                        seconds = terminal.wait_for_marker(args.timeout)
                    finally:
                        terminal.close()
                    if run:
                        times[name].append(seconds * 1000)
        finally:
            server.close()
    print(f"start to first row (bare: to its label), team {TEAM}, latency {args.latency:g} s")
    for name, runs in times.items():
        listed = " ".join(f"{ms:.0f}" for ms in runs)
        print(f"{name:<10} median {statistics.median(runs):5.0f} ms   runs: {listed}")


if __name__ == "__main__":
    main()
