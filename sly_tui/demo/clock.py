"""Where the emulator's "now" comes from, and how instants travel over the wire.

The simulator never reads the wall clock itself: it asks a clock. Tests use `ManualClock`
so that simulated time moves only when they say so (and answers are deterministic);
the demo server uses `SystemClock`, optionally faster than real time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current instant (timezone-aware, UTC)."""

    def now(self) -> datetime: ...


class ManualClock:
    """A clock that stands still until told to move: the basis of deterministic tests."""

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._now += timedelta(seconds=seconds)

    def set(self, instant: datetime) -> None:
        instant = as_utc(instant)
        if instant < self._now:
            raise ValueError("a clock cannot go backwards")
        self._now = instant


class SystemClock:
    """Real time, optionally sped up: `speed=60` makes one real second a simulated minute.

    Simulated time starts at the real current instant, so a demo's history lines up with
    the user's own clock.
    """

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._start = as_utc(start) if start is not None else datetime.now(UTC)
        self._mono0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.monotonic() - self._mono0) * self.speed)


def as_utc(instant: datetime) -> datetime:
    """Naive datetimes are taken to be UTC, as the server does with `sinceTime`."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def iso(instant: datetime) -> str:
    """The wire format of every instant: UTC, milliseconds, literal `Z`."""
    t = instant.astimezone(UTC)
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.microsecond // 1000:03d}Z"
    )


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 instant as clients send it (`…Z`, an offset, or naive = UTC).

    Raises ValueError for anything unparsable, also for an instant whose offset moves it
    out of years 1-9999 in UTC (which `astimezone` reports as OverflowError).
    """
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return as_utc(datetime.fromisoformat(text))
    except OverflowError:
        raise ValueError(f"{text!r} is outside the years 1-9999 in UTC") from None


def to_ms(instant: datetime) -> int:
    """Milliseconds since the epoch: the integer key logs are ordered and searched by."""
    return round(instant.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)
