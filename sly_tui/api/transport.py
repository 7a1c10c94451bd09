"""One connection to one server: RPC calls with the SDK's success rule, retries and backoff.

Every request of the client goes through `Transport._exchange`, which is why the read-only
guard, the retry loop and the `on_request` accounting live there and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from sly_tui.api.address import address_problem
from sly_tui.api.errors import ProtocolError, ReadOnlyError
from sly_tui.api.failures import Failure, from_exception, from_response
from sly_tui.api.lazy_tls import LazyTlsTransport
from sly_tui.api.retry import RetryPolicy
from sly_tui.api.server_clock import ServerClock
from sly_tui.enums import MUTATING_METHODS
from sly_tui.secrets import Secret

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
# A multipart part as httpx takes it: (field name, (file name, content, content type)).
Part = tuple[str, tuple[str | None, Any, str | None]]
Parts = Sequence[Part]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One HTTP attempt, reported to `on_request` (e.g. to count requests per polling tick).

    `status` is None when no HTTP answer came back; `attempt` counts from 1.
    """

    method: str
    status: int | None
    elapsed: float
    attempt: int


def _unchanged(value: Any) -> Any:
    return value


class Download:
    """The body of a streamed reply; httpx failures while reading become `Unreachable`."""

    def __init__(self, transport: Transport, rpc: str, response: httpx.Response) -> None:
        self._transport = transport
        self._rpc = rpc
        self._response = response
        length = response.headers.get("Content-Length", "")
        self.total = int(length) if length.isascii() and length.isdigit() else None

    async def chunks(self, size: int) -> AsyncIterator[bytes]:
        """The body in chunks of about `size` bytes."""
        try:
            async for chunk in self._response.aiter_bytes(size):
                yield chunk
        except httpx.HTTPError as exc:
            raise self._transport.failure_from_exception(self._rpc, exc).error from None


class Transport:
    """Sends RPC calls to `<root>/v3/<method>` and returns what the server answered.

    The token lives only in the httpx client's default headers; this object never shows it.
    """

    def __init__(
        self,
        root: str,
        token: Secret | None,
        *,
        retry: RetryPolicy,
        transport: httpx.AsyncBaseTransport | None,
        timeout: float,
        read_only: bool,
        task_id: int | None,
        on_request: Callable[[RequestRecord], None] | None,
        sleep: Sleep,
    ) -> None:
        self.root = root
        self.read_only = read_only
        self.retry = retry
        self.sleep = sleep
        self._token = token
        self._timeout = timeout
        self.server_clock = ServerClock()
        self._on_request = on_request
        if problem := address_problem(root):
            raise ValueError(f"{root!r} is not a usable server address: {problem}")
        url = httpx.URL(root)
        # Scheme, host and port only: what a person needs to see in "Cannot reach …".
        self.address = f"{url.scheme}://{url.netloc.decode('ascii')}"
        headers = {}
        if token:
            headers["x-api-key"] = token.reveal()
        if task_id is not None:
            headers["x-task-id"] = str(task_id)
        self._http = httpx.AsyncClient(
            transport=transport if transport is not None else LazyTlsTransport(),
            timeout=timeout,
            headers=headers,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"Transport({self.root!r}, read_only={self.read_only})"

    async def aclose(self) -> None:
        await self._http.aclose()

    def scrub(self, text: str) -> str:
        """`text` with the token blanked out, for anything that may end up in an error."""
        token = self._token.reveal() if self._token else ""
        return text.replace(token, "********") if token else text

    def check_writable(self, rpc: str) -> None:
        """Refuse a state-changing method in read-only mode, before anything is sent.

        Composite operations call this up front so that not even their preparatory reads go
        out; `_exchange` calls it again for every request, which is the real guarantee.
        """
        if self.read_only and rpc in MUTATING_METHODS:
            raise ReadOnlyError(
                f"Read-only mode: {rpc} would change the server, so it was not sent.", method=rpc
            )

    def failure_from_exception(self, rpc: str, exc: Exception) -> Failure:
        return from_exception(
            rpc, exc, address=self.address, timeout=self._timeout, scrub=self.scrub
        )

    def _url(self, rpc: str) -> str:
        return f"{self.root}/v3/{rpc}"

    async def call(
        self,
        rpc: str,
        body: Any = None,
        *,
        parse: Callable[[Any], T] = _unchanged,
        retries: int | None = None,
        wait: float | None = None,
    ) -> T:
        """POST `body` as JSON and return the reply's JSON passed through `parse`.

        `wait` lengthens the HTTP timeout for this one request, for calls whose server side
        is allowed to take longer than the client's usual timeout.
        """
        payload = {} if body is None else body
        timeout = max(self._timeout, wait) if wait is not None else httpx.USE_CLIENT_DEFAULT
        response = await self._exchange(
            rpc,
            lambda: self._http.build_request("POST", self._url(rpc), json=payload, timeout=timeout),
            retries,
        )
        return self._decode(rpc, response, parse)

    async def call_get(
        self, rpc: str, params: dict[str, Any], *, parse: Callable[[Any], T] = _unchanged
    ) -> T:
        """GET with query parameters (the one Task API method that is not a POST)."""
        response = await self._exchange(
            rpc, lambda: self._http.build_request("GET", self._url(rpc), params=params), None
        )
        return self._decode(rpc, response, parse)

    async def send(self, rpc: str, body: Any, *, retries: int | None = None) -> None:
        """POST JSON where the SDK ignores the reply, so any 200 body is accepted."""
        await self._exchange(
            rpc, lambda: self._http.build_request("POST", self._url(rpc), json=body), retries
        )

    async def upload(self, rpc: str, parts: Parts, *, task_id: int | None = None) -> None:
        """POST multipart form data, parts in the given order; the reply is not read.

        Multipart uploads carry no task id of their own: the server takes it from the
        `x-task-id` header, which `task_id` sets for this one request.
        """
        headers = {"x-task-id": str(task_id)} if task_id is not None else None
        await self._exchange(
            rpc,
            lambda: self._http.build_request("POST", self._url(rpc), files=parts, headers=headers),
            None,
        )

    @asynccontextmanager
    async def stream(self, rpc: str, body: Any) -> AsyncIterator[Download]:
        """POST JSON and hand out the reply body unread, for large binary downloads."""
        response = await self._exchange(
            rpc,
            lambda: self._http.build_request("POST", self._url(rpc), json=body),
            None,
            stream=True,
        )
        try:
            yield Download(self, rpc, response)
        finally:
            await response.aclose()

    def _decode(self, rpc: str, response: httpx.Response, parse: Callable[[Any], T]) -> T:
        try:
            value = response.json()
        except (ValueError, RecursionError):  # garbage, or nesting deep enough to blow the stack
            raise ProtocolError(
                "The server's reply is not valid JSON.", method=rpc, status=200
            ) from None
        try:
            return parse(value)
        except ProtocolError as exc:
            # Parsers quote values they reject; the token must not ride along.
            raise ProtocolError(self.scrub(exc.sentence), method=rpc, status=200) from None

    async def _exchange(
        self,
        rpc: str,
        build: Callable[[], httpx.Request],
        retries: int | None,
        *,
        stream: bool = False,
    ) -> httpx.Response:
        """Send until a 200 arrives, the failure is final, or the attempts run out."""
        self.check_writable(rpc)
        attempts = max(1, self.retry.retries if retries is None else retries)
        for attempt in range(attempts):
            outcome = await self._attempt(rpc, build, attempt + 1, stream)
            if isinstance(outcome, httpx.Response):
                return outcome
            if not outcome.retryable or attempt == attempts - 1:
                raise outcome.error
            await self.sleep(self.retry.delay(attempt, outcome.retry_after))
        raise AssertionError("unreachable: the last attempt always returns or raises")

    async def _attempt(
        self, rpc: str, build: Callable[[], httpx.Request], attempt: int, stream: bool
    ) -> httpx.Response | Failure:
        started = time.monotonic()
        status: int | None = None
        try:
            response = await self._http.send(build(), stream=stream)
            status = response.status_code
            if status == 200:
                self.server_clock.observe(response.headers.get("date"))
                return response
            if stream:
                await response.aread()
                await response.aclose()
            return from_response(rpc, response, token_sent=bool(self._token), scrub=self.scrub)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return self.failure_from_exception(rpc, exc)
        finally:
            if self._on_request is not None:
                self._on_request(RequestRecord(rpc, status, time.monotonic() - started, attempt))
