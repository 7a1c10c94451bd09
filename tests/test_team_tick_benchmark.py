"""`benchmarks/team_tick.py` runs end to end (tiny sizes) and prints its three views.

Only that it works is checked, never a figure: the script measures, the test does not.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "team_tick.py"


def test_team_tick_benchmark_prints_each_view(tmp_path: Path) -> None:
    quick = ["--teams", "2", "--workspaces", "3", "--ticks", "1"]
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *quick],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for label in ("one workspace's list", "team-wide (3 workspaces)", "all teams (14 workspaces)"):
        assert label in result.stdout, result.stdout
