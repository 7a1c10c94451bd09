"""Client fixtures: the emulator's (in-process, over loopback, with a moving clock) and
`httpx.MockTransport` ones for replies the emulator never gives."""

from __future__ import annotations

import ssl
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


MakeClient = Callable[..., SlyClient]


@pytest.fixture
async def make_client(sleeps: Sleeps, records: list[RequestRecord]) -> AsyncIterator[MakeClient]:
    """`make_client(transport, token, **kwargs)`: a client that records its requests and
    sleeps into `sleeps` (3 attempts, 1 s doubling backoff unless told otherwise), and
    talks to its http:// address as told (no https probe) unless `check_https=True`."""
    made: list[SlyClient] = []

    def make(transport: httpx.AsyncBaseTransport, token: str | None, **kwargs: Any) -> SlyClient:
        options: dict[str, Any] = {
            "retry": RetryPolicy(retries=3, sleep=1.0, cap=60.0),
            "sleep": sleeps,
            "on_request": records.append,
            "check_https": False,
            **kwargs,
        }
        client = SlyClient("http://server.test", token, transport=transport, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def mock_client(make_client: MakeClient) -> MakeClient:
    """`mock_client(handler, **kwargs)`: a client whose server is `handler`."""

    def make(handler: Handler, *, token: str | None = LEAKY_TOKEN, **kwargs: Any) -> SlyClient:
        return make_client(httpx.MockTransport(handler), token, **kwargs)

    return make


@pytest.fixture
def emulator_client(make_client: MakeClient, emulator: Emulator) -> MakeClient:
    """`emulator_client(**kwargs)`: an in-process client of the emulator (admin token)."""

    def make(*, token: str | None = None, **kwargs: Any) -> SlyClient:
        transport = httpx.ASGITransport(app=emulator.app)
        return make_client(transport, token if token is not None else emulator.token, **kwargs)

    return make


@pytest.fixture(params=["client", "live_client"])
def api(request: pytest.FixtureRequest) -> SlyClient:
    """The emulator's client, once in-process (ASGI) and once over loopback HTTP."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def sim_client(emulator_client: MakeClient, emulator: Emulator) -> SlyClient:
    """An in-process client whose waiting (retries, `tasks.wait`) moves the emulator's clock,
    so simulated tasks progress while the client waits and no real time passes."""

    async def advance(seconds: float) -> None:
        emulator.advance(seconds)

    return emulator_client(sleep=advance)


@pytest.fixture
def tls_contexts(monkeypatch: pytest.MonkeyPatch) -> list[ssl.SSLContext]:
    """Every default (verifying) TLS context made from now on: httpx builds its own with
    `ssl.create_default_context`, loading the certificate store."""
    made: list[ssl.SSLContext] = []
    real = ssl.create_default_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(ssl, "create_default_context", counted)
    return made
