"""Partial updates are written cut at both ends of each changed span, never inside a wide
character, each change of colours once (what stays in force is not written again), and
with the same cells and colours as Textual's own writing when a span covers whole pieces."""

from __future__ import annotations

from rich.color import ColorSystem
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

from sly_tui.ui.partial_updates import cropped_segments, install, move_to

CONSOLE = Console(color_system="truecolor", force_terminal=True, width=80)
BOLD = Style(bold=True)


def update(strips: list[Strip], span: tuple[int, int]) -> ChopsUpdate:
    """One line of pieces side by side, and one changed span on it."""
    chops: dict[int, Strip | None] = {}
    ends: list[int] = []
    x = 0
    for strip in strips:
        chops[x] = strip
        x += strip.cell_length
        ends.append(x)
    return ChopsUpdate([chops], [(0, *span)], [ends])


def test_only_the_span_is_written() -> None:
    row = Strip([Segment("  1163 ", None), Segment("train-yolo ", BOLD), Segment("   45s", None)])
    written = cropped_segments(update([row], (21, 24)), CONSOLE)
    assert written == "\x1b[1;22H45s"


def test_a_wide_character_at_the_cut_is_written_whole() -> None:
    row = Strip([Segment("ab", None), Segment("日本語", BOLD)])
    written = cropped_segments(update([row], (5, 8)), CONSOLE)
    assert written.startswith("\x1b[1;3H") and "日本語" in written


def test_whole_pieces_are_written_with_textual_s_cells_and_colours() -> None:
    left, right = Strip([Segment("left ", BOLD)]), Strip([Segment("right", None)])
    chops = update([left, right], (0, 10))
    # Textual 8 writes "\x1b[1;1H\x1b[1mleft \x1b[0m\x1b[1;6Hright": the reset moves after
    # the cursor move, which changes no cell.
    written = "\x1b[1;1H\x1b[1mleft \x1b[1;6H\x1b[0mright"
    assert cropped_segments(chops, CONSOLE) == written
    install()
    install()  # a second call changes nothing
    assert ChopsUpdate.render_segments(chops, CONSOLE) == written
    assert (
        ChopsUpdate.render_segments(update([left], (2, 5)), CONSOLE) == "\x1b[1;3H\x1b[1mft \x1b[0m"
    )


def test_colours_in_force_are_not_written_again() -> None:
    """Ticking durations on many rows: one SGR sequence for all, one reset at the end, and
    no newline between lines (each span starts with a cursor move)."""
    cells = [{0: Strip([Segment(f"{second}s", BOLD)])} for second in range(3)]
    chops = ChopsUpdate(cells, [(y, 0, 2) for y in range(3)], [[2]] * 3)
    assert cropped_segments(chops, CONSOLE) == ("\x1b[1;1H\x1b[1m0s\x1b[2;1H1s\x1b[3;1H2s\x1b[0m")
    red = Style(color="red")
    row = Strip([Segment("a", BOLD), Segment("b", red), Segment("c", None), Segment("d", red)])
    assert cropped_segments(update([row], (0, 4)), CONSOLE) == (
        "\x1b[1;1H\x1b[1ma\x1b[0;31mb\x1b[0mc\x1b[31md\x1b[0m"
    )


def test_hyperlinks_are_written_as_textual_writes_them() -> None:
    link = Style(link="https://example.com")
    row = Strip([Segment("a", BOLD), Segment("site", link)])
    written = cropped_segments(update([row], (0, 5)), CONSOLE)
    assert written == "\x1b[1;1H\x1b[1ma\x1b[0m" + Strip.render_style(
        link, "site", ColorSystem.TRUECOLOR
    )


def test_cursor_moves_are_rich_s_own() -> None:
    for x, y in ((0, 0), (7, 0), (0, 35), (119, 47), (250, 100)):
        assert move_to(x, y) == Control.move_to(x, y).segment.text
