"""Raw-HTTP helpers for the emulator's wire tests: no `sly_tui.api` here, so the emulator is
checked against the protocol as written, not against our own client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sly_tui.demo import Emulator

BASE = "http://emulator.test"
API = "/public/api/v3/"


class Rpc:
    """`await rpc("tasks.info", {"id": 5})` posts JSON and checks the status (200 unless
    told otherwise); the decoded JSON body is returned."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.token = token

    async def __call__(
        self, method: str, body: Any = None, *, status: int = 200, token: str | None = None
    ) -> Any:
        response = await self.client.post(
            API + method, json={} if body is None else body, headers=self._headers(token)
        )
        return self._check(response, status)

    async def get(
        self, method: str, params: dict[str, Any], *, status: int = 200, token: str | None = None
    ) -> Any:
        response = await self.client.get(API + method, params=params, headers=self._headers(token))
        return self._check(response, status)

    def _headers(self, token: str | None) -> dict[str, str]:
        return {"x-api-key": token or self.token}

    @staticmethod
    def _check(response: httpx.Response, status: int) -> Any:
        assert response.status_code == status, (response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/json")
        return response.json()


@pytest.fixture
async def http(emulator: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=emulator.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


@pytest.fixture
def rpc(http: httpx.AsyncClient, emulator: Emulator) -> Rpc:
    return Rpc(http, emulator.token)


def error_message(body: dict[str, Any]) -> str:
    """The human sentence of an error body, asserting the body has the SDK's shape."""
    assert set(body) == {"error", "details"}
    assert isinstance(body["error"], str)
    return body["details"]["message"]
