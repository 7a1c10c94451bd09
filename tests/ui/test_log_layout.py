"""The log view's layout model, without Textual: wrapping in cells, and one layout per frame."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from sly_tui.ui.widgets.log_layout import MIN_ROOM, LogLayout, expand_tabs, wrap_spans


def rows_of(text: str, width: int) -> list[str]:
    return [text[start:end] for start, end in wrap_spans(text, width)]


def test_wide_characters_take_two_cells_and_are_never_split() -> None:
    text = "日本語のログ行"  # 7 characters, 14 cells
    rows = rows_of(text, 5)
    assert rows == ["日本", "語の", "ログ", "行"]
    assert all(cell_len(row) <= 5 for row in rows)
    assert "".join(rows) == text


def test_words_move_to_the_next_row_and_long_words_are_folded() -> None:
    assert rows_of("epoch 12 loss 0.5", 9) == ["epoch 12 ", "loss 0.5"]
    assert rows_of("abcdefghijkl xy", 5) == ["abcde", "fghij", "kl xy"]


@pytest.mark.parametrize(
    "text",
    [
        'Traceback (most recent call last):\n  File "x.py", line 3\nValueError: 写入失败 boom',
        "  indented   words   with   runs of    spaces  ",
        "a" * 30 + " " + "日" * 9 + " end",
        "",
        "\n\n",
    ],
)
@pytest.mark.parametrize("width", [8, 13, 40])
def test_rows_break_where_rich_wraps(text: str, width: int) -> None:
    """The view draws the rows with Rich styles, so they must break where Rich would."""
    rich_rows = Text(text).wrap(Console(width=200), width, overflow="fold")
    assert [row.rstrip() for row in rows_of(text, width)] == [
        row.plain.rstrip() for row in rich_rows
    ]


def test_tabs_expand_to_the_next_stop_in_cells_per_line() -> None:
    assert expand_tabs("a\tb") == "a   b"
    assert expand_tabs("\tx") == "    x"
    assert expand_tabs("abcd\te") == "abcd    e"
    assert expand_tabs("日\tx") == "日  x"  # the wide character takes two of the four cells
    assert expand_tabs("ab\n\tc") == "ab\n    c"  # each line counts from its start
    assert expand_tabs("no tabs") == "no tabs"
    for sample in ("a\tb\tc", "日本\t\tx\ny\tz", "\t"):
        expected = Text(sample)
        expected.expand_tabs(4)
        assert expand_tabs(sample) == expected.plain
    assert rows_of(expand_tabs("key:\tvalue"), 8) == ["key:    ", "value"]


def test_control_characters_and_markup_stay_literal_and_take_no_room() -> None:
    hostile = "\x1b[31mred\x1b[0m [bold]not bold[/] \x00\x07 end"
    rows = rows_of(hostile, 10)
    assert "".join(rows).replace(" ", "") == hostile.replace(" ", "")
    assert "[bold]" in "".join(rows)
    assert all(cell_len(row.rstrip()) <= 10 for row in rows)


def test_empty_lines_are_empty_rows_and_newlines_belong_to_no_row() -> None:
    assert wrap_spans("", 10) == ((0, 0),)
    assert rows_of("a\n\nb", 10) == ["a", "", "b"]
    assert rows_of("a\n", 10) == ["a", ""]
    assert rows_of("", 0) == [""]  # a width below one cell is taken as one


class Texts:
    """`text_of` for a layout, counting how often each row is measured."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.reads: list[int] = []

    def __call__(self, row: int) -> str:
        self.reads.append(row)
        return self.texts[row]


def test_a_frame_is_laid_out_once_and_heights_are_measured_once() -> None:
    texts = Texts(["x" * 25, "short", "y" * 12, "z"])
    layout = LogLayout(texts)
    layout.configure(rows=4, wrap=True, width=10 + 2, indent=2)  # 10 cells of text
    frame = layout.frame(0, 0, 5)
    assert frame == ((0, 0), (0, 1), (0, 2), (1, 0), (2, 0))
    reads = len(texts.reads)
    for _ in range(60):  # a frame asks once per screen row
        assert layout.frame(0, 0, 5) is frame
    assert len(texts.reads) == reads
    assert layout.frame(0, 1, 5) == ((0, 1), (0, 2), (1, 0), (2, 0), (2, 1))
    assert len(texts.reads) == reads  # a new position reuses the heights


def test_width_changes_remeasure_and_appends_do_not() -> None:
    texts = Texts(["x" * 20, "y" * 20])
    layout = LogLayout(texts)
    layout.configure(rows=2, wrap=True, width=10, indent=0)
    assert layout.height(0) == 2
    layout.configure(rows=2, wrap=True, width=10, indent=0)
    assert layout.height(0) == 2 and texts.reads == [0]
    layout.configure(rows=2, wrap=True, width=20, indent=0)
    assert layout.height(0) == 1 and texts.reads == [0, 0]
    layout.configure(rows=2, wrap=True, width=25, indent=5)  # the same room: kept
    assert layout.height(0) == 1 and texts.reads == [0, 0]
    texts.texts.append("z" * 30)
    before = layout.frame(0, 0, 5)
    layout.configure(rows=3, wrap=True, width=20, indent=0)  # a line was appended
    assert layout.frame(0, 0, 5) == (*before, (2, 0), (2, 1))
    assert texts.reads == [0, 0, 1, 2]
    layout.invalidate()  # e.g. another level filter: the rows stand for other lines
    layout.height(0)
    assert texts.reads[-1] == 0 and len(texts.reads) == 5


def test_wrap_toggle_and_narrow_widths() -> None:
    layout = LogLayout(Texts(["x" * 20]))
    layout.configure(rows=1, wrap=False, width=10, indent=0)
    assert layout.height(0) == 1 and layout.spans(0) == ((0, 20),)
    layout.configure(rows=1, wrap=True, width=10, indent=0)
    assert layout.height(0) == 2
    layout.configure(rows=1, wrap=True, width=12, indent=10)  # never narrower than MIN_ROOM
    assert layout.spans(0) == ((0, MIN_ROOM), (MIN_ROOM, 2 * MIN_ROOM), (2 * MIN_ROOM, 20))


def test_bottom_anchor_scrolling_and_whole_rows() -> None:
    texts = Texts(["a" * 30, "b", "c" * 15, "d"])  # heights 3, 1, 2, 1 at 10 cells
    layout = LogLayout(texts)
    layout.configure(rows=4, wrap=True, width=10, indent=0)
    assert layout.anchor_bottom(3, 4) == (1, 0)
    assert layout.anchor_bottom(3, 5) == (0, 2)
    assert layout.anchor_bottom(3, 99) == (0, 0)
    assert layout.scroll(0, 0, 3) == (1, 0)
    assert layout.scroll(0, 0, 4) == (2, 0)
    assert layout.scroll(1, 0, -2) == (0, 1)
    assert layout.scroll(0, 1, -5) == (0, -4)  # the caller clamps to the first row
    frame = layout.frame(0, 1, 4)
    assert not layout.shows_whole(0, frame)  # its first row is scrolled off
    assert layout.shows_whole(1, frame)
    assert not layout.shows_whole(2, frame)  # its second row is below the frame
    assert not layout.shows_whole(0, ())
