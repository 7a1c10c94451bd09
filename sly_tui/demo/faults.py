"""Fault injection: make the emulator slow, flaky, rate-limited or garbled on purpose.

`Faults` holds the knobs and may be changed while the server runs (from the test that owns
the emulator, or over `GET/POST /demo/faults` from another process). `FaultInjector`
makes the seeded random choices, so a given seed fails the same requests every run.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from sly_tui.demo.errors import bad_request

# Never faulted: the SDK's version probe must not set off retries inside its error path.
EXEMPT_METHODS = frozenset({"instance.version"})


@dataclass
class Faults:
    """The knobs. Rates are probabilities per RPC request (0.0-1.0)."""

    latency: float = 0.0  # seconds added to every request
    error_rate: float = 0.0  # answer `error_status` instead
    error_status: int = 500
    rate_limit_rate: float = 0.0  # answer 429 with `Retry-After: retry_after`
    retry_after: int = 1
    malformed_rate: float = 0.0  # answer 200 with a body that is not the expected JSON
    fail_next: int = 0  # the next N matching requests fail with `error_status`, for sure
    methods: list[str] | None = None  # only these RPC methods are faulted (None: all)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update (the admin endpoint's body), checking every value."""
        known = {f.name: f for f in fields(self)}
        checked: dict[str, Any] = {}
        for name, value in changes.items():
            if name not in known:
                raise bad_request(f"unknown fault setting {name!r}; known: {', '.join(known)}")
            checked[name] = _check(name, value)
        for name, value in checked.items():
            setattr(self, name, value)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _check(name: str, value: Any) -> Any:
    if name == "methods":
        if value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return value
        raise bad_request("'methods' must be null or a list of method names")
    if name in ("error_status", "retry_after", "fail_next"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad_request(f"{name!r} must be a non-negative integer")
        if name == "error_status" and not 400 <= value <= 599:
            raise bad_request("'error_status' must be an HTTP error status (400-599)")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise bad_request(f"{name!r} must be a non-negative number")
    if name.endswith("_rate") and value > 1:
        raise bad_request(f"{name!r} is a probability and must be at most 1")
    return float(value)


Verdict = Literal["error", "rate_limit", "malformed"] | None


class FaultInjector:
    """Decides, request by request, whether and how to misbehave."""

    def __init__(self, faults: Faults, seed: int) -> None:
        self.faults = faults
        self._rng = random.Random(f"faults:{seed}")

    def applies(self, method: str) -> bool:
        wanted = self.faults.methods
        return method not in EXEMPT_METHODS and (wanted is None or method in wanted)

    def verdict(self, method: str) -> Verdict:
        faults = self.faults
        if not self.applies(method):
            return None
        if faults.fail_next > 0:
            faults.fail_next -= 1
            return "error"
        roll = self._rng.random()
        for kind, rate in (
            ("error", faults.error_rate),
            ("rate_limit", faults.rate_limit_rate),
            ("malformed", faults.malformed_rate),
        ):
            if roll < rate:
                return kind  # type: ignore[return-value]
            roll -= rate
        return None

    def garbage(self) -> bytes:
        """A 200 body a client must reject: broken JSON, or JSON of the wrong shape."""
        return self._rng.choice(
            (
                b'{"total": 3, "entities": [{"id": 1',
                b"<html>502 Bad Gateway</html>",
                b'"unexpected string"',
                b"null",
            )
        )
