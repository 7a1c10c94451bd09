"""When to try a request again and how long to wait first (the SDK's rules).

Pure arithmetic, separate from the transport so that the schedule can be checked without
a server and without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# `supervisely.io.network_exceptions.RETRY_STATUS_CODES` (HEAD, with 499).
RETRY_STATUSES: frozenset[int] = frozenset({408, 429, 499, 500, 502, 503, 504, 509, 598, 599})

# The longest `Retry-After` obeyed, like the backoff's cap: a proxy asking for an hour must
# not freeze a screen or a command for an hour.
RETRY_AFTER_CAP = 60.0

# Calls that do something each time they arrive (start a task, append a log line, add a
# file). Once such a request may have reached the server, sending it again could do it
# twice, so the transport does not; `tasks.data.set` joins them when a field appends.
ONCE_ONLY_METHODS: frozenset[str] = frozenset(
    {
        "tasks.run.app",
        "tasks.run.plugin",
        "tasks.run.dtl",
        "tasks.run.deploy",
        "tasks.run.python",
        "tasks.logs.add",
        "tasks.files.bulk.add-by-hash",
        "tasks.files.bulk.upload",
        "tasks.upload.dtl_archive",
    }
)


def once_only(rpc: str, body: Any) -> bool:
    """True when sending `body` to `rpc` twice may act twice."""
    if rpc in ONCE_ONLY_METHODS:
        return True
    if rpc != "tasks.data.set" or not isinstance(body, dict):
        return False
    fields = body.get("fields")
    return isinstance(fields, list) and any(
        isinstance(item, dict) and item.get("append") for item in fields
    )


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
    1, 2, 4 … 60 s schedule. `Retry-After` is obeyed up to `RETRY_AFTER_CAP`.

    `patience` is the longest pause the caller tolerates inside one request: a longer one
    ends the retries at once, for callers such as the polling service that schedule (and
    show) the next attempt themselves instead of sitting silently inside a request.
    """

    retries: int = 10
    sleep: float = 1.0
    cap: float = 60.0
    patience: float = float("inf")

    def delay(self, attempt: int, retry_after: int | None = None) -> float:
        """Seconds to wait after failed attempt `attempt` (0-based)."""
        backoff = min(self.sleep * 2**attempt, self.cap)
        if retry_after is not None:
            return max(backoff, min(float(retry_after), RETRY_AFTER_CAP))
        return backoff


def parse_retry_after(value: str | None) -> int | None:
    """The header as whole seconds; HTTP-date and fractional forms are ignored, as in the SDK."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None
