"""uvicorn's h11 protocol with the two limits it lacks, so idle sockets cannot exhaust us.

uvicorn closes an idle keep-alive connection after a reply, but a connection that never
finishes its request headers (nothing sent, or a byte at a time) stays open for ever, and
20,000 of them use up the file descriptors: the server stops accepting and asyncio logs
every failed accept. Here the headers of each request must be complete within
`header_timeout` seconds of the connection (or of their first byte, between requests), and
past `max_connections` the connection waiting longest for its headers is dropped. Both
close quietly: nothing reaches stderr.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
MAX_CONNECTIONS = 2000


class GuardedH11Protocol(H11Protocol):
    def __init__(
        self,
        *args: Any,
        header_timeout: float = HEADER_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._header_timeout = header_timeout
        self._max_connections = max_connections
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting_since = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()
        if len(self.connections) > self._max_connections:
            self._evict()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is None or self.cycle.response_complete:
            self._arm()  # between requests, and part of the next one's headers came
        else:
            self._disarm()  # a whole request is in: the app's time starts

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._deadline is None:
            self._waiting_since = self.loop.time()
            self._deadline = self.loop.call_later(self._header_timeout, self.transport.close)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _evict(self) -> None:
        waiting = [
            connection
            for connection in self.connections
            if isinstance(connection, GuardedH11Protocol) and connection._deadline is not None
        ]
        if waiting:
            oldest = min(waiting, key=lambda connection: connection._waiting_since)
            oldest._disarm()  # no longer a candidate while it closes
            oldest.transport.close()
