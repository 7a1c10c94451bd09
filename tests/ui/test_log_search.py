"""The log search object, without Textual: scanning windows, positions, next and previous."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sly_tui.api import LogEntry
from sly_tui.monitor.log_spool import LEVELS, LogSpool, Query
from sly_tui.ui.widgets.log_search import Jump, LogSearch, SearchRequest

T0 = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[LogSpool]:
    """Lines 0..99; "hit" on lines 10, 20, …, 90; line 50 is an error."""
    with LogSpool(tmp_path / "spool.jsonl") as spool:
        spool.append(
            [
                LogEntry(
                    f"line {i}" + (" hit" if i % 10 == 0 and i else ""),
                    "error" if i == 50 else "info",
                    T0 + timedelta(seconds=i),
                    7,
                    {},
                )
                for i in range(100)
            ]
        )
        yield spool


def searched(spool: LogSpool, text: str, *, upto: int = 100) -> LogSearch:
    search = LogSearch(Query(text), LEVELS, scanning=True)
    search.add(search.scan(spool, 0, upto), upto)
    search.scanning = upto < len(spool)
    return search


def test_request_says_why_a_regex_is_invalid() -> None:
    assert SearchRequest("(", regex=False).error() is None
    assert SearchRequest("a+b", regex=True).error() is None
    error = SearchRequest("(", regex=True).error()
    assert error is not None and error.startswith("invalid regex:")
    search = LogSearch(Query("Hit", regex=True, case=True), LEVELS)
    assert search.request == SearchRequest("Hit", regex=True, case=True)


def test_scan_finds_matches_at_the_search_levels(spool: LogSpool) -> None:
    search = searched(spool, "HIT")  # case-insensitive by default
    assert list(search.hits) == [10, 20, 30, 40, 50, 60, 70, 80, 90]
    errors_only = LogSearch(Query("hit"), ("error", "fatal"))
    assert list(errors_only.scan(spool, 0, 100)) == [50]


def test_position_counts_matches_and_says_when_more_may_come(spool: LogSpool) -> None:
    search = searched(spool, "hit")
    assert search.position(30) == "3/9"
    assert search.position(31) == "?/9"
    assert search.position(None) == "?/9"
    partial = searched(spool, "hit", upto=45)
    assert partial.position(20) == "2/4…"


def test_jumps_go_both_ways_and_wrap_around(spool: LogSpool) -> None:
    search = searched(spool, "hit")
    assert search.jump(30, 1) == Jump(40)
    assert search.jump(30, 1, inclusive=True) == Jump(30)
    assert search.jump(30, -1) == Jump(20)
    assert search.jump(90, 1) == Jump(10, wrapped=True)
    assert search.jump(10, -1) == Jump(90, wrapped=True)
    assert search.jump(None, 1) == Jump(10)
    assert searched(spool, "nowhere").jump(5, 1) == Jump(None)


def test_a_jump_past_the_scan_waits_for_it(spool: LogSpool) -> None:
    search = searched(spool, "hit", upto=35)
    assert search.jump(30, 1) is None and search.pending == (1, False)
    search.add(search.scan(spool, 35, 100), 100)
    search.scanning = False
    assert search.jump(30, 1) == Jump(40) and search.pending is None
    wrapping_up = searched(spool, "hit", upto=35)
    assert wrapping_up.jump(5, -1, inclusive=True) is None  # the last hit is not known yet
    assert wrapping_up.pending == (-1, True)
