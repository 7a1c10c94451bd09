"""Byte counts as people read them (checkpoint sizes, file sizes, transfer progress)."""

from __future__ import annotations

_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB")


def human_size(size: int | None) -> str:
    """`512 B`, `6.7 KiB`, `38.2 MiB`; an empty string when the size is unknown."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    value, unit = size / 1024, 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{value:.1f} {_UNITS[unit]}"
