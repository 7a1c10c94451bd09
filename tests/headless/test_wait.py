"""`sly-tui wait`: one exit code per outcome, the final status on stdout."""

from __future__ import annotations

import asyncio
import socket

import pytest

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator
from sly_tui.demo.faults import Verdict

from .conftest import Sly, run_while, start_export


async def test_reached_finished(sly: Sly, admin: SlyClient, emulator: Emulator) -> None:
    task_id = await start_export(admin)
    result = await run_while(emulator, sly("wait", str(task_id), "--interval", "0.05"))
    assert (result.code, result.out, result.err) == (0, "finished\n", "")


async def test_reached_a_chosen_status(sly: Sly, admin: SlyClient, emulator: Emulator) -> None:
    task_id = await start_export(admin)
    result = await run_while(
        emulator, sly("wait", str(task_id), "--status", "started", "--interval", "0.05"), step=1
    )
    assert (result.code, result.out) == (0, "started\n")


async def test_stopped_ends_the_wait_as_the_sdk_does(sly: Sly, admin: SlyClient) -> None:
    task_id = await start_export(admin)
    await admin.tasks.update_status(task_id, "stopped")
    result = await sly("wait", str(task_id))
    assert (result.code, result.out) == (0, "stopped\n")


async def test_ended_in_error_exits_1(sly: Sly, admin: SlyClient) -> None:
    task_id = await start_export(admin)
    waiting = asyncio.ensure_future(sly("wait", str(task_id), "--interval", "0.05"))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    await admin.tasks.update_status(task_id, "error")
    result = await waiting
    assert (result.code, result.out) == (1, "error\n")


async def test_timeout_exits_2_with_the_last_status(sly: Sly, admin: SlyClient) -> None:
    task_id = await start_export(admin)
    result = await sly("wait", str(task_id), "--timeout", "0.3", "--interval", "0.05")
    assert (result.code, result.out) == (2, "queued\n")
    assert result.err == (
        f"sly-tui: Task {task_id} did not reach 'finished' within 0.3 s (last seen: queued).\n"
    )


async def test_connection_failure_exits_3(sly: Sly, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("SERVER_ADDRESS", f"http://127.0.0.1:{port}")
    result = await sly("wait", "1001")
    assert result.code == 3 and result.out == ""
    assert result.err.startswith("sly-tui: tasks.info: Cannot reach http://127.0.0.1:")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


async def test_unreachable_for_the_whole_timeout_exits_3(
    sly: Sly, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeout ends the wait while the request is still retrying: no status was ever
    seen, so this is a connection failure, not a task that is still running."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("SERVER_ADDRESS", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("SUPERVISELY_PUBLIC_API_RETRIES", "5")
    monkeypatch.setenv("SUPERVISELY_PUBLIC_API_RETRY_SLEEP_SEC", "10")
    result = await sly("wait", "1001", "--timeout", "0.3")
    assert (result.code, result.out) == (3, "")
    assert result.err == (
        "sly-tui: No answer from the server within 0.3 s, so the status of task 1001 is unknown.\n"
    )


async def test_bad_token_exits_3(sly: Sly, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_TOKEN", "x" * 128)
    result = await sly("wait", "1001")
    assert result.code == 3
    assert "rejected the API token" in result.err and result.err.count("\n") == 1


async def test_unknown_task_exits_1(sly: Sly) -> None:
    result = await sly("wait", "999999")
    assert result.code == 1 and "Task 999999 does not exist" in result.err


async def test_exit_codes_of_the_real_command(spawn, admin: SlyClient) -> None:
    task_id = await start_export(admin)
    await admin.tasks.update_status(task_id, "error")
    failed = await spawn("wait", str(task_id))
    out, _ = await failed.communicate()
    assert (failed.returncode, out) == (1, b"error\n")
    queued = await start_export(admin)  # the clock stands still: it stays queued
    # Long enough for a first answer on a busy machine (none at all would be exit 3).
    timing_out = await spawn("wait", str(queued), "--timeout", "3", "--interval", "0.05")
    out, err = await timing_out.communicate()
    assert (timing_out.returncode, out) == (2, b"queued\n")
    assert err.count(b"\n") == 1


def outage_after_first_answer(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, failing: range
) -> None:
    """The emulator fails the `tasks.info` calls numbered in `failing` (from 1) with 503."""
    original = emulator.injector.verdict
    calls: list[str] = []

    def verdict(method: str) -> Verdict:
        if method == "tasks.info":
            calls.append(method)
            if len(calls) in failing:
                return "error"
        return original(method)

    emulator.faults.error_status = 503
    monkeypatch.setattr(emulator.injector, "verdict", verdict)


async def test_an_outage_during_the_wait_is_ridden_out(
    sly: Sly, admin: SlyClient, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = await start_export(admin)
    outage_after_first_answer(emulator, monkeypatch, range(2, 6))
    result = await run_while(emulator, sly("wait", str(task_id), "--interval", "0.05"), step=1)
    assert (result.code, result.out) == (0, "finished\n")
    assert result.err.count("The server failed (HTTP 503") == 4 and "Retrying in" in result.err
    assert result.err.endswith("sly-tui: Connection restored; carrying on.\n")


async def test_an_outage_still_on_at_the_timeout_exits_3(
    sly: Sly, admin: SlyClient, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    task_id = await start_export(admin)
    outage_after_first_answer(emulator, monkeypatch, range(2, 10_000))
    result = await sly("wait", str(task_id), "--interval", "0.05", "--timeout", "1")
    assert (result.code, result.out) == (3, "")
    assert result.err.endswith(
        f"sly-tui: The server stopped answering, and after 1 s the status of task {task_id} "
        "is unknown (last seen: queued).\n"
    )


async def test_a_long_retry_after_is_said_and_the_timeout_still_rules(
    sly: Sly, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.faults.update({"rate_limit_rate": 1.0, "retry_after": 3600})
    monkeypatch.setenv("SUPERVISELY_PUBLIC_API_RETRIES", "3")
    result = await sly("wait", "1001", "--timeout", "0.5")
    assert result.code == 3
    assert result.err == (
        "sly-tui: rate limited by the server (HTTP 429), retrying in 60 s.\n"
        "sly-tui: No answer from the server within 0.5 s, so the status of task 1001 is "
        "unknown.\n"
    )
