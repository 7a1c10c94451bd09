"""The log cursor neither loses nor repeats a line, whatever the server's `since` semantics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sly_tui.api import LogEntry
from sly_tui.monitor.log_cursor import LogCursor

T0 = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)


def entry(ms: int, message: str) -> LogEntry:
    stamp = (T0 + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds")
    return LogEntry.from_json(
        {"message": message, "level": "info", "timestamp": stamp.replace("+00:00", "Z")}
    )


LOG = [
    entry(0, "a"),
    entry(1, "b"),
    entry(1, "c"),
    entry(1, "c"),  # a true duplicate line at the same instant must be kept twice
    entry(2, "d"),
    entry(2, "e"),
    entry(5, "f"),
]


def server(log: list[LogEntry], since: datetime | None, limit: int, inclusive: bool):
    def after(e: LogEntry) -> bool:
        if since is None:
            return True
        assert e.timestamp is not None
        return e.timestamp >= since if inclusive else e.timestamp > since

    return [e for e in log if after(e)][:limit]


def drain(log: list[LogEntry], page: int, inclusive: bool, cursor: LogCursor) -> list[str]:
    """Read to the end as the detail topic does: a full page with nothing new widens."""
    out: list[str] = []
    limit = page
    for _ in range(100):
        batch = server(log, cursor.since, limit, inclusive)
        fresh = cursor.accept(batch)
        out += [e.message for e in fresh]
        if len(batch) < limit:
            break
        limit = limit * 2 if not fresh else page
    return out


def test_every_line_once_for_every_page_size_and_semantics():
    for inclusive in (True, False):
        for limit in range(1, 9):
            assert drain(LOG, limit, inclusive, LogCursor()) == list("abccdef"), (inclusive, limit)


def test_growing_log_across_ticks_and_restart():
    cursor = LogCursor()
    seen = drain(LOG[:3], 10, False, cursor)
    # the log grows, including at the instant the cursor sits on
    seen += drain(LOG, 10, False, cursor)
    assert seen == list("abccdef")
    # a restart rebuilds the cursor from what was stored at the last instant
    restarted = LogCursor(cursor.last, [e.raw for e in LOG if e.timestamp == cursor.last])
    grown = [*LOG, entry(5, "g"), entry(6, "h")]
    assert drain(grown, 3, True, restarted) == ["g", "h"]


def test_first_read_keeps_entries_without_timestamp():
    odd = LogEntry.from_json({"message": "no time", "level": "info"})
    cursor = LogCursor()
    assert [e.message for e in cursor.accept([odd, LOG[0]])] == ["no time", "a"]
    assert cursor.accept([odd]) == []
