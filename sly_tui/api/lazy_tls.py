"""The connection pools under every client, with the certificate store built on first use.

httpx builds its TLS context (loading the whole certificate store: 50-90 ms at start-up)
when a client is created, even for an `http://` server that never uses it.
`LazyTlsTransport` keeps one pool for plain HTTP and one for HTTPS, each made on the first
request of its scheme: a plain-HTTP dashboard never pays for TLS, and the first `https://`
request (the server's own address, or a later probe of it) gets httpx's default context,
verification and `SSL_CERT_FILE`/`SSL_CERT_DIR` included, built once and then kept.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable

import httpx


class LazyTlsTransport(httpx.AsyncBaseTransport):
    """httpx's default transport, with the TLS part made when the first https request comes.

    `ready` may offer a context already built with the same defaults (see `EarlyReplies`).
    """

    def __init__(self, ready: Callable[[], ssl.SSLContext | None] | None = None) -> None:
        self._ready = ready
        self._plain: httpx.AsyncHTTPTransport | None = None
        self._tls: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool(request.url.scheme == "https").handle_async_request(request)

    def _pool(self, tls: bool) -> httpx.AsyncHTTPTransport:
        if tls:
            if self._tls is None:
                context = self._ready() if self._ready is not None else None
                # verify=True: httpx's own defaults, as the ready context was built with.
                self._tls = httpx.AsyncHTTPTransport(verify=context or True)
            return self._tls
        if self._plain is None:
            # This pool only ever sees http:// URLs, so it never handshakes; its context
            # (cheap: no certificates loaded) trusts nothing, so it could not make an
            # unverified connection even if it were asked to.
            self._plain = httpx.AsyncHTTPTransport(verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        return self._plain

    async def aclose(self) -> None:
        for pool in (self._plain, self._tls):
            if pool is not None:
                await pool.aclose()
