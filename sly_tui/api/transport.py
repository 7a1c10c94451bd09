"""One connection to one server: RPC calls with the SDK's success rule, retries and backoff.

Every request of the client goes through `Transport._exchange`, which is why the read-only
guard, the retry loop and the `on_request` accounting live there and nowhere else.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from sly_tui.api.address import address_problem
from sly_tui.api.errors import ApiError, OutcomeUnknown, ProtocolError, ReadOnlyError
from sly_tui.api.failures import Failure, from_exception, from_response
from sly_tui.api.lazy_tls import LazyTlsTransport
from sly_tui.api.retry import RetryPolicy, once_only
from sly_tui.api.server_clock import ServerClock
from sly_tui.enums import MUTATING_METHODS
from sly_tui.secrets import Secret, token_problem

if TYPE_CHECKING:
    from concurrent.futures import Future

    from sly_tui.api.early import EarlyReplies

T = TypeVar("T")

HTTPS_PROBE_TIMEOUT = 5.0  # seconds for the one https:// probe of an http:// address
Sleep = Callable[[float], Awaitable[None]]
# A multipart part as httpx takes it: (field name, (file name, content, content type)).
Part = tuple[str, tuple[str | None, Any, str | None]]
Parts = Sequence[Part]
OnRetry = Callable[[ApiError, float], None]

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# Headers that describe the body as it travelled, not the decoded bytes kept in memory.
_TRANSFER_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def read_reply(response: httpx.Response, content: bytes) -> httpx.Response:
    """`response` with its whole (decoded) body `content`, kept in memory."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in _TRANSFER_HEADERS
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=content,
        request=response.request,
        extensions=dict(response.extensions),
    )


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One HTTP attempt, reported to `on_request` (e.g. to count requests per polling tick).

    `status` is None when no HTTP answer came back; `attempt` counts from 1.
    """

    method: str
    status: int | None
    elapsed: float
    attempt: int


def _origin(url: str) -> str:
    """Scheme, host and port only: what a person needs to see in "Cannot reach …"."""
    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"


def _is_loopback(url: str) -> bool:
    """This machine (`sly-tui demo-server`, an SSH tunnel's local end): no network between
    us and it for TLS to guard, so an http:// address there is taken as meant."""
    host = httpx.URL(url).host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def probes_https(root: str) -> bool:
    """Whether a client of `root` first asks its https:// twin (an http:// address that is
    not loopback), as the SDK's `_check_https_redirect` does."""
    return not root.startswith("https://") and not _is_loopback(root)


def _unchanged(value: Any) -> Any:
    return value


class Download:
    """The body of a streamed reply; httpx failures while reading become `Unreachable`.

    `total` (Content-Length) counts the bytes on the wire, which with a `Content-Encoding`
    such as gzip are fewer than the decoded ones handed out, so `received` counts the wire
    bytes too: compare those two, like with like.
    """

    def __init__(self, transport: Transport, rpc: str, response: httpx.Response) -> None:
        self._transport = transport
        self._rpc = rpc
        self._response = response
        length = response.headers.get("Content-Length", "")
        self.total = int(length) if length.isascii() and length.isdigit() else None

    @property
    def received(self) -> int:
        """Bytes of the body read off the wire so far (before any decoding)."""
        return self._response.num_bytes_downloaded

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
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        on_retry: OnRetry | None = None,
        check_https: bool = True,
        early: EarlyReplies | None = None,
    ) -> None:
        self.root = root
        self.read_only = read_only
        self.retry = retry
        self.sleep = sleep
        self._token = token
        self._timeout = timeout
        self.server_clock = ServerClock()
        self._on_request = on_request
        self._on_retry = on_retry
        self._max_bytes = max_response_bytes
        if problem := address_problem(root):
            raise ValueError(f"{root!r} is not a usable server address: {problem}")
        self.address = _origin(root)
        # An http:// root is probed once on https:// before the first request (as the SDK's
        # `_check_https_redirect` does) and switched when that answers; not on loopback.
        self._https_checked = not check_https or not probes_https(root)
        self._https_lock = asyncio.Lock()
        # Replies to calls sent before this client existed: only if they went where this
        # client's calls go (no https probe pending), with the same token.
        same = early is not None and (early.root, early.token) == (root, token)
        self._early = early if same and self._https_checked else None
        headers = {}
        if token:
            if problem := token_problem(token.reveal()):
                raise ValueError(problem)
            headers["x-api-key"] = token.reveal()
        if task_id is not None:
            headers["x-task-id"] = str(task_id)
        tls = self._early.tls_context if self._early is not None else None
        self._http = httpx.AsyncClient(
            transport=transport if transport is not None else LazyTlsTransport(tls),
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

    def _use_https(self) -> None:
        self.root = "https://" + self.root.removeprefix("http://")
        self.address = _origin(self.root)

    async def _check_https(self) -> None:
        """Ask `https://<host:port>/` once; if it answers (any status below 400), talk
        https from now on. Whatever goes wrong (a plain-HTTP port fails the TLS handshake)
        leaves the address as given."""
        async with self._https_lock:
            if self._https_checked:
                return
            self._https_checked = True
            secure = _origin("https://" + self.root.removeprefix("http://"))
            try:
                async with asyncio.timeout(HTTPS_PROBE_TIMEOUT):  # a stalled reply too
                    probe = await self._http.get(secure + "/", timeout=HTTPS_PROBE_TIMEOUT)
            except Exception:
                return
            if probe.status_code < 400:
                self._use_https()

    def _wants_https(self, response: httpx.Response) -> bool:
        """A permanent redirect of this http:// address to https:// on the same host."""
        location = response.headers.get("Location", "")
        if response.status_code not in (301, 308) or not self.root.startswith("http://"):
            return False
        try:
            target = httpx.URL(location)
        except httpx.InvalidURL:
            return False
        return target.scheme == "https" and target.host == httpx.URL(self.root).host

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
            once=once_only(rpc, payload),
            deadline=self._timeout if wait is None else max(self._timeout, wait),
            early=self._take_early(rpc, payload),
        )
        try:
            return self._decode(rpc, response, parse)
        except ProtocolError as exc:
            if once_only(rpc, payload):  # it answered 200: whatever it did, it did
                raise OutcomeUnknown(exc) from None
            raise

    async def call_get(
        self, rpc: str, params: dict[str, Any], *, parse: Callable[[Any], T] = _unchanged
    ) -> T:
        """GET with query parameters (the one Task API method that is not a POST)."""
        response = await self._exchange(
            rpc,
            lambda: self._http.build_request("GET", self._url(rpc), params=params),
            None,
            deadline=self._timeout,
        )
        return self._decode(rpc, response, parse)

    async def send(self, rpc: str, body: Any, *, retries: int | None = None) -> None:
        """POST JSON where the SDK ignores the reply, so any 200 body is accepted."""
        await self._exchange(
            rpc,
            lambda: self._http.build_request("POST", self._url(rpc), json=body),
            retries,
            once=once_only(rpc, body),
            deadline=self._timeout,
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
            once=True,
        )

    @asynccontextmanager
    async def stream(self, rpc: str, body: Any) -> AsyncIterator[Download]:
        """POST JSON and hand out the reply body unread, for large binary downloads. The
        deadline covers the reply's headers; the body's pace is the file's size."""
        response = await self._exchange(
            rpc,
            lambda: self._http.build_request("POST", self._url(rpc), json=body),
            None,
            stream=True,
            deadline=self._timeout,
        )
        try:
            yield Download(self, rpc, response)
        finally:
            await response.aclose()

    def _take_early(self, rpc: str, payload: Any) -> Future[httpx.Response] | None:
        if self._early is None or not isinstance(payload, dict):
            return None
        reply = self._early.take(rpc, payload)
        if not self._early.untaken:
            self._early = None
        return reply

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
        once: bool = False,
        deadline: float | None = None,
        early: Future[httpx.Response] | None = None,
    ) -> httpx.Response:
        """Send until a 200 arrives, the failure is final, or the attempts run out.

        `deadline` bounds each attempt as a whole (a download's only until its headers;
        None for uploads, whose size sets their pace: httpx's per-write timeout still
        catches a dead link). A `once` call is sent again only after a failure that proves
        the server never got it, and a refusal (a 4xx) is final as usual; any other failure
        (a 5xx, a timeout, a dropped link, a 200 too large to read) may have acted, so it
        ends as `OutcomeUnknown`. An `early` reply (see `EarlyReplies`) is the first
        attempt's, sent before this client existed.
        """
        self.check_writable(rpc)
        if not self._https_checked:
            await self._check_https()
        attempts = max(1, self.retry.retries if retries is None else retries)
        for attempt in range(attempts):
            outcome = await self._attempt(
                rpc, build, attempt + 1, stream, deadline, early if attempt == 0 else None
            )
            if isinstance(outcome, httpx.Response):
                return outcome
            status = outcome.error.status
            refused = status is not None and status != 200 and not outcome.retryable
            if once and not (outcome.unsent or refused):
                raise OutcomeUnknown(outcome.error)
            delay = self.retry.delay(attempt, outcome.retry_after)
            if not outcome.retryable or attempt == attempts - 1 or delay > self.retry.patience:
                raise outcome.error
            if self._on_retry is not None:
                self._on_retry(outcome.error, delay)
            await self.sleep(delay)
        raise AssertionError("unreachable: the last attempt always returns or raises")

    async def _attempt(
        self,
        rpc: str,
        build: Callable[[], httpx.Request],
        attempt: int,
        stream: bool,
        deadline: float | None,
        early: Future[httpx.Response] | None = None,
    ) -> httpx.Response | Failure:
        """One exchange, within `deadline` seconds in all: connecting, waiting, and reading
        the whole body (a body that trickles in a byte at a time counts against it too).
        An `early` reply is this exchange's, already under way; if it failed at all (it is
        a read), the call is sent now instead."""
        started = time.monotonic()
        status: int | None = None
        try:
            request = build()
            async with asyncio.timeout(deadline):
                response = await self._early_reply(early) if early is not None else None
                if response is None:
                    response = await self._http.send(request, stream=True)
                    status = response.status_code
                    if not (stream and status == 200):
                        response = await self._read(rpc, response)
                status = response.status_code
            if status == 200:
                self.server_clock.observe(response.headers.get("date"))
                return response
            if self._wants_https(response):
                # A redirect acts on nothing: send the same request again, to https.
                self._use_https()
                return await self._attempt(rpc, build, attempt, stream, deadline)
            return from_response(rpc, response, token_sent=bool(self._token), scrub=self.scrub)
        except TimeoutError:
            return self.failure_from_exception(rpc, httpx.ReadTimeout("deadline", request=request))
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return self.failure_from_exception(rpc, exc)
        except ProtocolError as exc:
            return Failure(exc, retryable=False)
        finally:
            if self._on_request is not None:
                self._on_request(RequestRecord(rpc, status, time.monotonic() - started, attempt))

    @staticmethod
    async def _early_reply(early: Future[httpx.Response]) -> httpx.Response | None:
        try:
            return await asyncio.wrap_future(early)
        except Exception:
            return None

    async def _read(self, rpc: str, response: httpx.Response) -> httpx.Response:
        """The reply with its body read, refusing a body (decoded) above the size limit."""
        limit = self._max_bytes
        try:
            declared = response.headers.get("Content-Length", "")
            encoded = "content-encoding" in response.headers
            if not encoded and declared.isascii() and declared.isdigit() and int(declared) > limit:
                raise self._too_large(rpc, response.status_code)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise self._too_large(rpc, response.status_code)
                chunks.append(chunk)
        finally:
            await response.aclose()
        return read_reply(response, b"".join(chunks))

    def _too_large(self, rpc: str, status: int) -> ProtocolError:
        megabytes = self._max_bytes / (1024 * 1024)
        return ProtocolError(
            f"The server's reply is larger than {megabytes:g} MB, the most sly-tui reads "
            "(set SLY_TUI_MAX_RESPONSE_MB to allow more).",
            method=rpc,
            status=status,
        )
