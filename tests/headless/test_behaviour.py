"""What every headless command shares: no Textual, help with examples, flags in either
place, profiles, one-sentence errors, colours only on terminals, quiet pipes and Ctrl-C."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import sys
import textwrap
from pathlib import Path

import pytest

from sly_tui.api import LogEntry, SlyClient
from sly_tui.cli import HEADLESS_COMMANDS, build_parser
from sly_tui.config import ConfigError, Profile, save_profile
from sly_tui.demo import Emulator
from sly_tui.demo.seed_data import HOSTILE_TASK_NAME
from sly_tui.headless.session import (
    ONE_SHOT_RETRY,
    POLLING_RETRY,
    RETRY_SLEEP_ENV,
    retry_policy,
)
from sly_tui.monitor.log_spool import LogLine, LogSpool
from sly_tui.secrets import Secret

from .conftest import Sly, Terminal, detached, start_export


async def test_no_command_imports_textual(env: dict[str, str], admin: SlyClient) -> None:
    running = await start_export(admin)
    program = textwrap.dedent(
        f"""
        import sys
        from sly_tui.cli import main
        import sly_tui.headless.tasks_watch  # --watch runs forever; its imports are enough
        for argv in (
            ["tasks", "--json", "--limit", "2"],
            ["tasks", "--limit", "2"],
            ["task", "1001"],
            ["logs", "1001", "--tail", "2"],
            ["logs", "1001", "--follow", "--interval", "0.5"],
            ["wait", "1001"],
            ["start", "--agent", "301", "--module", "403"],
            ["stop", "{running}", "--yes"],
        ):
            assert main(argv) == 0, argv
            assert "textual" not in sys.modules, argv
        print("textual-free")
        """
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        program,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert out.decode().rstrip().endswith("textual-free")


async def test_json_listing_loads_no_terminal_rendering(env: dict[str, str]) -> None:
    """`tasks --json` is for scripts: no Rich, not httpx's own CLI (click, Pygments), and
    not trio, which httpcore would import for programs running under it (the test extras
    install it); trio still imports afterwards for whoever wants it."""
    program = textwrap.dedent(
        """
        import sys
        from sly_tui.cli import main
        assert main(["tasks", "--json", "--limit", "2"]) == 0
        loaded = {name.partition(".")[0] for name in sys.modules}
        import trio
        print(sorted(loaded & {"rich", "click", "pygments", "textual", "trio"}))
        """
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", program, stdout=asyncio.subprocess.PIPE, env=env
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    assert out.decode().rstrip().endswith("[]")


@pytest.mark.parametrize("command", HEADLESS_COMMANDS)
def test_help_has_examples(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([command, "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert "examples:" in help_text and f"sly-tui {command}" in help_text
    assert "--server" in help_text and "--read-only" in help_text and "--profile" in help_text


def test_connection_flags_work_before_and_after_the_command() -> None:
    parser = build_parser()
    before = parser.parse_args(["--server", "a", "--debug", "--read-only", "tasks"])
    assert (before.server, before.debug, before.read_only) == ("a", True, True)
    after = parser.parse_args(["tasks", "--server", "b", "--workspace", "7", "--debug"])
    assert (after.server, after.workspace, after.debug) == ("b", 7, True)
    both = parser.parse_args(["--interval", "5", "logs", "3", "-f"])
    assert both.interval == 5.0 and both.follow
    assert parser.parse_args(["logs", "3", "--since", "2026-11-27T12:00"]).since.tzname() == "UTC"


async def test_real_console_entry_prints_json(spawn) -> None:
    process = await spawn("tasks", "--json", "--limit", "3")
    out, err = await process.communicate()
    assert process.returncode == 0 and err == b""
    assert len(json.loads(out)) == 3


async def test_a_saved_profile_is_used(sly: Sly, live_url: str, emulator, monkeypatch) -> None:
    monkeypatch.delenv("SERVER_ADDRESS")
    monkeypatch.delenv("API_TOKEN")
    save_profile(Profile("demo", server=live_url, token=Secret(emulator.token), workspace_id=202))
    result = await sly("tasks", "--profile", "demo", "--json")
    assert result.code == 0
    assert {record["workspace_id"] for record in json.loads(result.out)} == {202}


async def test_errors_are_one_sentence_or_a_traceback_with_debug(sly: Sly, monkeypatch) -> None:
    monkeypatch.setenv("API_TOKEN", "not-the-token")
    result = await sly("tasks")
    assert result.code == 3 and result.err.count("\n") == 1
    assert result.err.startswith("sly-tui: tasks.list: The server rejected the API token")
    debug = await sly("tasks", "--debug")  # the traceback, and the same exit code
    assert debug.code == 3 and debug.err.startswith("Traceback (most recent call last):")
    assert "sly_tui.api.errors.AuthError: tasks.list: The server rejected" in debug.err
    assert "not-the-token" not in debug.err
    config = await sly("tasks", "--debug", "--server", "http://h:99999")
    assert config.code == 2 and "ConfigError: --server: not a valid server" in config.err
    monkeypatch.delenv("API_TOKEN")
    missing = await sly("logs", "7")
    assert missing.code == 2 and "No Supervisely API token is configured" in missing.err


@pytest.mark.parametrize("server", ["http://127.0.0.1:46900x", "http://127.0.0.1:99999"])
async def test_malformed_address_is_a_config_error(sly: Sly, server: str) -> None:
    result = await sly("tasks", "--server", server)
    assert result.code == 2 and result.err.count("\n") == 1
    assert result.err.startswith(f"sly-tui: --server: not a valid server address: '{server}'")


def write_config(directory: Path, text: str) -> None:
    directory.mkdir()
    (directory / "config.toml").write_text(text)


async def test_bad_retry_settings_and_config_warnings(sly: Sly, env, monkeypatch) -> None:
    monkeypatch.setenv("SUPERVISELY_PUBLIC_API_RETRIES", "many")
    bad = await sly("tasks")
    assert bad.code == 2 and "SUPERVISELY_PUBLIC_API_RETRIES" in bad.err
    monkeypatch.setenv("SUPERVISELY_PUBLIC_API_RETRIES", "1")
    write_config(Path(env["SLY_TUI_CONFIG_DIR"]), '[profiles.x]\nserver = "http://x"\ncolour = 1\n')
    warned = await sly("tasks", "--json", "--limit", "1")
    assert warned.code == 0 and warned.err.startswith("sly-tui: warning: ")
    assert "unknown key 'colour'" in warned.err


async def test_colours_only_on_a_terminal_and_never_with_no_color(
    sly: Sly, admin: SlyClient, monkeypatch
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "250")  # the names fit without wrapping
    hostile = await admin.tasks.get_info_by_id(1001)
    assert hostile is not None
    for no_color, coloured in ((None, True), ("1", False)):
        if no_color:
            monkeypatch.setenv("NO_COLOR", no_color)
        terminal = Terminal()
        monkeypatch.setattr(sys, "stdout", terminal)
        result = await sly("tasks", "--workspace", str(hostile.workspace_id))
        assert result.code == 0
        shown = terminal.getvalue()
        assert ("\x1b[" in shown) is coloured
        assert HOSTILE_TASK_NAME in shown  # markup in a name prints literally


async def test_hostile_log_text_never_reaches_the_terminal(sly: Sly, admin: SlyClient) -> None:
    task_id = await detached(
        admin,
        [
            {"level": "info", "message": "\x1b[31mred\x1b[0m \x1b]52;c;Y2xpcA==\x07 \x9b2J"},
            {"level": "error", "message": "ok", "stack": ["\x1bc", "\x1b[?1049h"]},
        ],
    )
    for argv in (("logs", str(task_id)), ("logs", str(task_id), "--jsonl")):
        result = await sly(*argv)
        assert "\x1b" not in result.out and "\x9b" not in result.out and "\x07" not in result.out


async def test_broken_pipe_is_quiet(spawn, admin: SlyClient) -> None:
    task_id = await detached(
        admin, [{"level": "info", "message": f"line {i} " + "x" * 200} for i in range(2000)]
    )
    read_end, write_end = os.pipe()
    process = await spawn("logs", str(task_id), stdout=write_end)
    os.close(write_end)
    first = await asyncio.to_thread(os.read, read_end, 100)
    os.close(read_end)  # `| head -c 100`
    _, err = await process.communicate()
    assert first and process.returncode == 141 and err == b""


async def test_broken_pipe_in_process(sly: Sly, monkeypatch) -> None:
    class Gone(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Gone())
    result = await sly("tasks", "--json")
    assert (result.code, result.err) == (141, "")


async def test_ctrl_c_is_130_without_a_traceback(spawn, admin: SlyClient, emulator) -> None:
    task_id = await start_export(admin)
    emulator.advance(20)  # some lines, then the clock stands still: the task never ends
    process = await spawn("logs", str(task_id), "--follow")
    assert process.stdout is not None
    assert await process.stdout.readline()  # following now, inside the event loop
    process.send_signal(signal.SIGINT)
    _, err = await process.communicate()
    assert process.returncode == 130 and err == b""


def test_plain_line_of_an_entry_is_the_spools(tmp_path: Path) -> None:
    """`LogLine.from_entry` (added for the headless `logs`) reads like the spool's lines."""
    raw = [
        {"level": "warning", "message": "a\nb", "timestamp": "2026-11-27T12:00:00.5Z"},
        {"level": "info", "message": "progress", "subtask": "Epoch", "current": 3, "total": 9},
        {"level": "fatal", "message": "x", "stack": ["one", "two\n"], "timestamp": None},
    ]
    entries = [LogEntry.from_json(item) for item in raw]
    with LogSpool(tmp_path / "spool.jsonl") as spool:
        spool.append(entries)
        expected = [line.plain() for line in spool.lines(0, len(entries))]
    assert [LogLine.from_entry(entry).plain() for entry in entries] == expected
    assert expected[0] == "2026-11-27T12:00:00.500Z WARN  a\n    b"


def test_retry_policy_follows_the_sdks_variables() -> None:
    assert retry_policy({}, polling=False) == ONE_SHOT_RETRY
    assert retry_policy({}, polling=True) == POLLING_RETRY
    tuned = retry_policy(
        {"SUPERVISELY_PUBLIC_API_RETRIES": "7", "SUPERVISELY_PUBLIC_API_RETRY_SLEEP_SEC": "0.25"},
        polling=False,
    )
    assert (tuned.retries, tuned.sleep, tuned.cap) == (7, 0.25, ONE_SHOT_RETRY.cap)
    for bad in ({"SUPERVISELY_PUBLIC_API_RETRIES": "0"}, {RETRY_SLEEP_ENV: "-1"}):
        with pytest.raises(ConfigError):
            retry_policy(bad, polling=True)


async def test_a_token_with_a_line_break_is_one_sentence_that_hides_it(
    sly: Sly, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_TOKEN", emulator.token[:64] + "\n" + emulator.token[64:])
    result = await sly("tasks")
    assert result.code == 2 and result.out == ""
    assert result.err == (
        "sly-tui: The API token from API_TOKEN in the environment contains a line break "
        "(character 65 of 129), "
        "which cannot be sent in a request; copy the token again.\n"
    )


async def test_a_reply_larger_than_the_limit_is_one_sentence(
    sly: Sly, admin: SlyClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    wordy = {"level": "info", "message": "x" * 400, "timestamp": "2026-11-27T11:00:00.000Z"}
    task_id = await detached(admin, [wordy] * 3000)  # about 1.3 MB in one page
    monkeypatch.setenv("SLY_TUI_MAX_RESPONSE_MB", "1")
    result = await sly("logs", str(task_id))
    assert result.code == 3
    assert result.err.startswith("sly-tui: tasks.log.download: The server's reply is larger")
    monkeypatch.setenv("SLY_TUI_MAX_RESPONSE_MB", "lots")
    result = await sly("tasks")
    assert (result.code, result.err) == (
        2,
        "sly-tui: SLY_TUI_MAX_RESPONSE_MB must be a whole number of megabytes (1 or more).\n",
    )
