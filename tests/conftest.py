"""Shared fixtures: the embedded emulator is the test server.

`emulator` runs on a manual clock so tests decide when simulated time passes.
`client` talks to it in-process through `httpx.ASGITransport` (fast, no sockets);
`live_url` / `live_client` talk to it over real loopback HTTP served by uvicorn.
"""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from sly_tui.api import RetryPolicy, SlyClient
from sly_tui.demo import Emulator, ManualClock, serve

# A shell starts background jobs with SIGINT ignored, and children inherit that: the tests
# that press Ctrl-C on a `sly-tui` process would then wait on a process that cannot hear it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

FROZEN_NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)

# Retries in tests must not sleep: backoff arithmetic is checked separately.
FAST_RETRY = RetryPolicy(retries=3, sleep=0.0, cap=0.0)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(FROZEN_NOW)


@pytest.fixture
def emulator(clock: ManualClock) -> Emulator:
    return Emulator(seed=1, clock=clock)


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[SlyClient]:
    import httpx

    async with SlyClient(
        "http://emulator.test",
        emulator.token,
        transport=httpx.ASGITransport(app=emulator.app),
        retry=FAST_RETRY,
    ) as c:
        yield c


@pytest.fixture
async def live_url(emulator: Emulator) -> AsyncIterator[str]:
    async with serve(emulator, host="127.0.0.1", port=0) as url:
        yield url


@pytest.fixture
async def live_client(emulator: Emulator, live_url: str) -> AsyncIterator[SlyClient]:
    async with SlyClient(live_url, emulator.token, retry=FAST_RETRY) as c:
        yield c
