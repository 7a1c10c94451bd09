"""Partial screen updates that send the terminal only the cells that changed.

Textual writes a partial update span by span: for each piece of the line under a span (a
"chop", one per widget edge) it moves the cursor to the piece's first cell and writes up
to the span's right end, so the cells left of the span are written again too. The task
table's TIME column is near the right edge: each second, every running row was rewritten
from its first column. Over SSH on a slow link that is most of what the dashboard sends.

Each styled piece is also written as its colours followed by a reset, so ten ticking cells
of one colour cost ten colour sequences (about 40 bytes each, more than the cells).

`install()` gives Textual's `ChopsUpdate` a writer that also cuts on the left, writes a
change of colours only where the colours change (they stay in force across cursor moves),
and leaves out the newline between lines (every span starts with a cursor move). A cut never
splits a wide character: a segment holding one is written from its start, as before.
If the writer fails (a future Textual may store its update differently), that frame is
written the original way, so the screen can never go blank because of this module.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

_Writer = Callable[[ChopsUpdate, Console], str]
RESET = "\x1b[0m"


def left_edge(strip: Strip, offset: int) -> int:
    """Where to start writing `strip` to cover its cells from `offset` on: `offset`
    itself, or the start of the segment it falls in if that segment has wide characters."""
    position = 0
    for segment in strip:
        length = segment.cell_length
        if position + length > offset:
            return offset if length == len(segment.text) else position
        position += length
    return offset


def move_to(x: int, y: int) -> str:
    """The cursor-position escape sequence (what `rich.control.Control.move_to` holds, at
    a tenth of the cost: it runs for every span of every frame)."""
    return f"\x1b[{y + 1};{x + 1}H"


# The SGR attributes of a style ("": the terminal's defaults), as Textual writes them.
sgr: Callable[[Style, ColorSystem], str] = lru_cache(maxsize=1024)(Strip.render_ansi)


def cropped_segments(update: ChopsUpdate, console: Console) -> str:
    """The escape sequences and text of `update`, each span cut at both of its ends, each
    change of colours written once: the attributes stay in force across cursor moves, so
    ten duration cells of one colour cost one SGR sequence, not ten with ten resets."""
    color_system = console._color_system or ColorSystem.TRUECOLOR  # as Strip.render does
    out: list[str] = []
    pen = ""  # the attributes in force
    for y, x1, x2 in update.spans:
        for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
            if strip is None or x >= x2 or end <= x1:
                continue
            start = x + left_edge(strip, x1 - x) if x < x1 else x
            out.append(move_to(start, y))
            for text, style, _ in strip.crop(start - x, min(end, x2) - x):
                if not text:
                    continue
                if style is not None and style.link:  # hyperlinks: written as Textual does
                    if pen:
                        out.append(RESET)
                        pen = ""
                    out.append(Strip.render_style(style, text, color_system))
                    continue
                wanted = "" if style is None else sgr(style, color_system)
                if wanted != pen:
                    if not wanted:
                        out.append(RESET)
                    else:
                        out.append(f"\x1b[0;{wanted}m" if pen else f"\x1b[{wanted}m")
                    pen = wanted
                out.append(text)
    if pen:
        out.append(RESET)
    return "".join(out)


def install() -> None:
    """Make every app of this process write partial updates cropped (idempotent)."""
    original: _Writer = ChopsUpdate.render_segments
    if getattr(original, "_crops_left", False):
        return

    def render_segments(self: ChopsUpdate, console: Console) -> str:
        try:
            return cropped_segments(self, console)
        except Exception:
            return original(self, console)

    render_segments._crops_left = True  # type: ignore[attr-defined]
    ChopsUpdate.render_segments = render_segments  # type: ignore[method-assign]
