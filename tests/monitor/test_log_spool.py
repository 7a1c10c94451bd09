"""The log spool keeps every line, finds them fast, survives reopening and hostile text."""

from __future__ import annotations

import json
import re
import threading
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sly_tui.api import LogEntry
from sly_tui.monitor.log_spool import LogSpool

T0 = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
HOSTILE = [
    "[bold]x[/] [@click=app.quit]q[/] [/red]",
    "\x1b]2;PWNED\x07title \x1b[31mred\x1b[0m \x1bc reset \x9b31m c1",
    "emoji 🎉 and CJK 日本語 wide",
    "",
    "tab\there",
    "lone \ud800 surrogate",
    "nul\x00 and del\x7f",
]


def raw(ms: int | None, message: Any, level: str | None = "info", **extras: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"message": message, "level": level, "task_id": 7, **extras}
    if ms is not None:
        stamp = (T0 + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds")
        record["timestamp"] = stamp.replace("+00:00", "Z")
    return record


def entry(ms: int | None, message: Any, level: str | None = "info", **extras: Any) -> LogEntry:
    return LogEntry.from_json(raw(ms, message, level, **extras))


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[LogSpool]:
    with LogSpool(tmp_path / "logs" / "task-7.jsonl") as s:
        yield s


def test_round_trip(spool: LogSpool) -> None:
    got = spool.append([entry(0, "hello"), entry(1, "world", "warn"), entry(None, "no time")])
    assert got == range(0, 3)
    assert spool.append([entry(2, "more")]) == range(3, 4)
    assert spool.append([]) == range(4, 4)
    assert len(spool) == 4

    first = spool.line(0)
    assert (first.index, first.timestamp, first.level, first.text) == (0, T0, "info", "hello")
    assert first.raw == raw(0, "hello")
    assert spool.line(1).level == "warn"
    assert spool.line(2).timestamp is None
    assert [line.text for line in spool.lines(1, 10)] == ["world", "no time", "more"]
    backwards = spool.iter_lines(1, 3, backwards=True)
    assert [line.index for line in backwards] == [2, 1]
    assert spool.lines(5, 9) == []
    with pytest.raises(IndexError):
        spool.line(4)
    assert spool.line(1).plain() == "2026-11-27T12:00:00.001Z WARN  world"


def test_levels_are_normalised_and_unknown_names_kept(spool: LogSpool) -> None:
    entries = [
        entry(0, "a", "WARNING"),
        entry(1, "b", "critical"),
        entry(2, "c", None),
        entry(3, "d", "notice"),
        LogEntry("e", "Error", T0, 7, {}),
        entry(4, "f", "\x1b[31mevil\x1b[0m"),
    ]
    spool.append(entries)
    assert [line.level for line in spool.lines(0, 6)] == [
        "warn",
        "fatal",
        "info",
        "notice",
        "error",
        "evil",
    ]
    # The compact level array knows ranks only: unknown names rank as info.
    assert [spool.level_of(i) for i in range(6)] == [
        "warn",
        "fatal",
        "info",
        "info",
        "error",
        "info",
    ]


def test_level_index_is_incremental(spool: LogSpool) -> None:
    levels = ["trace", "debug", "info", "warn", "error", "fatal"]
    for round_ in range(3):
        spool.append([entry(round_ * 10 + i, level, level) for i, level in enumerate(levels)])
    assert list(spool.at_least("trace")) == list(range(18))
    assert list(spool.at_least("warn")) == [3, 4, 5, 9, 10, 11, 15, 16, 17]
    assert list(spool.at_least("error")) == [4, 5, 10, 11, 16, 17]
    assert list(spool.at_least("fatal")) == [5, 11, 17]
    assert list(spool.with_levels({"debug", "fatal"})) == [1, 5, 7, 11, 13, 17]
    assert list(spool.with_levels({"info"}, 3, 10)) == [8]


def test_multi_line_message_and_stack_make_one_line(spool: LogSpool) -> None:
    stack = ["Traceback (most recent call last):", '  File "x.py", line 1', "ValueError: bad"]
    spool.append([entry(0, "first\nsecond"), entry(1, "crashed", "error", stack=stack)])
    assert len(spool) == 2
    assert spool.line(0).text == "first\nsecond"
    assert spool.line(1).text == "crashed\n" + "\n".join(stack)
    assert spool.find("ValueError", 0) == 1
    assert spool.line(1).plain().splitlines()[1] == "    Traceback (most recent call last):"


def test_hostile_content_is_cleaned_and_round_trips(spool: LogSpool) -> None:
    long_line = "x" * 100_000 + " END"
    spool.append([entry(i, text) for i, text in enumerate([*HOSTILE, long_line])])
    spool.append([entry(100, 12345), entry(101, None), entry(102, {"nested": [1, 2]})])
    texts = [line.text for line in spool.lines(0, len(spool))]
    assert texts[0] == HOSTILE[0]  # markup is not the spool's business: kept verbatim
    assert "\x1b" not in texts[1] and "\x07" not in texts[1] and "\x9b" not in texts[1]
    assert "title" in texts[1] and "red" in texts[1]
    assert texts[2] == HOSTILE[2]
    assert texts[3] == ""
    assert texts[4] == "tab\there"
    assert texts[5] == "lone \ufffd surrogate"
    assert texts[6] == "nul and del"
    assert texts[7] == long_line
    assert texts[8:] == ["12345", "", "{'nested': [1, 2]}"]
    # The raw entry comes back exactly as the server sent it, bad text included.
    assert spool.line(5).raw == raw(5, "lone \ud800 surrogate")
    assert spool.line(8).raw["message"] == 12345
    # Every record is one ASCII line, whatever the entry held.
    data = spool.path.read_bytes()
    assert data.isascii() and data.count(b"\n") == len(spool)


def test_entry_json_cannot_hold_is_kept_without_extras(spool: LogSpool) -> None:
    cyclic: dict[str, Any] = {"message": "loop"}
    cyclic["self"] = cyclic
    spool.append(
        [LogEntry("loop", "info", T0, 7, cyclic), LogEntry("when", None, T0, 7, {"t": T0})]
    )
    assert spool.line(0).text == "loop" and spool.line(0).raw == {}
    assert spool.line(1).raw == {"t": str(T0)}


def test_reopen_rebuilds_index_and_last_entries(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    with LogSpool(path) as spool:
        spool.append([entry(0, "a", "debug"), entry(1, "b", "error"), entry(2, "c")])
        spool.append([entry(2, "d", "warn"), entry(2, "c"), entry(None, "untimed")])
        before = [line.plain() for line in spool.lines(0, 6)]
    with LogSpool(path) as spool:
        assert len(spool) == 6
        assert [line.plain() for line in spool.lines(0, 6)] == before
        assert list(spool.at_least("warn")) == [1, 3]
        last, seen = spool.last_entries()
        assert last == T0 + timedelta(milliseconds=2)
        assert seen == [raw(2, "c"), raw(2, "d", "warn"), raw(2, "c")]
        assert spool.append([entry(3, "e")]) == range(6, 7)
        assert spool.line(6).text == "e"


def test_last_entries_of_an_empty_or_untimed_spool(spool: LogSpool) -> None:
    assert spool.last_entries() == (None, [])
    spool.append([entry(None, "x")])
    assert spool.last_entries() == (None, [])


def test_a_torn_last_record_is_cut_off_on_reopen(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    with LogSpool(path) as spool:
        spool.append([entry(0, "whole"), entry(1, "also whole")])
    with path.open("ab") as file:
        file.write(b'[2,null,null,"torn')
    with LogSpool(path) as spool:
        assert len(spool) == 2
        spool.append([entry(2, "next")])
        assert [line.text for line in spool.lines(0, 3)] == ["whole", "also whole", "next"]


def test_a_damaged_record_reads_as_a_placeholder(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    path.write_bytes(b'[2,null,null,"ok",{}]\nnot json at all\n\xff\xfe\n')
    with LogSpool(path) as spool:
        assert len(spool) == 3
        assert spool.line(0).text == "ok"
        assert spool.line(1).text == spool.line(2).text == "(unreadable log record)"
        assert spool.count("json") == 0 and spool.count("ok") == 1  # and no crash


@pytest.fixture
def searchable(spool: LogSpool) -> LogSpool:
    spool.append(
        [
            entry(0, "Epoch 1 loss=0.9"),
            entry(1, "epoch 2 LOSS=0.5", "debug"),
            entry(2, 'quoted "loss" and back\\slash'),
            entry(3, "CUDA error", "error"),
            entry(4, "Ünïcode LOSS here"),
            entry(5, "split \x1b[1mlo\x1b[0mss word"),
            entry(6, "crashed", "fatal", stack=["loss in the stack"]),
            entry(7, "nothing"),
        ]
    )
    return spool


def test_find_forwards_and_backwards(searchable: LogSpool) -> None:
    s = searchable
    assert s.find("loss", 0) == 0
    assert s.find("loss", 1) == 1
    assert s.find("loss", 3) == 4
    assert s.find("loss", 7) is None
    assert s.find("loss", 7, backwards=True) == 6
    assert s.find("loss", 3, backwards=True) == 2
    assert s.find("loss", 0, backwards=True) == 0
    assert s.find("zzz", 0) is None
    assert s.find("", 0) is None


def test_count_case_regex_and_levels(searchable: LogSpool) -> None:
    s = searchable
    # "lo\x1b[1m" + "ss" is "loss" once cleaned: the byte prefilter must not miss it.
    assert s.count("loss") == 6
    assert s.count("LOSS", case=True) == 2
    assert s.count("loss", case=True) == 4
    assert s.count('"loss"') == 1
    assert s.count("back\\slash") == 1
    assert s.count("ünïcode") == 1
    assert s.count("ünïcode", case=True) == 0
    assert s.count(r"loss=0\.\d", regex=True) == 2
    assert s.count(r"^epoch \d", regex=True, case=True) == 1
    assert s.count("loss", levels={"debug", "fatal"}) == 2
    assert s.count("loss", 2, 5) == 2
    assert list(s.matches("loss", 4)) == [4, 5, 6]
    assert s.find("error", 0, levels={"error", "fatal"}) == 3
    with pytest.raises(re.error):
        s.count("([", regex=True)


def test_search_is_safe_against_concurrent_appends(spool: LogSpool) -> None:
    spool.append([entry(i, f"needle {i}") for i in range(2000)])
    counts: list[int] = []

    def search() -> None:
        for _ in range(5):
            counts.append(spool.count("needle"))

    worker = threading.Thread(target=search)
    worker.start()
    for i in range(2000, 4000, 100):
        spool.append([entry(j, f"needle {j}") for j in range(i, i + 100)])
    worker.join()
    assert all(2000 <= n <= 4000 for n in counts)
    assert spool.count("needle") == 4000


def test_closed_spool_refuses_reads_and_writes(tmp_path: Path) -> None:
    spool = LogSpool(tmp_path / "s.jsonl")
    spool.append([entry(0, "x")])
    spool.close()
    spool.close()
    with pytest.raises(ValueError, match="closed"):
        spool.line(0)
    with pytest.raises(ValueError, match="closed"):
        spool.append([entry(1, "y")])


def test_large_spool_builds_searches_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    levels = ["info", "info", "debug", "warn", "info", "info", "info", "info", "info", "error"]
    with LogSpool(path) as spool:
        for block in range(0, 200_000, 10_000):
            spool.append(
                [
                    LogEntry(f"step {i} loss={i % 997}", levels[i % 10], T0, 7, {})
                    for i in range(block, block + 10_000)
                ]
            )
        assert len(spool) == 200_000
        assert len(spool.at_least("error")) == 20_000
        assert spool.count("loss=996") == 200
        assert spool.find("step 199999 ", 0) == 199_999
        assert spool.find("step 5 ", 199_999, backwards=True) == 5
    with LogSpool(path) as spool:
        assert len(spool) == 200_000
        assert len(spool.at_least("warn")) == 40_000
        assert spool.line(123_456).text == "step 123456 loss=825"


def test_index_memory_per_line_is_small(tmp_path: Path) -> None:
    lines = 100_000
    path = tmp_path / "m.jsonl"
    with LogSpool(path) as spool:
        batch = [LogEntry(f"line {i}", "info", T0, 7, {}) for i in range(lines // 10)]
        for _ in range(10):
            spool.append(batch)
    # Reopening builds the same index as appending, minus the JSON encoding that would
    # make tracemalloc slow: what stays on the heap is the index.
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        spool = LogSpool(path)
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    spool.close()
    assert len(spool) == lines
    assert used / lines < 64, f"{used / lines:.1f} bytes per line"


def test_records_are_json_lines(spool: LogSpool) -> None:
    spool.append([entry(0, "a"), LogEntry("b", "notice", None, None, {"other": 1})])
    records = [json.loads(line) for line in spool.path.read_text().splitlines()]
    assert records[0][0] == 2 and records[0][3] is None
    assert records[1] == [2, None, "notice", "b", {"other": 1}]


def test_progress_records_read_and_search_as_progress(tmp_path: Path) -> None:
    record = {
        "message": "progress",
        "level": "info",
        "timestamp": "2026-11-27T12:00:00.000Z",
        "event_type": "EventType.PROGRESS",
        "subtask": "Epoch 3/12: train",
        "current": 50,
        "total": 100,
    }
    with LogSpool(tmp_path / "p.jsonl") as spool:
        spool.append([LogEntry.from_json(record)])
        assert spool.line(0).text == "progress · Epoch 3/12: train 50/100"
        assert spool.count("train 50/100") == 1


def test_a_spool_that_cannot_be_created_lives_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")  # a file where the cache directory should be: even root fails
    reasons: list[str] = []
    with LogSpool(blocker / "logs" / "task-1.jsonl", on_memory=reasons.append) as spool:
        spool.append([entry(i, f"line {i}") for i in range(3)])
        assert [spool.line(i).text for i in range(3)] == ["line 0", "line 1", "line 2"]
    assert len(reasons) == 1 and str(blocker) in reasons[0]


def test_a_full_disk_moves_the_spool_to_memory_without_losing_a_line(tmp_path: Path) -> None:
    reasons: list[str] = []
    with LogSpool(Path("/dev/full"), on_memory=reasons.append) as spool:  # every write: ENOSPC
        spool.append([entry(i, f"line {i}") for i in range(2)])
        spool.append([entry(i, f"line {i}") for i in range(2, 5)])
        assert len(spool) == 5 and spool.line(4).text == "line 4"
    assert reasons == ["/dev: No space left on device"]
