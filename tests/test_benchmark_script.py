"""`benchmarks/dashboard.py` runs end to end (tiny windows) and prints all five figures.

Only that it works is checked, never a figure: speed is measured by the script, not here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "dashboard.py"


def test_dashboard_benchmark_prints_the_five_figures(tmp_path: Path) -> None:
    quick = ["--runs", "1", "--window", "1", "--settle", "0", "--tasks", "40", "--size", "100x30"]
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *quick],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for label in ("(a) start", "(b) tasks --json", "(c) requests", "(d) CPU", "(e) bytes"):
        assert label in result.stdout, result.stdout


def test_start_versions_benchmark_compares_installs_with_latency(tmp_path: Path) -> None:
    script = SCRIPT.parent / "start_versions.py"
    sly_tui = shutil.which("sly-tui", path=str(Path(sys.executable).parent))
    assert sly_tui, "the package's console script is installed beside this interpreter"
    result = subprocess.run(
        [sys.executable, str(script), "--runs", "1", "--latency", "0.01", f"this={sly_tui}"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "latency 0.01 s" in result.stdout
    assert re.search(r"^this +median +\d+ ms", result.stdout, re.MULTILINE), result.stdout
