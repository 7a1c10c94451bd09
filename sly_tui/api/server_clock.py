"""The server's idea of now, from the `Date` header of its replies.

Durations of running tasks are "now minus startedAt", and startedAt comes from the
server's clock. A remote box without NTP, or the demo running its world faster than real
time, puts the two clocks apart, and running tasks then show `0s` or jump. The header
has a 1 s resolution and arrives a round trip late, so a gap smaller than `SKEW` is taken
for noise and our own clock is used.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

SKEW = timedelta(seconds=2)


class ServerClock:
    def __init__(self) -> None:
        self.offset = timedelta(0)  # server minus us, as last seen

    def observe(self, header: str | None) -> None:
        """Note a reply's `Date`; a missing or malformed one changes nothing."""
        if not header:
            return
        try:
            server = parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError, OverflowError):
            return
        if server.tzinfo is not None:
            self.offset = server - datetime.now(UTC)

    def now(self) -> datetime:
        offset = self.offset if abs(self.offset) > SKEW else timedelta(0)
        return datetime.now(UTC) + offset
