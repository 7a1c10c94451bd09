"""The emulator's network side: connections that never finish their headers are closed,
hundreds of them neither stop it nor write to stderr, and faults never precede the
token check."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from sly_tui.demo import Emulator, serve

from .conftest import API, error_message

PARTIAL = b"POST /public/api/v3/users.me HTTP/1.1\r\nHost: emulator\r\nx-api-key: "


async def open_idle(url: str, count: int, *, partial: bool) -> list[asyncio.StreamReader]:
    """`count` connections that send nothing, or only the start of their headers."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    readers = []
    for _ in range(count):
        reader, writer = await asyncio.open_connection(host, int(port))
        if partial:
            writer.write(PARTIAL)
            await writer.drain()
        readers.append(reader)
        _writers.append(writer)
    return readers


_writers: list[asyncio.StreamWriter] = []


@pytest.fixture(autouse=True)
async def _close_writers() -> AsyncIterator[None]:
    yield
    while _writers:
        writer = _writers.pop()
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def closed_by_server(reader: asyncio.StreamReader) -> bool:
    with contextlib.suppress(ConnectionError):
        return await reader.read() == b""  # EOF: the server hung up, without a reply
    return True


async def test_idle_and_half_sent_connections_are_closed_quietly(
    emulator: Emulator, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with serve(emulator, header_timeout=0.5) as url:
        silent = await open_idle(url, 150, partial=False)
        trickling = await open_idle(url, 150, partial=True)
        async with httpx.AsyncClient(base_url=url) as client:  # still answers meanwhile
            me = await client.post(API + "users.me", headers={"x-api-key": emulator.token})
            assert me.status_code == 200
        async with asyncio.timeout(60):
            results = await asyncio.gather(*map(closed_by_server, silent + trickling))
        assert all(results)
    assert capfd.readouterr().err == ""
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_past_the_limit_the_longest_waiting_connection_goes(emulator: Emulator) -> None:
    async with serve(emulator, header_timeout=600, max_connections=40) as url:
        first = await open_idle(url, 1, partial=True)
        await open_idle(url, 60, partial=False)
        async with asyncio.timeout(60):
            assert await closed_by_server(first[0])
        async with httpx.AsyncClient(base_url=url) as client:
            me = await client.post(API + "users.me", headers={"x-api-key": emulator.token})
            assert me.status_code == 200


@pytest.mark.parametrize(("token", "status"), [("", 400), ("x" * 128, 403)])
async def test_faults_come_only_after_authentication(
    http: httpx.AsyncClient, emulator: Emulator, token: str, status: int
) -> None:
    emulator.faults.update({"error_rate": 1.0, "error_status": 503})
    response = await http.post(API + "users.me", json={}, headers={"x-api-key": token})
    assert response.status_code == status
    assert "injected" not in error_message(response.json())
