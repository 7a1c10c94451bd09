"""Where a log spool keeps its bytes: a private file, or memory when no file can be had.

A service account with `HOME=/nonexistent`, a read-only cache directory or a full disk must
not stop the dashboard: the spool then keeps the log in memory for the session instead.
Both stores append, cut back to a length, and read by offset; the spool serialises reads
itself.
"""

from __future__ import annotations

import os
from pathlib import Path


class FileStore:
    """A file only its owner can read (0600): logs can hold what a task printed."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
        self._writer = os.open(path, flags, 0o600)
        try:
            self._reader = open(path, "rb", buffering=0)  # noqa: SIM115 - closed by close()
        except OSError:
            os.close(self._writer)
            raise

    def size(self) -> int:
        return os.fstat(self._reader.fileno()).st_size

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._writer, view) :]

    def cut(self, size: int) -> None:
        os.ftruncate(self._writer, size)

    def read(self, begin: int, length: int) -> bytes:
        self._reader.seek(begin)
        return self._reader.read(length)

    def close(self) -> None:
        self._reader.close()
        os.close(self._writer)


class MemoryStore:
    """The same in a `bytearray`, for when no file can be created or written."""

    def __init__(self, data: bytes = b"") -> None:
        self._data = bytearray(data)

    def size(self) -> int:
        return len(self._data)

    def write(self, data: bytes) -> None:
        self._data += data

    def cut(self, size: int) -> None:
        del self._data[size:]

    def read(self, begin: int, length: int) -> bytes:
        return bytes(self._data[begin : begin + length])

    def close(self) -> None:
        self._data = bytearray()
