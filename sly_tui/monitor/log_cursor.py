"""Where a task's log was read up to, so no line is lost or repeated.

The server filters logs by time only (`sinceTime`) and may cut a page in the middle of a
run of entries that share one timestamp. The cursor therefore remembers the last timestamp
and *which* entries at that timestamp it has already seen (a multiset of fingerprints).
It asks for a little before the last timestamp, so the answer is right whether the server
compares with `>` or `>=`, then drops everything older than the last timestamp and the
already-seen entries at it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sly_tui.api import LogEntry

OVERLAP = timedelta(milliseconds=1)


def fingerprint(raw: Mapping[str, Any]) -> str:
    """A stable identity for an entry: everything the server sent, in key order."""
    return json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)


class LogCursor:
    """The read position in one task's log."""

    def __init__(self, last: datetime | None = None, seen: Iterable[Mapping[str, Any]] = ()):
        self.last = last
        self._seen: Counter[str] = Counter(fingerprint(raw) for raw in seen)

    @property
    def since(self) -> datetime | None:
        """The `sinceTime` for the next request (None: from the beginning)."""
        return None if self.last is None else self.last - OVERLAP

    def accept(self, batch: Sequence[LogEntry]) -> list[LogEntry]:
        """The entries of `batch` not seen before, in order; moves the cursor past them.

        An entry without a timestamp cannot be placed after the cursor, so it only counts
        on a first read (the server has no reason to send it again after one).
        """
        already = Counter(self._seen)
        fresh: list[LogEntry] = []
        for entry in batch:
            moment = entry.timestamp
            if self.last is not None:
                if moment is None or moment < self.last:
                    continue
                if moment == self.last:
                    key = fingerprint(entry.raw)
                    if already[key] > 0:
                        already[key] -= 1
                        continue
            fresh.append(entry)
        for entry in fresh:
            moment = entry.timestamp
            if moment is None:
                continue
            if self.last is None or moment > self.last:
                self.last, self._seen = moment, Counter()
            if moment == self.last:
                self._seen[fingerprint(entry.raw)] += 1
        return fresh
