"""Benchmark: wall time of `sly-tui tasks --json` against `python -c "import httpx"`.

The headless commands must stay cheap to start (no Textual): this measures the whole
command, start-up included, against a `sly-tui demo-server` running in its own process on
loopback (the seeded demo world, workspace 201: about 60 tasks, one `tasks.list` page),
next to bare interpreters in the same run. Runs are interleaved round-robin after one
warm-up each, so a busy machine slows every row alike; the median is reported.

    python benchmarks/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def sly_tui() -> list[str]:
    """The installed console script next to this interpreter, else `python -m sly_tui`."""
    script = shutil.which("sly-tui", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "sly_tui"]


def start_demo_server(env_file: Path, *options: str) -> subprocess.Popen[bytes]:
    """`sly-tui demo-server` on a free loopback port, once it has written `env_file`."""
    server = subprocess.Popen(
        [*sly_tui(), "demo-server", "--port", "0", "--env-file", str(env_file), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120  # a big world takes a while to build on a busy box
    while not (env_file.exists() and "API_TOKEN" in env_file.read_text()):
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the demo server did not start")
        time.sleep(0.05)
    return server


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        env_file = Path(scratch) / "demo.env"
        server = start_demo_server(env_file)
        try:
            env = dict(os.environ, HOME=scratch, SLY_TUI_CONFIG_DIR=scratch, WORKSPACE_ID="201")
            env.pop("PYTHONDONTWRITEBYTECODE", None)  # the warm-up writes .pyc, as pip does
            for line in env_file.read_text().splitlines():
                key, _, value = line.partition("=")
                env[key] = value
            commands = {
                'python -c "pass"': [sys.executable, "-c", "pass"],
                'python -c "import httpx"': [sys.executable, "-c", "import httpx"],
                "sly-tui --version": [*sly_tui(), "--version"],
                "sly-tui tasks --json": [*sly_tui(), "tasks", "--json"],
            }
            times: dict[str, list[float]] = {name: [] for name in commands}
            for command in commands.values():
                timed(command, env)  # warm-up: disk caches, .pyc files
            for _ in range(args.runs):
                for name, command in commands.items():
                    times[name].append(timed(command, env))
        finally:
            server.terminate()
            server.wait()

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.runs} runs each, interleaved; demo-server in its own process on loopback")
    print(f"{'command':<28}{'median':>9}{'min':>9}{'max':>9}")
    for name, values in times.items():
        print(
            f"{name:<28}{medians[name] * 1000:>7.0f}ms"
            f"{min(values) * 1000:>7.0f}ms{max(values) * 1000:>7.0f}ms"
        )
    ratio = medians["sly-tui tasks --json"] / medians['python -c "import httpx"']
    print(f"sly-tui tasks --json / import httpx = {ratio:.2f}x")


if __name__ == "__main__":
    main()
