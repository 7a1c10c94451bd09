"""The command line: flags, one-sentence errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sly_tui import __version__
from sly_tui.cli import build_parser, main


def test_version_via_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sly_tui", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"sly-tui {__version__}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workspace", "abc"], "expected a whole number"),
        (["--team", "0"], "expected a positive id"),
        (["--interval", "-1"], "expected a positive number"),
        (["demo-server", "--port", "70000"], "a port from 0 to 65535"),
        (["--demo-big-log", "-5"], "zero or more"),
        (["demo-server", "--big-team", "-1"], "zero or more"),
    ],
)
def test_bad_flags_exit_2_with_a_sentence(argv, message, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_malformed_env_file_is_one_line_naming_file_and_line(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SLY_TUI_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("SERVER_ADDRESS", "API_TOKEN", "TEAM_ID", "WORKSPACE_ID"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "supervisely.env").write_text("SERVER_ADDRESS=http://x\nnot a line\n")
    assert main([]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "supervisely.env line 2" in err and "Traceback" not in err


def test_debug_is_kept_across_the_subcommand() -> None:
    args = build_parser().parse_args(["--debug", "demo-server"])
    assert args.debug is True
    assert build_parser().parse_args(["demo-server"]).debug is False


def test_big_team_reaches_both_worlds() -> None:
    """`--big-team N` shapes `demo-server`'s world, `--demo-big-team N` the demo's."""
    assert build_parser().parse_args(["demo-server", "--big-team", "50"]).big_team == 50
    assert build_parser().parse_args(["--demo", "--demo-big-team", "7"]).demo_big_team == 7
