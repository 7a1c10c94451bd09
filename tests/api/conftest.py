"""Helpers for client tests that need replies the emulator never gives (httpx.MockTransport)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from sly_tui.api import RequestRecord, RetryPolicy, SlyClient
from sly_tui.demo import Emulator

# Easy to grep for in any text that must not contain it; 128 characters like real tokens.
LEAKY_TOKEN = "LEAKY" + "k" * 118 + "TOKEN"
Handler = Callable[[httpx.Request], httpx.Response]


class Sleeps(list[float]):
    """Records what the client would have slept, instead of sleeping."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def records() -> list[RequestRecord]:
    return []


@pytest.fixture
async def mock_client(
    sleeps: Sleeps, records: list[RequestRecord]
) -> AsyncIterator[Callable[..., SlyClient]]:
    """`mock_client(handler, **kwargs)`: a client whose server is `handler`."""
    made: list[SlyClient] = []

    def make(handler: Handler, **kwargs: Any) -> SlyClient:
        options: dict[str, Any] = {
            "retry": RetryPolicy(retries=3, sleep=1.0, cap=60.0),
            "sleep": sleeps,
            "on_request": records.append,
        }
        options.update(kwargs)
        token = options.pop("token", LEAKY_TOKEN)
        client = SlyClient(
            "http://mock.test", token, transport=httpx.MockTransport(handler), **options
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture(params=["client", "live_client"])
def api(request: pytest.FixtureRequest) -> SlyClient:
    """The emulator's client, once in-process (ASGI) and once over loopback HTTP."""
    return request.getfixturevalue(request.param)


@pytest.fixture
async def sim_client(emulator: Emulator, records: list[RequestRecord]) -> AsyncIterator[SlyClient]:
    """An in-process client whose waiting (retries, `tasks.wait`) moves the emulator's clock,
    so simulated tasks progress while the client waits and no real time passes."""

    async def advance(seconds: float) -> None:
        emulator.advance(seconds)

    async with SlyClient(
        "http://emulator.test",
        emulator.token,
        transport=httpx.ASGITransport(app=emulator.app),
        retry=RetryPolicy(retries=3, sleep=1.0, cap=60.0),
        sleep=advance,
        on_request=records.append,
    ) as client:
        yield client
