"""Task logs: stored ones, generated ones, and the SDK-shaped records that fill them.

Both kinds keep entries in timestamp order and answer `tasks.log.download` by binary
search on an integer millisecond key, so `sinceTime` costs O(log n) even for a log of a
million generated lines.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from sly_tui.demo.clock import from_ms, iso, to_ms
from sly_tui.enums import LogLevel

Entry = dict[str, Any]


class LogSource(Protocol):
    def __len__(self) -> int: ...

    def download(self, since_ms: int | None, limit: int | None) -> list[Entry]: ...


def _window(count: int, start: int, limit: int | None) -> range:
    """Entries from `start`, at most `limit` of them; without a limit the rest of the log
    (the SDK's `get_logs()` sends none and does not page, so it must get the whole log)."""
    return range(start, count if limit is None else min(count, start + max(limit, 0)))


class TaskLog:
    """A task's stored log. Simulated writers append at the current instant; entries
    posted through `tasks.logs.add` may carry older timestamps and are inserted in order.

    `cap` bounds a log that grows forever (a serving app left running for days): once
    exceeded by a tenth, the oldest lines are dropped in one batch.
    """

    def __init__(self, task_id: int, cap: int | None = None) -> None:
        self.task_id = task_id
        self.cap = cap
        self._ms: list[int] = []
        self._entries: list[Entry] = []
        self.progress: Entry | None = None  # the latest progress record, for `withProgress`

    def __len__(self) -> int:
        return len(self._entries)

    def write(self, at: datetime, level: str, message: str, **extras: Any) -> Entry:
        """Append a line at `at`, nudged 1 ms past the previous line so that every line
        of a task has its own instant and a `sinceTime` cursor never skips one."""
        ms = to_ms(at)
        if self._ms and ms <= self._ms[-1]:
            ms = self._ms[-1] + 1
        entry = make_entry(self.task_id, ms, level, message, extras)
        if message == "progress":
            self.progress = entry
        self._ms.append(ms)
        self._entries.append(entry)
        self._trim()
        return entry

    def insert(self, ms: int, entry: Entry) -> None:
        """Insert an entry that carries its own timestamp (after its equals, keeping
        arrival order among lines of one instant)."""
        index = bisect.bisect_right(self._ms, ms)
        self._ms.insert(index, ms)
        self._entries.insert(index, entry)
        self._trim()

    def download(self, since_ms: int | None, limit: int | None) -> list[Entry]:
        start = 0 if since_ms is None else bisect.bisect_right(self._ms, since_ms)
        window = _window(len(self._entries), start, limit)
        return self._entries[window.start : window.stop]

    def clear(self) -> None:
        self._ms.clear()
        self._entries.clear()

    def _trim(self) -> None:
        if self.cap is not None and len(self._entries) > self.cap + self.cap // 10:
            drop = len(self._entries) - self.cap
            del self._ms[:drop]
            del self._entries[:drop]


class GeneratedLog:
    """A read-only log whose line `i` is computed from `i`: nothing is stored, so a log of
    a million lines costs nothing until a page of it is asked for.

    Timestamps are `start_ms + i * step_ms`; `message_at(i)` and `level_at(i)` decide the
    rest. Search by time is a binary search over the index.
    """

    def __init__(
        self,
        task_id: int,
        count: int,
        start_ms: int,
        step_ms: int,
        line: Callable[[int], tuple[str, str, dict[str, Any]]],
    ) -> None:
        self.task_id = task_id
        self.count = count
        self.start_ms = start_ms
        self.step_ms = step_ms
        self._line = line

    def __len__(self) -> int:
        return self.count

    def ms_at(self, index: int) -> int:
        return self.start_ms + index * self.step_ms

    def entry(self, index: int) -> Entry:
        level, message, extras = self._line(index)
        return make_entry(self.task_id, self.ms_at(index), level, message, extras)

    def download(self, since_ms: int | None, limit: int | None) -> list[Entry]:
        start = 0
        if since_ms is not None:
            start = bisect.bisect_right(range(self.count), since_ms, key=self.ms_at)
        return [self.entry(i) for i in _window(self.count, start, limit)]


def make_entry(task_id: int, ms: int, level: str, message: str, extras: dict[str, Any]) -> Entry:
    """The shape `tasks.log.download` returns: the four documented keys, then extras."""
    entry: Entry = {
        "level": level,
        "message": message,
        "timestamp": iso(from_ms(ms)),
        "task_id": task_id,
    }
    entry.update((k, v) for k, v in extras.items() if k not in entry)
    return entry


# --- SDK-shaped records -------------------------------------------------------------------


def progress(subtask: str, current: int, total: int) -> tuple[str, str, dict[str, Any]]:
    """What `sly.Progress` logs: message "progress", the step name in `subtask`."""
    return (
        LogLevel.INFO,
        "progress",
        {
            "event_type": "EventType.PROGRESS",
            "subtask": subtask,
            "current": current,
            "total": total,
        },
    )


def crash(message: str, exc_str: str, stack: list[str]) -> tuple[str, str, dict[str, Any]]:
    """An error as the SDK's logger writes it when an exception escapes: with `stack`."""
    return (LogLevel.ERROR, message, {"exc_str": exc_str, "stack": stack})


def task_end(event: str, **extras: Any) -> tuple[str, str, dict[str, Any]]:
    """The agent's closing record; `event` is FINISHED, CRASHED or STOPPED."""
    level = LogLevel.FATAL if event == "CRASHED" else LogLevel.INFO
    return (level, "TASK_END", {"event_type": f"EventType.TASK_{event}", **extras})


def plain(level: str, message: str, **extras: Any) -> tuple[str, str, dict[str, Any]]:
    return (level, message, extras)


def digest(*parts: object) -> int:
    """A stable integer from any parts: seeds the per-line choices of generated logs."""
    text = ":".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")
