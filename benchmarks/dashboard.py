"""Benchmark: the five figures of issue #12, each next to a baseline measured in the same run.

Prints a table, asserts nothing. Everything runs as separate processes, as a user runs it:
a `sly-tui demo-server --big-workspace N` on loopback (the emulator's own work is not
counted; `GET /demo/requests` counts the calls it answered), the dashboard in a pseudo
terminal of 120x36, and a bare Textual app showing one label in another.

  (a) process start to the first task row on screen (main demo workspace, about 60 tasks),
      vs the bare app to its label: the bytes written to the terminal are searched for a
      task's name; median of --runs, interleaved so machine noise hits both alike;
  (b) `sly-tui tasks --json` wall time vs `python -c "import httpx"` (median of --runs);
  (c) requests per tick with the list of N finished tasks open for --window seconds at
      --interval, counted at the server, per method;
  (d) the dashboard's CPU in that window (from /proc/<pid>/stat), nothing typed, vs the
      bare app idle in the same window;
  (e) bytes written to the terminal per second in that window, vs the bare app.

Bytecode is written and used as for an installed package (PYTHONDONTWRITEBYTECODE is
dropped for the measured processes); the first run of each command is not counted.

    python benchmarks/dashboard.py [--runs 5] [--window 30] [--tasks 10000]
    python benchmarks/dashboard.py --runs 1 --window 3 --tasks 200     # a quick look
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
from cli_startup import sly_tui, start_demo_server, timed

MAIN_WORKSPACE = 201  # the demo world's main workspace (sly_tui.demo.seed_data)
LOAD_TEST_WORKSPACE = 205  # where --big-workspace puts its tasks
TEAM = 101
LABEL = "bare-textual-label"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label({LABEL!r})

Bare().run()
"""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Terminal:
    """A process in a pseudo terminal of a given size, whose output is drained by a thread
    that counts the bytes and notes when `marker` first appeared."""

    def __init__(
        self,
        command: list[str],
        env: dict[str, str],
        size: tuple[int, int],
        marker: re.Pattern[bytes],
    ) -> None:
        self.marker = marker
        self.seen: float | None = None
        self.bytes = 0
        self._head = b""  # the output until the marker showed, searched as it grows
        master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env, TERM="xterm-256color", COLORTERM="truecolor"),
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self._master = master
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            self.bytes += len(chunk)
            if self.seen is None:
                start = max(0, len(self._head) - 200)
                self._head += chunk
                if self.marker.search(self._head, start):
                    self.seen = time.perf_counter()
                    self._head = b""

    def wait_for_marker(self, timeout: float) -> float:
        """Seconds from process start to the marker on screen."""
        deadline = time.monotonic() + timeout
        while self.seen is None:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise SystemExit(f"{self.process.args[:3]} showed nothing recognisable")
            time.sleep(0.002)
        return self.seen - self.started

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(5)
        os.close(self._master)


@dataclass
class Sample:
    """CPU seconds, terminal bytes and server requests at one moment."""

    at: float
    cpu: float
    bytes: int
    requests: Counter[str]


class Server:
    """The separate `sly-tui demo-server` and what a client needs to reach it."""

    def __init__(self, scratch: Path, tasks: int) -> None:
        env_file = scratch / "demo.env"
        self.process = start_demo_server(env_file, "--big-workspace", str(tasks))
        values = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
        self.url, self._token = values["SERVER_ADDRESS"], values["API_TOKEN"]
        # The dashboard and the CLI read the address and token from the env file; their
        # config and cache go to the scratch folder, not the user's.
        self.env = dict(
            os.environ,
            HOME=str(scratch),
            XDG_CACHE_HOME=str(scratch),
            XDG_CONFIG_HOME=str(scratch),
            SLY_TUI_CONFIG_DIR=str(scratch),
            SERVER_ADDRESS=self.url,
            API_TOKEN=self._token,
        )
        # PYTHONDONTWRITEBYTECODE would have every run compile sly_tui from source (tens
        # of ms), which an installed package never does: pip compiles it to bytecode. The
        # unmeasured first runs write the bytecode, as a user's first start would.
        for name in ("TEAM_ID", "WORKSPACE_ID", "PYTHONDONTWRITEBYTECODE"):
            self.env.pop(name, None)

    def set_faults(self, **changes: object) -> None:
        """Change the emulator's fault knobs (`sly_tui.demo.faults.Faults`), e.g. latency."""
        httpx.post(
            f"{self.url}/demo/faults",
            json=changes,
            headers={"x-api-key": self._token},
            trust_env=False,
        ).raise_for_status()

    def requests(self) -> Counter[str]:
        reply = httpx.get(
            f"{self.url}/demo/requests", headers={"x-api-key": self._token}, trust_env=False
        )
        reply.raise_for_status()
        return Counter(reply.json())

    def task_names(self, workspace: int) -> list[str]:
        """The names in a workspace, through the CLI (its first, unmeasured, run)."""
        listed = subprocess.run(
            [*sly_tui(), "tasks", "--json", "--workspace", str(workspace)],
            env=self.env,
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        return [task["name"] for task in json.loads(listed) if task["name"]]

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()


def name_pattern(names: list[str]) -> re.Pattern[bytes]:
    """Any of the names (their first 12 characters: a narrow column may cut the rest)."""
    heads = sorted({name[:12].encode() for name in names}, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(head) for head in heads))


def dashboard_flags(workspace: int, interval: float) -> list[str]:
    return ["--team", str(TEAM), "--workspace", str(workspace), "--interval", f"{interval:g}"]


def dashboard(workspace: int, interval: float) -> list[str]:
    return [*sly_tui(), *dashboard_flags(workspace, interval)]


def startup(server: Server, args: argparse.Namespace) -> tuple[list[float], list[float]]:
    """(a): start to first row vs start to label, interleaved runs."""
    rows = name_pattern(server.task_names(MAIN_WORKSPACE))
    label = re.compile(re.escape(LABEL.encode()))
    sly: list[float] = []
    bare: list[float] = []
    for run in range(args.runs + 1):  # the first round warms disk caches and .pyc files
        for command, marker, times in (
            ([sys.executable, "-c", BARE_APP], label, bare),
            (dashboard(MAIN_WORKSPACE, args.interval), rows, sly),
        ):
            terminal = Terminal(command, server.env, args.size, marker)
            try:
                seconds = terminal.wait_for_marker(args.timeout)
            finally:
                terminal.close()
            if run:
                times.append(seconds)
    return sly, bare


def cli(server: Server, args: argparse.Namespace) -> tuple[list[float], list[float]]:
    """(b): `sly-tui tasks --json` vs `python -c "import httpx"`, interleaved runs."""
    env = dict(server.env, WORKSPACE_ID=str(MAIN_WORKSPACE))
    commands = ([*sly_tui(), "tasks", "--json"], [sys.executable, "-c", "import httpx"])
    for command in commands:
        timed(command, env)  # warm-up
    sly: list[float] = []
    bare: list[float] = []
    for _ in range(args.runs):
        sly.append(timed(commands[0], env))
        bare.append(timed(commands[1], env))
    return sly, bare


def idle(server: Server, args: argparse.Namespace) -> dict[str, object]:
    """(c), (d), (e): the big list open and untouched next to the bare app, one window."""
    rows = name_pattern(server.task_names(LOAD_TEST_WORKSPACE))
    sly = Terminal(dashboard(LOAD_TEST_WORKSPACE, args.interval), server.env, args.size, rows)
    bare = Terminal(
        [sys.executable, "-c", BARE_APP],
        server.env,
        args.size,
        re.compile(re.escape(LABEL.encode())),
    )
    try:
        first_row = sly.wait_for_marker(args.timeout)
        bare.wait_for_marker(args.timeout)
        time.sleep(args.settle)  # the opening sweep of every page, and start-up, are over

        def sample(terminal: Terminal, requests: Counter[str]) -> Sample:
            return Sample(time.perf_counter(), terminal.cpu_seconds(), terminal.bytes, requests)

        requests = server.requests()
        before = sample(sly, requests), sample(bare, requests)
        time.sleep(args.window)
        requests = server.requests()
        after = sample(sly, requests), sample(bare, requests)
    finally:
        sly.close()
        bare.close()
    seconds = [end.at - start.at for start, end in zip(before, after, strict=True)]
    ticks = seconds[0] / args.interval
    calls = after[0].requests - before[0].requests
    return {
        "first_row": first_row,
        "ticks": ticks,
        "per_tick": {method: count / ticks for method, count in calls.most_common()},
        "cpu": [(e.cpu - s.cpu) / t for s, e, t in zip(before, after, seconds, strict=True)],
        "bytes": [(e.bytes - s.bytes) / t for s, e, t in zip(before, after, seconds, strict=True)],
    }


def size(text: str) -> tuple[int, int]:
    columns, _, rows = text.partition("x")
    return int(columns), int(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of (a) and (b) (default 5)")
    parser.add_argument("--window", type=float, default=30.0, help="seconds measured idle")
    parser.add_argument(
        "--settle",
        type=float,
        default=10.0,
        help="seconds after the first row before the window (default 10)",
    )
    parser.add_argument("--interval", type=float, default=2.0, help="the dashboard's --interval")
    parser.add_argument("--tasks", type=int, default=10_000, help="finished tasks for (c)-(e)")
    parser.add_argument("--size", type=size, default=(120, 36), help="terminal, e.g. 120x36")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for a screen before giving up"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        server = Server(Path(scratch), args.tasks)
        try:
            start_sly, start_bare = startup(server, args)
            cli_sly, cli_bare = cli(server, args)
            window = idle(server, args)
        finally:
            server.close()

    per_tick: dict[str, float] = window["per_tick"]  # type: ignore[assignment]
    cpu_sly, cpu_bare = window["cpu"]  # type: ignore[misc]
    bytes_sly, bytes_bare = window["bytes"]  # type: ignore[misc]
    ms = statistics.median
    columns, rows = args.size
    print(
        f"sly-tui vs a same-run baseline; terminal {columns}x{rows}; {args.runs} runs of "
        f"(a) and (b); (c)-(e): {args.tasks:,} finished tasks, --interval {args.interval:g}, "
        f"{args.window:g} s window"
    )
    print(f"{'figure':<44}{'sly-tui':>12}{'baseline':>12}{'ratio':>8}  goal")
    a, a0 = ms(start_sly) * 1000, ms(start_bare) * 1000
    print(
        f"{'(a) start to first task row / bare label':<44}{a:>9.0f} ms{a0:>9.0f} ms"
        f"{a / a0:>7.1f}x  <= 1.5x"
    )
    b, b0 = ms(cli_sly) * 1000, ms(cli_bare) * 1000
    print(
        f"{'(b) tasks --json / python -c import httpx':<44}{b:>9.0f} ms{b0:>9.0f} ms"
        f"{b / b0:>7.1f}x  <= 2.0x"
    )
    print(f"{'(c) requests per tick':<44}{sum(per_tick.values()):>12.2f}{'':>20}  <= 2.5")
    for method, count in per_tick.items():
        print(f"{'      ' + method:<44}{count:>12.2f}")
    print(
        f"{'(d) CPU, list open, idle (% of a core)':<44}{cpu_sly * 100:>10.2f} %"
        f"{cpu_bare * 100:>10.2f} %{'':>8}  <= 1 %"
    )
    print(
        f"{'(e) bytes to the terminal per second':<44}{bytes_sly:>10.0f} B"
        f"{bytes_bare:>10.0f} B{'':>8}  <= 1024 B"
    )
    print(
        f"(first row of the {args.tasks:,}-task list: {window['first_row'] * 1000:.0f} ms "
        f"after start; the window had {window['ticks']:.1f} ticks)"
    )


if __name__ == "__main__":
    main()
