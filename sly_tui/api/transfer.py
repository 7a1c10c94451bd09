"""Moving files: streamed downloads that never leave half a file, and the SDK's
hash-first upload of task files.

Disk work runs in a thread so a large transfer does not freeze the event loop (the TUI
shares it).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from sly_tui.api.errors import ProtocolError
from sly_tui.api.parsing import list_of, read_text
from sly_tui.api.transport import Download, Part, Parts, Transport

T = TypeVar("T")
# (bytes written, bytes expected or None when the server does not say)
ByteProgress = Callable[[int, int | None], None]
# (files done, files in total)
FileProgress = Callable[[int, int], None]

CHUNK = 1024 * 1024
HASH_BATCH = 900  # `images.internal.hashes.list` batch, as in the SDK
FILE_BATCH = 50  # add-by-hash and multipart batches, as in the SDK


async def save_stream(
    download: Download, save_path: str | os.PathLike[str], progress_cb: ByteProgress | None
) -> None:
    """Write `download` to `save_path` via a temporary file in the same directory.

    The rename happens only after the last byte, so a failure (or cancellation) leaves
    any earlier file under `save_path` untouched and no partial one behind. A body that
    ends before the announced size is a failure too: some transports (in-process ASGI)
    end a cut-off body quietly instead of raising. Sizes and progress count wire bytes,
    as Content-Length does (a gzip-encoded body decodes to more).
    """
    target = Path(save_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = _open_part(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            async for chunk in download.chunks(CHUNK):
                await asyncio.to_thread(handle.write, chunk)
                if progress_cb is not None:
                    progress_cb(download.received, download.total)
        done = download.received
        if download.total is not None and done != download.total:
            raise ProtocolError(
                f"The download ended after {done} of {download.total} bytes; nothing was saved."
            )
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _open_part(target: Path) -> tuple[int, Path]:
    """A new temporary file next to `target`. Created with the mode any new file gets
    (0o666 less the umask), not mkstemp's 0o600: it becomes the user's download."""
    while True:
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:
            continue


def file_hash(path: str | os.PathLike[str]) -> str:
    """base64(sha256(content)), the SDK's `get_file_hash`, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return base64.b64encode(digest.digest()).decode("ascii")


def batched(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_hash_list = list_of(lambda item: read_text(item, "a known hash"), "the known hashes")


async def upload_task_files(
    transport: Transport,
    task_id: int,
    abs_paths: Sequence[str],
    names: Sequence[str],
    progress_cb: FileProgress | None,
) -> None:
    """Attach files to a task: files the server already has go by hash, the rest as bytes.

    Steps as in the SDK: ask which hashes the server knows (`images.internal.hashes.list`,
    a bare JSON list), add those by hash (`tasks.files.bulk.add-by-hash`), then upload the
    others as multipart (`tasks.files.bulk.upload`, part `i` = JSON, part `i-file` = bytes).
    """
    if len(abs_paths) != len(names):
        raise ValueError("abs_paths and names must have the same length")
    if not abs_paths:
        return
    transport.check_writable("tasks.files.bulk.add-by-hash")
    transport.check_writable("tasks.files.bulk.upload")
    hashes = [await asyncio.to_thread(file_hash, path) for path in abs_paths]
    known: set[str] = set()
    for hash_batch in batched(sorted(set(hashes)), HASH_BATCH):
        known.update(
            await transport.call("images.internal.hashes.list", list(hash_batch), parse=_hash_list)
        )
    total = len(abs_paths)
    by_hash = [
        {"name": name, "hash": h} for name, h in zip(names, hashes, strict=True) if h in known
    ]
    for known_batch in batched(by_hash, FILE_BATCH):
        await transport.send(
            "tasks.files.bulk.add-by-hash", {"taskId": task_id, "files": list(known_batch)}
        )
    done = len(by_hash)
    if progress_cb is not None:
        progress_cb(done, total)
    items = list(zip(abs_paths, names, hashes, strict=True))
    for batch in batched(items, FILE_BATCH):
        with contextlib.ExitStack() as files:
            parts: list[Part] = []
            for index, (path, name, h) in enumerate(batch):
                if h in known:
                    continue
                meta = json.dumps({"fullpath": name, "hash": h}).encode()
                parts.append((str(index), (None, meta, None)))
                # httpx reads multipart bodies synchronously anyway; local reads are quick.
                handle = files.enter_context(open(path, "rb"))  # noqa: ASYNC230
                parts.append((f"{index}-file", (name, handle, "application/octet-stream")))
            if parts:
                await transport.upload("tasks.files.bulk.upload", parts, task_id=task_id)
                done += len(parts) // 2
                if progress_cb is not None:
                    progress_cb(done, total)


async def upload_archive(transport: Transport, task_id: int, archive_path: str) -> None:
    """`tasks.upload.dtl_archive`: fields `id`, `name` (file name without extension), `archive`."""
    path = Path(archive_path)
    with open(path, "rb") as handle:  # noqa: ASYNC230 - see upload_task_files
        parts: Parts = [
            ("id", (None, str(task_id).encode(), None)),
            ("name", (None, path.stem.encode(), None)),
            ("archive", (path.name, handle, "application/x-tar")),
        ]
        await transport.upload("tasks.upload.dtl_archive", parts)
