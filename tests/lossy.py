"""A proxy in front of the emulator that loses replies: the request reaches the server, which
acts on it, and the client sees a failure instead (what a flaky gateway does)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from sly_tui.demo import Emulator


class LosingProxy(httpx.AsyncBaseTransport):
    """Forwards every request to the emulator; the reply to `method` becomes a 502, or a
    dropped connection with `drop=True`."""

    def __init__(self, emulator: Emulator, method: str, *, drop: bool = False) -> None:
        self._server = httpx.ASGITransport(app=emulator.app)
        self._method = method
        self._drop = drop

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._server.handle_async_request(request)
        await response.aread()
        if not request.url.path.endswith(f"/{self._method}"):
            return response
        if self._drop:
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        return httpx.Response(502)


ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def losing_app(app: ASGIApp, method: str) -> ASGIApp:
    """The same over real HTTP: an ASGI wrapper that lets `app` act on `method`, drops its
    reply and answers 502 Bad Gateway instead."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].endswith(f"/{method}"):
            await app(scope, receive, send)
            return

        async def swallow(message: dict[str, Any]) -> None:
            pass

        await app(scope, receive, swallow)
        await send({"type": "http.response.start", "status": 502, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return wrapped
