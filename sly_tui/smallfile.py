"""Reading a local file that ought to be small (a theme, a config, an env file) without
trusting it to end: a link to `/dev/zero` or a runaway file would otherwise fill memory."""

from __future__ import annotations

import errno
from pathlib import Path

MAX_SMALL_FILE = 1024 * 1024


def read_small_text(path: Path, limit: int = MAX_SMALL_FILE) -> str:
    """The UTF-8 text of `path`; more than `limit` bytes is an `OSError` (EFBIG) whose
    `strerror` says so, so callers' usual "cannot read" sentence covers it."""
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(
            errno.EFBIG, f"it is larger than {limit // 1024} KB, more than such a file should be"
        )
    return data.decode("utf-8")
