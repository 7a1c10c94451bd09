"""The SDK's retry rules: which failures are retried, the backoff schedule, Retry-After."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from sly_tui.api import (
    BadRequest,
    NotFound,
    RateLimited,
    RequestRecord,
    RetryPolicy,
    ServerError,
    Unreachable,
)
from sly_tui.api.retry import AGENT_PING_ERROR, parse_retry_after

from .conftest import MakeClient, Sleeps


def test_default_schedule_is_the_sdks() -> None:
    policy = RetryPolicy()
    assert [policy.delay(i) for i in range(10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]


def test_retry_after_wins_only_when_longer() -> None:
    policy = RetryPolicy(sleep=2.0, cap=60.0)
    assert policy.delay(0, retry_after=5) == 5
    assert policy.delay(3, retry_after=5) == 16
    assert RetryPolicy(sleep=0.0, cap=0.0).delay(4, retry_after=1) == 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7), (" 3 ", 3), ("1.5", None), ("Wed, 21 Oct 2026 07:28:00 GMT", None), (None, None)],
)
def test_retry_after_is_integer_seconds_only(header: str | None, seconds: int | None) -> None:
    assert parse_retry_after(header) == seconds


def failing(statuses: list[int], **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    """A server answering the given statuses in turn, then 200."""
    queue = list(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        if queue:
            return httpx.Response(queue.pop(0), headers=headers, json={"error": "boom"})
        return httpx.Response(200, json={"version": "6.17.8"})

    return handler


@pytest.mark.parametrize("status", [408, 429, 499, 500, 502, 503, 504, 509, 598, 599])
async def test_retryable_statuses_are_retried(
    mock_client: MakeClient, sleeps: Sleeps, records: list[RequestRecord], status: int
) -> None:
    client = mock_client(failing([status, status]))
    assert await client.instance.version() == "6.17.8"
    assert sleeps == [1.0, 2.0]
    assert [(r.status, r.attempt) for r in records] == [(status, 1), (status, 2), (200, 3)]


@pytest.mark.parametrize(
    ("status", "error"), [(400, BadRequest), (404, NotFound), (409, BadRequest), (501, ServerError)]
)
async def test_other_failures_raise_at_once(
    mock_client: MakeClient, sleeps: Sleeps, status: int, error: type[Exception]
) -> None:
    client = mock_client(failing([status]))
    with pytest.raises(error) as caught:
        await client.instance.version()
    assert sleeps == []
    assert caught.value.status == status  # type: ignore[attr-defined]


async def test_exhausted_budget_raises_the_last_typed_error(
    mock_client: MakeClient, sleeps: Sleeps
) -> None:
    client = mock_client(failing([429, 429, 429], **{"Retry-After": "9"}))
    with pytest.raises(RateLimited) as caught:
        await client.instance.version()
    assert caught.value.retry_after == 9
    assert "Retry in 9 s" in caught.value.sentence
    assert sleeps == [9.0, 9.0]  # Retry-After beats 1 and 2; nothing after the last attempt


async def test_retry_after_counts_only_on_429(mock_client: MakeClient, sleeps: Sleeps) -> None:
    client = mock_client(failing([503, 503], **{"Retry-After": "9"}))
    await client.instance.version()
    assert sleeps == [1.0, 2.0]


async def test_server_error_after_budget(mock_client: MakeClient, sleeps: Sleeps) -> None:
    client = mock_client(failing([500] * 5), retry=RetryPolicy(retries=4, sleep=0.5, cap=1.0))
    with pytest.raises(ServerError) as caught:
        await client.instance.version()
    assert caught.value.status == 500
    assert sleeps == [0.5, 1.0, 1.0]


async def test_agent_ping_400_is_retried(mock_client: MakeClient, sleeps: Sleeps) -> None:
    answers = [httpx.Response(400, json={"error": AGENT_PING_ERROR})]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop() if answers else httpx.Response(200, json={"version": "1"})

    assert await mock_client(handler).instance.version() == "1"
    assert sleeps == [1.0]


async def test_connection_errors_are_retried_then_unreachable(
    mock_client: MakeClient, sleeps: Sleeps, records: list[RequestRecord]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(Unreachable) as caught:
        await mock_client(handler).instance.version()
    assert caught.value.sentence == "Cannot reach http://server.test: connection refused."
    assert caught.value.address == "http://server.test"
    assert sleeps == [1.0, 2.0]
    assert [(r.status, r.attempt) for r in records] == [(None, 1), (None, 2), (None, 3)]


async def test_timeouts_say_how_long(mock_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(Unreachable, match="no answer within 5 s"):
        await mock_client(handler, timeout=5.0).instance.version()


async def test_send_request_waits_as_long_as_the_app_may(mock_client: MakeClient) -> None:
    """The server holds a `tasks.request.direct` reply up to the app's `timeout`, so the
    HTTP read timeout stretches past it; every other call keeps the client's timeout."""
    read_timeouts: dict[str, float] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        read_timeouts[request.url.path.rsplit("/", 1)[-1]] = request.extensions["timeout"]["read"]
        return httpx.Response(200, json={"version": "6.17.8"})

    client = mock_client(handler, timeout=5.0)
    await client.tasks.send_request(1, "slow", {}, timeout=120)
    await client.instance.version()
    assert read_timeouts == {"tasks.request.direct": 125.0, "instance.version": 5.0}


async def test_send_request_has_its_own_budget(mock_client: MakeClient, sleeps: Sleeps) -> None:
    client = mock_client(failing([503, 503, 503]))
    with pytest.raises(ServerError):
        await client.tasks.send_request(1, "ping", {}, retries=1)
    assert sleeps == []
