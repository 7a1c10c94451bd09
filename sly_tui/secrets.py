"""Keeping the API token out of sight: a wrapper that never prints itself, and 0600 files.

The token reaches exactly two places: the `x-api-key` header and files we create with
mode 0600. Everything else (reprs, logs, error messages, screens) sees the wrapper.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TextIO

from sly_tui.text import never_show


class Secret:
    """A string that refuses to show itself in `str`, `repr` or f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        never_show(value)

    def reveal(self) -> str:
        """The real value, for the one place that must send it."""
        return self._value

    def __str__(self) -> str:
        return "********"

    def __repr__(self) -> str:
        return "Secret('********')"

    def __format__(self, spec: str) -> str:
        return str(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def token_problem(token: str, where: str = "") -> str | None:
    """Why `token` (from `where`, when known) cannot go into the `x-api-key` header, in a
    sentence that does not quote it; None when it can. Only visible ASCII can: a line
    break would end the header (or start another), and httpx's own complaint would print
    the value."""
    for position, char in enumerate(token, 1):
        if not "!" <= char <= "~":
            kind = (
                "a line break"
                if char in "\r\n"
                else "a space"
                if char.isspace()
                else "a control character"
                if ord(char) < 32 or 127 <= ord(char) < 160
                else "a non-ASCII character"
            )
            source = f" from {where}" if where else ""
            return (
                f"The API token{source} contains {kind} (character {position} of "
                f"{len(token)}), which cannot be sent in a request; copy the token again."
            )
    return None


def create_private(
    path: Path, *, newline: str | None = None, errors: str = "strict", overwrite: bool = False
) -> TextIO:
    """A new text file at `path`, readable by the owner only from its first byte (0600),
    for what we save on the user's behalf (logs, exports, screenshots): they may hold
    what a task printed. An existing file is overwritten only where the user confirmed it
    (`overwrite`), and then made 0600 too; otherwise it raises `FileExistsError`."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)  # an overwritten file would keep its old mode
    return os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline=newline)


def write_private_file(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, readable by the owner only (mode 0600).

    The temporary file is created 0600 from the start (no window where it is world
    readable) and renamed over the target, so a crash never leaves half a file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.chmod(path, 0o600)


def is_private(path: Path) -> bool:
    """True when no one but the owner can read or write `path`."""
    return path.stat().st_mode & 0o077 == 0
