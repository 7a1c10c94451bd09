"""Reading only the end of a long log: `logs --tail` and `task`'s progress widen a tail
until it holds what they need, instead of downloading the whole log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sly_tui.api import LogEntry, TaskInfo
from sly_tui.demo import Emulator, ManualClock
from sly_tui.headless import reading
from sly_tui.monitor.log_spool import LogLine

from .conftest import Sly

LINES = 10_000  # 10 ms apart: 100 s of log, a progress record every 1,000 lines


@pytest.fixture
def emulator(clock: ManualClock) -> Emulator:
    return Emulator(seed=1, clock=clock, big_log_lines=LINES)


@pytest.fixture
def served(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many entries the big log handed out; first tails of 10 s (1,000 lines)."""
    monkeypatch.setattr(reading, "FIRST_TAIL", timedelta(seconds=10))
    task_id = emulator.big_log_task_id
    assert task_id is not None
    log = emulator.world.tasks[task_id].log
    download = log.download
    counts: list[int] = []

    def counting(since_ms, limit):
        entries = download(since_ms, limit)
        counts.append(len(entries))
        return entries

    monkeypatch.setattr(log, "download", counting)
    return counts


def plain(emulator: Emulator, first: int, last: int) -> list[str]:
    task_id = emulator.big_log_task_id
    log = emulator.world.tasks[task_id].log
    return [
        LogLine.from_entry(LogEntry.from_json(log.entry(i))).plain() for i in range(first, last)
    ]


async def test_tail_reads_one_short_window(sly: Sly, emulator: Emulator, served: list[int]) -> None:
    result = await sly("logs", str(emulator.big_log_task_id), "--tail", "5")
    assert result.out.splitlines() == plain(emulator, LINES - 5, LINES)
    assert sum(served) <= 1_001


async def test_tail_widens_until_it_has_enough(
    sly: Sly, emulator: Emulator, served: list[int]
) -> None:
    result = await sly("logs", str(emulator.big_log_task_id), "--tail", "1500")
    assert result.out.splitlines() == plain(emulator, LINES - 1500, LINES)
    assert 1_000 + 4_000 <= sum(served) <= 1_001 + 4_001  # 10 s, then 40 s


async def test_task_progress_from_the_last_window_only(
    sly: Sly, emulator: Emulator, served: list[int]
) -> None:
    result = await sly("task", str(emulator.big_log_task_id))
    assert result.out.splitlines()[-1].split() == ["progress", "Crunching", "numbers", "100%"]
    assert sum(served) <= 1_001


def test_tail_readers_reach_back_to_the_start() -> None:
    end = "2026-11-27T12:00:00Z"
    task = TaskInfo.from_json(
        {"id": 7, "status": "finished", "createdAt": "2026-11-27T09:00:00Z", "finishedAt": end}
    )
    readers = list(reading.tail_readers(task))
    starts = [reader.topic.cursor.last for reader in readers]
    assert [str(start.time()) if start else None for start in starts] == [
        "11:50:00",
        "11:20:00",
        "09:20:00",
        None,  # 640 minutes would reach before the task was created: read it all
    ]
