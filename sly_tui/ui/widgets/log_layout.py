"""Where a log view's entries land on screen: wrapping and the frame, without Textual.

A log view shows *rows* (the log entries its filter keeps, numbered from 0). Without wrap
each row is one screen row. With wrap a row is as many screen rows as its text needs at
the view's width, so what a frame shows depends on the heights of the rows above its
bottom. `LogLayout` works that out once per frame: the view asks for a row of the frame
per screen line it paints, and every ask after the first is a lookup. Heights are
measured only for rows that are looked at (a million-line log is never measured whole)
and kept until the text they were measured from or the width changes.

The text given here is shown literally: wrapping measures it in terminal cells (wide
characters take two, control characters none) and never interprets markup or escapes.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from itertools import pairwise

from rich.cells import cell_len, chop_cells

TAB_SIZE = 4
"""Columns between tab stops in a log entry."""

MIN_ROOM = 8
"""The narrowest wrapped text: below it the view crops rather than wrap a letter a row."""

Span = tuple[int, int]
"""One screen row of an entry: the [start, end) characters of its text it shows."""

Place = tuple[int, int]
"""One screen row of a frame: (view row, which of its screen rows)."""

_WORD = re.compile(r"\s*\S+\s*")  # a word with the spaces around it; breaks go between


def expand_tabs(text: str, size: int = TAB_SIZE) -> str:
    """`text` with each tab replaced by the spaces up to the next tab stop, counted in
    cells from the start of its line."""
    if "\t" not in text:
        return text
    lines = []
    for line in text.split("\n"):
        pieces = line.split("\t")
        column = 0
        out = []
        for piece in pieces[:-1]:
            column += cell_len(piece)
            pad = size - column % size
            out.append(piece + " " * pad)
            column += pad
        out.append(pieces[-1])
        lines.append("".join(out))
    return "\n".join(lines)


def _breaks(line: str, width: int) -> list[int]:
    """Where new screen rows start in `line` (no newline in it): between words where a
    word would overflow, inside a word wider than `width` (cut by cells, a wide
    character never split)."""
    breaks: list[int] = []
    used = 0  # cells taken on the current screen row
    for match in _WORD.finditer(line):
        start, word = match.start(), match.group()
        size = cell_len(word.rstrip())
        if size <= width - used:
            used += cell_len(word)
        elif size > width:
            *pieces, last = chop_cells(word, width)
            for piece in pieces:
                if start:
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
            used = cell_len(last)
        else:
            breaks.append(start)
            used = cell_len(word)
    return breaks


def wrap_spans(text: str, width: int) -> tuple[Span, ...]:
    """The screen rows of `text` (tabs already expanded) wrapped at `width` cells: one
    or more per line of it, an empty line being one empty row. Newlines belong to no
    row. Rows break where Rich's fold wrapping would, so the view may draw them with
    Rich styles; spaces that end a row may run past `width`, to be cropped."""
    width = max(1, width)
    spans: list[Span] = []
    start = 0
    for line in text.split("\n"):
        cuts = [start, *(start + cut for cut in _breaks(line, width)), start + len(line)]
        spans.extend(pairwise(cuts))
        start += len(line) + 1
    return tuple(spans)


class LogLayout:
    """The screen rows of a log view's rows, and the frame they make, cached.

    `text_of(row)` gives the text a row shows after its prefix (timestamp and level),
    tabs expanded. The view tells the layout its geometry with `configure` before asking
    (a no-op when nothing changed) and calls `invalidate` when rows stand for other text
    (another level filter). Appended rows need neither: the frame is keyed on the count.
    """

    def __init__(self, text_of: Callable[[int], str], *, capacity: int = 4096) -> None:
        self._text_of = text_of
        self._capacity = capacity
        self._spans: OrderedDict[int, tuple[Span, ...]] = OrderedDict()
        self._rows = 0
        self._wrap = False
        self._room = MIN_ROOM
        self._frame_key: tuple[int, int, int, int] | None = None
        self._frame: tuple[Place, ...] = ()

    @property
    def rows(self) -> int:
        return self._rows

    def configure(self, *, rows: int, wrap: bool, width: int, indent: int) -> None:
        """`rows` shown, wrapped or not, in `width` cells of which `indent` go to the
        prefix; measured heights are dropped only when the wrap width changed."""
        room = max(width - indent, MIN_ROOM)
        if wrap != self._wrap or room != self._room:
            self.invalidate()
            self._wrap, self._room = wrap, room
        if rows != self._rows:
            self._rows = rows
            self._frame_key = None

    def invalidate(self) -> None:
        """Forget every measured row: the rows now stand for other text."""
        self._spans.clear()
        self._frame_key = None

    def spans(self, row: int) -> tuple[Span, ...]:
        """The screen rows of `row`'s text (one span of it all without wrap)."""
        spans = self._spans.get(row)
        if spans is not None:
            self._spans.move_to_end(row)
            return spans
        text = self._text_of(row)
        spans = wrap_spans(text, self._room) if self._wrap else ((0, len(text)),)
        self._spans[row] = spans
        if len(self._spans) > self._capacity:
            self._spans.popitem(last=False)
        return spans

    def height(self, row: int) -> int:
        """Screen rows `row` takes."""
        return len(self.spans(row)) if self._wrap else 1

    def frame(self, top: int, skip: int, body: int) -> tuple[Place, ...]:
        """What each of `body` screen rows shows, from row `top` with its first `skip`
        screen rows scrolled off; shorter when the log ends first. Computed once for a
        given position and geometry."""
        key = (top, skip, body, self._rows)
        if key != self._frame_key:
            self._frame = self._place(top, skip, body)
            self._frame_key = key
        return self._frame

    def _place(self, top: int, skip: int, body: int) -> tuple[Place, ...]:
        if not self._wrap:
            return tuple((row, 0) for row in range(top, min(top + body, self._rows)))
        placed: list[Place] = []
        row, part = top, skip
        while len(placed) < body and row < self._rows:
            end = min(self.height(row), part + body - len(placed))
            placed.extend((row, k) for k in range(part, end))
            row, part = row + 1, 0
        return tuple(placed)

    def anchor_bottom(self, row: int, body: int) -> Place:
        """(top, skip) that puts the last screen row of `row` on the last of `body` rows."""
        room = body
        while row >= 0:
            height = self.height(row)
            if height >= room:
                return row, height - room
            room -= height
            row -= 1
        return 0, 0

    def scroll(self, top: int, skip: int, delta: int) -> Place:
        """(top, skip) moved by `delta` screen rows, stopping at the first row's start
        and just past the last row."""
        skip += delta
        while skip < 0 and top > 0:
            top -= 1
            skip += self.height(top)
        while top < self._rows and skip >= self.height(top):
            skip -= self.height(top)
            top += 1
        return top, skip

    def shows_whole(self, row: int, frame: tuple[Place, ...]) -> bool:
        """True if `frame` shows `row` from its first screen row to its last."""
        if not frame:
            return False
        first, last = frame[0], frame[-1]
        starts = row > first[0] or (row == first[0] and first[1] == 0)
        ends = row < last[0] or (row == last[0] and last[1] == self.height(row) - 1)
        return starts and ends
