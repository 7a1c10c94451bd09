"""Downloads land whole or not at all; uploads follow the SDK's hash-first protocol."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from sly_tui.api import ProtocolError, ServerError, Unreachable
from sly_tui.api.transfer import file_hash

from .conftest import MakeClient


def names_in(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


class Chunks(httpx.AsyncByteStream):
    """A body that yields `parts` and then, optionally, breaks like a dropped connection."""

    def __init__(self, parts: list[bytes], *, fail: bool) -> None:
        self.parts = parts
        self.fail = fail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            yield part
        if self.fail:
            raise httpx.ReadError("connection reset by peer")


def serving(parts: list[bytes], *, fail: bool = False) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        assert json.loads(request.content) == {"id": 3, "filename": "/in/a.bin"}
        size = str(sum(map(len, parts)))
        stream = Chunks(parts, fail=fail)
        return httpx.Response(200, headers={"Content-Length": size}, stream=stream)

    return handler


async def test_download_streams_with_progress(mock_client: MakeClient, tmp_path: Path) -> None:
    target = tmp_path / "deep" / "a.bin"
    progress: list[tuple[int, int | None]] = []
    client = mock_client(serving([b"abc", b"defg"]))
    await client.tasks.download_import_file(
        3, "/in/a.bin", target, lambda done, total: progress.append((done, total))
    )
    assert target.read_bytes() == b"abcdefg"
    assert progress[-1] == (7, 7)
    assert names_in(tmp_path) == ["deep", "deep/a.bin"]


async def test_gzip_encoded_download_is_saved_decoded(
    mock_client: MakeClient, tmp_path: Path
) -> None:
    """Content-Length counts the compressed bytes; the file holds the decoded ones."""
    content = b"line of a log file\n" * 5000
    encoded = gzip.compress(content)

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Length": str(len(encoded)), "Content-Encoding": "gzip"}
        return httpx.Response(
            200, headers=headers, stream=Chunks([encoded[:999], encoded[999:]], fail=False)
        )

    progress: list[tuple[int, int | None]] = []
    client = mock_client(handler)
    target = tmp_path / "a.log"
    await client.tasks.download_import_file(
        3, "/in/a.log", target, lambda done, total: progress.append((done, total))
    )
    assert target.read_bytes() == content
    assert progress[-1] == (len(encoded), len(encoded))


async def test_broken_download_leaves_no_partial_file(
    mock_client: MakeClient, tmp_path: Path
) -> None:
    target = tmp_path / "a.bin"
    target.write_bytes(b"previous version")
    client = mock_client(serving([b"x" * 2_000_000], fail=True))
    with pytest.raises(Unreachable, match="connection reset"):
        await client.tasks.download_import_file(3, "/in/a.bin", target)
    assert target.read_bytes() == b"previous version"
    assert names_in(tmp_path) == ["a.bin"]


async def test_failed_download_request_creates_nothing(
    mock_client: MakeClient, tmp_path: Path
) -> None:
    client = mock_client(lambda request: httpx.Response(500, json={"error": "disk"}))
    with pytest.raises(ServerError):
        await client.tasks.download_import_file(3, "/in/a.bin", tmp_path / "a.bin")
    assert names_in(tmp_path) == []


def test_file_hash_is_the_sdks(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"hello" * 1000)
    expected = base64.b64encode(hashlib.sha256(b"hello" * 1000).digest()).decode()
    assert file_hash(path) == expected


async def test_upload_sends_known_files_by_hash_and_the_rest_as_multipart(
    mock_client: MakeClient, tmp_path: Path
) -> None:
    paths = []
    for name, content in [("a", b"AAA"), ("b", b"BBB"), ("c", b"CCC")]:
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    known = file_hash(paths[1])
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        requests.append(request)
        rpc = request.url.path.rsplit("/", 1)[-1]
        if rpc == "images.internal.hashes.list":
            assert sorted(json.loads(request.content)) == sorted(map(file_hash, paths))
            return httpx.Response(200, json=[known])
        return httpx.Response(200, json={"success": True})

    progress: list[tuple[int, int]] = []
    client = mock_client(handler)
    await client.tasks.upload_files(
        7, paths, ["x/a.txt", "x/b.txt", "x/c.txt"], lambda d, t: progress.append((d, t))
    )
    rpcs = [r.url.path.rsplit("/", 1)[-1] for r in requests]
    assert rpcs == [
        "images.internal.hashes.list",
        "tasks.files.bulk.add-by-hash",
        "tasks.files.bulk.upload",
    ]
    assert json.loads(requests[1].content) == {
        "taskId": 7,
        "files": [{"name": "x/b.txt", "hash": known}],
    }
    upload = requests[2]
    assert upload.headers["x-task-id"] == "7"  # multipart carries no task id of its own
    assert upload.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = upload.content.decode()
    names = [
        line.split('name="')[1].split('"')[0] for line in body.splitlines() if 'name="' in line
    ]
    assert names == ["0", "0-file", "2", "2-file"]
    assert '{"fullpath": "x/c.txt", "hash": "' + file_hash(paths[2]) + '"}' in body
    assert 'filename="x/a.txt"' in body and "AAA" in body and "CCC" in body and "BBB" not in body
    assert progress == [(1, 3), (3, 3)]


async def test_upload_checks_its_arguments(mock_client: MakeClient) -> None:
    client = mock_client(lambda request: httpx.Response(500))
    with pytest.raises(ValueError, match="same length"):
        await client.tasks.upload_files(1, ["a"], [])
    await client.tasks.upload_files(1, [], [])  # nothing to do, nothing sent


async def test_dtl_archive_upload_fields(mock_client: MakeClient, tmp_path: Path) -> None:
    archive = tmp_path / "graph.tar"
    archive.write_bytes(b"TARDATA")
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.read())
        return httpx.Response(200, json={})

    await mock_client(handler).tasks.upload_dtl_archive(5, str(archive))
    body = seen[0].decode()
    assert 'name="id"\r\n\r\n5\r\n' in body
    assert 'name="name"\r\n\r\ngraph\r\n' in body
    assert 'name="archive"; filename="graph.tar"\r\nContent-Type: application/x-tar' in body
    assert "TARDATA" in body


async def test_upload_refuses_a_garbled_hash_list(mock_client: MakeClient, tmp_path: Path) -> None:
    path = tmp_path / "a"
    path.write_bytes(b"A")
    client = mock_client(lambda request: httpx.Response(200, json=[None]))
    with pytest.raises(ProtocolError, match="a known hash is missing"):
        await client.tasks.upload_files(1, [str(path)], ["a"])
