"""`tasks.log.download`: order, `sinceTime` (strictly after), `limit` (first N), the
SDK's record shapes, hostile lines kept verbatim, and the lazily generated big log."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime

import httpx
import pytest

from sly_tui.demo import Emulator, ManualClock
from sly_tui.demo.seed_data import HOSTILE_LOG_LINES

from ..conftest import FROZEN_NOW
from .conftest import Rpc, error_message

TASK = 1001


async def test_entries_are_ascending_with_the_documented_keys(rpc: Rpc) -> None:
    log = await rpc.get("tasks.log.download", {"id": TASK})
    assert len(log) > 10
    stamps = [e["timestamp"] for e in log]
    assert stamps == sorted(stamps)
    for entry in log:
        assert list(entry)[:4] == ["level", "message", "timestamp", "task_id"]
        assert entry["task_id"] == TASK
        assert entry["level"] in ("trace", "debug", "info", "warn", "error", "fatal")
        assert entry["timestamp"].endswith("Z") and len(entry["timestamp"]) == 24


async def test_without_a_limit_the_whole_log_comes() -> None:
    """The SDK's `get_logs()` sends no limit and does not page: it must get every line."""
    emulator = big(25_000)
    task_id = emulator.big_log_task_id
    transport = httpx.ASGITransport(app=emulator.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        whole = await Rpc(client, emulator.token).get("tasks.log.download", {"id": task_id})
    assert len(whole) == 25_000


async def test_since_time_is_strictly_after_and_limit_takes_the_first(rpc: Rpc) -> None:
    log = await rpc.get("tasks.log.download", {"id": TASK})
    middle = log[len(log) // 2]
    after = await rpc.get("tasks.log.download", {"id": TASK, "sinceTime": middle["timestamp"]})
    assert after == log[len(log) // 2 + 1 :]
    assert await rpc.get("tasks.log.download", {"id": TASK, "limit": 3}) == log[:3]
    both = await rpc.get(
        "tasks.log.download", {"id": TASK, "sinceTime": middle["timestamp"], "limit": 2}
    )
    assert both == after[:2]
    assert (
        await rpc.get("tasks.log.download", {"id": TASK, "sinceTime": log[-1]["timestamp"]}) == []
    )
    assert await rpc("tasks.log.download", {"id": TASK, "limit": 3}) == log[:3]  # POST works too
    offset = middle["timestamp"].replace("Z", "+00:00")
    assert await rpc.get("tasks.log.download", {"id": TASK, "sinceTime": offset}) == after


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"sinceTime": "last tuesday"}, "ISO-8601"),
        ({"limit": "many"}, "integer"),
        ({"limit": -1}, "negative"),
    ],
)
async def test_bad_log_queries_are_400(rpc: Rpc, params: dict[str, object], fragment: str) -> None:
    body = await rpc.get("tasks.log.download", {"id": TASK, **params}, status=400)
    assert fragment in error_message(body)


async def test_sdk_record_shapes(rpc: Rpc, emulator: Emulator) -> None:
    failed = next(
        t for t in emulator.world.tasks.values() if t.status == "error" and t.type == "app"
    )
    log = await rpc.get("tasks.log.download", {"id": failed.id})
    progress = [e for e in log if e["message"] == "progress"]
    assert progress and all(
        e["event_type"] == "EventType.PROGRESS" and {"subtask", "current", "total"} <= set(e)
        for e in progress
    )
    crash = next(e for e in log if e["level"] == "error")
    assert isinstance(crash["stack"], list) and crash["stack"][0].startswith("Traceback")
    assert log[-1]["message"] == "TASK_END" and log[-1]["event_type"] == "EventType.TASK_CRASHED"


async def test_hostile_lines_are_served_verbatim(rpc: Rpc) -> None:
    messages = [e["message"] for e in await rpc.get("tasks.log.download", {"id": TASK})]
    for _, message, _ in HOSTILE_LOG_LINES:
        assert message in messages
    assert any("\x1b[31m" in m for m in messages)


def big(lines: int) -> Emulator:
    return Emulator(seed=3, clock=ManualClock(FROZEN_NOW), big_log_lines=lines)


def test_a_million_line_log_costs_nothing_up_front() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    emulator = big(1_000_000)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 20 * 1024 * 1024
    assert emulator.big_log_task_id is not None


async def test_big_log_pages_by_since_time() -> None:
    emulator = big(1_000_000)
    task_id = emulator.big_log_task_id
    transport = httpx.ASGITransport(app=emulator.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        rpc = Rpc(client, emulator.token)
        wanted = 15_000  # a large limit is honoured (QA #10)
        first = await rpc.get("tasks.log.download", {"id": task_id, "limit": wanted})
        assert len(first) == wanted
        started = time.perf_counter()
        cursor = first[-1]["timestamp"]
        for _ in range(5):
            page = await rpc.get(
                "tasks.log.download", {"id": task_id, "sinceTime": cursor, "limit": 100}
            )
            assert len(page) == 100 and page[0]["timestamp"] > cursor
            cursor = page[-1]["timestamp"]
        deep = datetime(2026, 11, 27, 11, 0, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        tail = await rpc.get("tasks.log.download", {"id": task_id, "sinceTime": deep, "limit": 5})
        assert len(tail) == 5 and tail[0]["timestamp"] > deep
        assert time.perf_counter() - started < 1.0
        last = await rpc.get(
            "tasks.log.download", {"id": task_id, "sinceTime": "2099-01-01T00:00:00Z"}
        )
        assert last == []
