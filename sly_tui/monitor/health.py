"""Per-server health: consecutive failures, exponential backoff, and the header's state."""

from __future__ import annotations

from collections.abc import Callable

from sly_tui.api import RateLimited, Unreachable
from sly_tui.api.sentences import failure_sentence
from sly_tui.monitor.events import ConnectionState, Phase

BACKOFF_FIRST = 1.0
BACKOFF_CAP = 60.0
STALLED = "The server is slow to answer; r tries again."


def backoff_delay(failures: int, first: float = BACKOFF_FIRST, cap: float = BACKOFF_CAP) -> float:
    """Seconds to wait after the `failures`-th failure in a row: 1, 2, 4 … capped at 60."""
    if failures <= 0:
        return 0.0
    return min(first * 2 ** (failures - 1), cap)


class Health:
    """Shared by every topic of one server, so one outage backs them all off together.

    `first` is the first pause (`wait` starts from its own, shorter, polling interval)."""

    def __init__(
        self,
        clock: Callable[[], float],
        on_change: Callable[[ConnectionState], None],
        *,
        first: float = BACKOFF_FIRST,
    ) -> None:
        self._clock = clock
        self._first = first
        self._on_change = on_change
        self._paused = False
        self._failures = 0
        self._failure_phase = Phase.RETRYING
        self._last_ok: float | None = None
        self._retry_at: float | None = None
        self._error: str | None = None
        self._stalled: set[object] = set()
        self.state = ConnectionState(Phase.CONNECTING)

    def _publish(self) -> None:
        if self._paused:
            phase = Phase.PAUSED
        elif self._failures:
            phase = self._failure_phase
        elif self._stalled:
            phase = Phase.RETRYING
        else:
            phase = Phase.LIVE if self._last_ok is not None else Phase.CONNECTING
        error = self._error
        if error is None and self._stalled and not self._paused:
            error = STALLED
        state = ConnectionState(phase, self._last_ok, self._retry_at, error, self._failures)
        if state != self.state:
            self.state = state
            self._on_change(state)

    @property
    def retry_at(self) -> float | None:
        """When the next attempt may start after failures (None when healthy)."""
        return self._retry_at

    def succeeded(self) -> None:
        self._failures, self._retry_at, self._error = 0, None, None
        self._last_ok = self._clock()
        self._publish()

    def failed(self, error: BaseException, at_least: float = 0.0) -> float:
        """Record a failure; returns the delay before the next attempt, which is never
        sooner than `at_least` (the polling interval), so the countdown shown is true."""
        self._failures += 1
        delay = backoff_delay(self._failures, self._first)
        if isinstance(error, RateLimited) and error.retry_after is not None:
            delay = min(max(float(error.retry_after), self._first), BACKOFF_CAP)  # as asked
        delay = max(delay, at_least)
        self._failure_phase = (
            Phase.DISCONNECTED if isinstance(error, Unreachable) else Phase.RETRYING
        )
        self._retry_at = self._clock() + delay
        self._error = failure_sentence(error)
        self._publish()
        return delay

    def stalled(self, poll: object, waiting: bool) -> None:
        """`poll` has waited longer than an interval for the server (or stopped waiting)."""
        if waiting:
            self._stalled.add(poll)
        else:
            self._stalled.discard(poll)
        self._publish()

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        self._publish()
