"""Every request ends: a reply that trickles in is cut at the deadline, and a reply larger
than the size limit is refused without being held in memory."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from sly_tui.api import ProtocolError, RetryPolicy, SlyClient, Unreachable

from .conftest import MakeClient

MB = 1024 * 1024


@pytest.fixture
async def trickling_server() -> AsyncIterator[str]:
    """A loopback server that sends its headers, then one body byte every 50 ms, forever."""
    writers: list[asyncio.StreamWriter] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{")
        try:
            while True:
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(0.05)
        except (ConnectionError, asyncio.CancelledError):
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.close()
    for writer in writers:
        writer.close()


async def test_a_trickling_reply_ends_at_the_deadline(trickling_server: str) -> None:
    once = RetryPolicy(retries=1)
    async with SlyClient(trickling_server, "t" * 32, timeout=1.0, retry=once) as client:
        with pytest.raises(Unreachable, match="no answer within 1 s"):
            await client.instance.version()


@pytest.mark.parametrize(
    "reply",
    [
        lambda: httpx.Response(200, content=b"[" + b"0," * MB + b"0]"),
        lambda: httpx.Response(
            200,
            content=gzip.compress(b" " * 3 * MB + b"[]"),
            headers={"Content-Encoding": "gzip"},
        ),
    ],
    ids=["plain", "gzip-bomb"],
)
async def test_a_reply_above_the_limit_is_a_sentence(
    mock_client: MakeClient, reply: Callable[[], httpx.Response]
) -> None:
    client = mock_client(lambda request: reply(), max_response_bytes=MB)
    with pytest.raises(ProtocolError, match="larger than 1 MB"):
        await client.tasks.get_info_by_id(1)


async def test_a_gzipped_reply_under_the_limit_reads(mock_client: MakeClient) -> None:
    body = gzip.compress(b'{"version": "6.12.5"}')
    client = mock_client(
        lambda request: httpx.Response(200, content=body, headers={"Content-Encoding": "gzip"})
    )
    assert await client.instance.version() == "6.12.5"


async def test_a_download_whose_headers_never_come_ends_at_the_deadline(tmp_path: Path) -> None:
    async def never(request: httpx.Request) -> httpx.Response:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    client = SlyClient(
        "http://server.test",
        "t" * 32,
        transport=httpx.MockTransport(never),
        timeout=0.5,
        retry=RetryPolicy(retries=1),
        check_https=False,
    )
    async with client:
        with pytest.raises(Unreachable, match=r"no answer within 0\.5 s"):
            await client.tasks.download_import_file(1, "a.jpg", str(tmp_path / "a.jpg"))


async def test_an_https_probe_that_never_answers_ends_and_keeps_http(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The one https:// probe of an http:// address is bounded as a whole: a server that
    accepts it and never replies leaves the address on http://, it does not hang."""
    monkeypatch.setattr("sly_tui.api.transport.HTTPS_PROBE_TIMEOUT", 0.2)

    async def https_stalls(request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "https":
            await asyncio.Event().wait()
        return httpx.Response(200, json={"version": "6.12.5"})

    async with SlyClient(
        "http://server.test", "t" * 32, transport=httpx.MockTransport(https_stalls)
    ) as client:
        assert await client.instance.version() == "6.12.5"
        assert client.api_root == "http://server.test/public/api"
