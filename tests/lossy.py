"""A proxy in front of the emulator that loses replies: the request reaches the server, which
acts on it, and the client sees a failure instead (what a flaky gateway does)."""

from __future__ import annotations

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
