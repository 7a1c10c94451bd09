"""A search through a task's log, without Textual: what is asked, what was found, where next.

The log view scans the spool in a worker thread, a window of lines at a time
(`LogSearch.scan`), and hands each window's hits back on the event loop (`add`). Hits are
kept in order in an index array, so the next or previous match (`jump`) and the "3/120"
position (`position`) are bisections, and lines appended later are scanned as they come.
A jump that needs lines not scanned yet waits (`pending`) and is made when they are.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from sly_tui.monitor.log_spool import LogSpool, Query


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """What the search prompt asks for; an empty `text` clears the search."""

    text: str
    regex: bool = False
    case: bool = False

    def error(self) -> str | None:
        """Why the request cannot run (an invalid regex), or None."""
        if not self.regex:
            return None
        try:
            re.compile(self.text)
        except re.error as error:
            return f"invalid regex: {error}"
        return None


@dataclass(frozen=True, slots=True)
class Jump:
    """Where a jump lands: spool line `target` (None: there is no match at all), and
    whether it went round an end of the log to get there."""

    target: int | None
    wrapped: bool = False


@dataclass(eq=False)
class LogSearch:
    """A search in progress: `hits` holds the matching lines below `scanned`, in order,
    among the lines at the `levels` shown when it started."""

    query: Query
    levels: tuple[str, ...]
    hits: array[int] = field(default_factory=lambda: array("I"))
    scanned: int = 0
    scanning: bool = False
    # A jump (direction, inclusive) that waits for the scan to reach further.
    pending: tuple[int, bool] | None = None

    @property
    def request(self) -> SearchRequest:
        """The request that would start this search again (to edit it in the prompt)."""
        return SearchRequest(self.query.text, self.query.regex, self.query.case)

    def scan(self, spool: LogSpool, start: int, stop: int) -> array[int]:
        """The matching lines in [start, stop): safe to call from a worker thread."""
        query = self.query
        return array(
            "I",
            spool.matches(
                query.text, start, stop, regex=query.regex, case=query.case, levels=self.levels
            ),
        )

    def add(self, hits: array[int], scanned: int) -> None:
        """Take in the hits of a window scanned up to line `scanned`."""
        self.hits.extend(hits)
        self.scanned = scanned

    def position(self, selected: int | None) -> str:
        """The "3/120" of the status line: which match the selected line is, of how many
        so far ("…": more may come)."""
        total = f"{len(self.hits):,}" + ("…" if self.scanning else "")
        if selected is None:
            return f"?/{total}"
        at = bisect_left(self.hits, selected)
        found = at < len(self.hits) and self.hits[at] == selected
        return f"{at + 1 if found else '?'}/{total}"

    def jump(self, here: int | None, direction: int, *, inclusive: bool = False) -> Jump | None:
        """The next (+1) or previous (-1) match from line `here`, wrapping around the
        log's ends; None when the scan has not got far enough to tell, and then the jump
        is remembered in `pending` for when it has."""
        self.pending = None
        hits = self.hits
        at_line = -1 if here is None else here
        if direction > 0:
            at = bisect_left(hits, at_line) if inclusive else bisect_right(hits, at_line)
            known = at < len(hits) or not self.scanning
            target = hits[at] if at < len(hits) else hits[0] if hits else None
        else:
            at = (bisect_right(hits, at_line) if inclusive else bisect_left(hits, at_line)) - 1
            # Going up, the nearest hit is only known once the scan has passed `here`, and
            # wrapping to the last hit needs the whole log scanned.
            known = (self.scanned > at_line and at >= 0) or not self.scanning
            target = hits[at] if at >= 0 else hits[-1] if hits else None
        if not known:
            self.pending = (direction, inclusive)
            return None
        if target is None:
            return Jump(None)
        wrapped = (target < at_line) if direction > 0 else (target > at_line)
        return Jump(target, wrapped)
