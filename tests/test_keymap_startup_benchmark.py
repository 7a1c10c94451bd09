"""`benchmarks/keymap_startup.py` runs and prints both paths; its figures are not checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "keymap_startup.py"


def test_keymap_startup_benchmark_prints_before_and_after() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--runs", "1"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "before (walk all of ui/)" in result.stdout, result.stdout
    assert "after (binding_ids.py)" in result.stdout, result.stdout
