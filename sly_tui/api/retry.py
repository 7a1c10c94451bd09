"""When to try a request again and how long to wait first (the SDK's rules).

Pure arithmetic, separate from the transport so that the schedule can be checked without
a server and without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass

# `supervisely.io.network_exceptions.RETRY_STATUS_CODES` (HEAD, with 499).
RETRY_STATUSES: frozenset[int] = frozenset({408, 429, 499, 500, 502, 503, 504, 509, 598, 599})

# A 400 with exactly this `error` is the server asking an agent to reconnect; the SDK retries it.
AGENT_PING_ERROR = (
    "Agent should call AgentConnected or AgentPing before attempting any other request"
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts a request gets and how long to sleep between them.

    `retries` counts attempts, as the SDK's `retry_count` does (1 means no retry). After
    failed attempt `i` (0-based) the client sleeps `min(sleep * 2**i, cap)` seconds, or the
    server's integer `Retry-After` when that is longer. With the defaults this is the SDK's
    1, 2, 4 … 60 s schedule.
    """

    retries: int = 10
    sleep: float = 1.0
    cap: float = 60.0

    def delay(self, attempt: int, retry_after: int | None = None) -> float:
        """Seconds to wait after failed attempt `attempt` (0-based)."""
        backoff = min(self.sleep * 2**attempt, self.cap)
        if retry_after is not None and retry_after > backoff:
            return float(retry_after)
        return backoff


def parse_retry_after(value: str | None) -> int | None:
    """The header as whole seconds; HTTP-date and fractional forms are ignored, as in the SDK."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None
