"""The virtual log view: following, pausing, filters, search, wrap, save, copy, hostile text."""

from __future__ import annotations

import html
import stat
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Input

from sly_tui.api import LogEntry
from sly_tui.monitor.log_spool import LogSpool
from sly_tui.ui.widgets.log_prompt import SearchPrompt
from sly_tui.ui.widgets.log_view import LogView, relative_time
from sly_tui.ui.widgets.path_picker import SaveFileModal

from .helpers import click, wait_for

T0 = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
LEVELS = ["info", "debug", "info", "warn", "info", "trace", "info", "error"]


def entry(i: int, message: str | None = None, level: str | None = None) -> LogEntry:
    return LogEntry(
        f"line {i}" if message is None else message,
        LEVELS[i % len(LEVELS)] if level is None else level,
        T0 + timedelta(seconds=i),
        7,
        {},
    )


def fill(spool: LogSpool, count: int) -> None:
    start = len(spool)
    spool.append([entry(i) for i in range(start, start + count)])


class Host(App[None]):
    """A bare app around one LogView; escape is bound here to check it reaches the app."""

    BINDINGS = [Binding("escape", "escaped", "Back")]

    def __init__(self, spool: LogSpool, **options: Any) -> None:
        super().__init__()
        self.spool = spool
        self.options = {"save_dir": spool.path.parent, **options}  # never the working dir
        self.escaped = 0
        self.copied: list[str] = []

    def compose(self) -> ComposeResult:
        yield LogView(self.spool, tz=UTC, id="log", **self.options)

    def action_escaped(self) -> None:
        self.escaped += 1

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[LogSpool]:
    with LogSpool(tmp_path / "spool.jsonl") as s:
        yield s


def rows(view: LogView) -> list[str]:
    """What the view shows, row by row (the last one is the status line)."""
    return [view.render_line(y).text.rstrip() for y in range(view.scrollable_content_region.height)]


def body(view: LogView) -> list[str]:
    return rows(view)[:-1]


def status(view: LogView) -> str:
    return rows(view)[-1]


async def start(pilot: Pilot[None]) -> None:
    """Let the first frames land: a long line found while painting adds a scrollbar."""
    await pilot.pause()
    await pilot.pause()


@asynccontextmanager
async def running(
    spool: LogSpool, **options: Any
) -> AsyncIterator[tuple[Host, LogView, Pilot[None]]]:
    """A Host around `spool` at 80x24, its view, and a pilot, once the first frames landed."""
    app = Host(spool, **options)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(LogView)
        await start(pilot)
        yield app, view, pilot


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the view's workers: a search scan starts only after the next paint."""
    view = pilot.app.query_one(LogView)
    for _ in range(1000):
        await pilot.pause()
        if not view.searching:
            break
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_follow_stays_at_the_bottom(spool: LogSpool) -> None:
    fill(spool, 100)
    async with running(spool) as (_, view, pilot):
        assert view.following
        assert body(view)[-1].endswith("line 99")
        assert view.selected_index == 99
        assert "FOLLOW" in status(view) and "100 lines" in status(view)
        for _ in range(3):
            fill(spool, 10)
            view.lines_appended(10)
            await pilot.pause()
        assert body(view)[-1].endswith("line 129")
        assert view.selected_index == 129 and view.following


async def test_scrolling_up_pauses_and_counts_new_lines(spool: LogSpool) -> None:
    fill(spool, 100)
    async with running(spool) as (_, view, pilot):
        view.scroll_to(y=10, animate=False)  # what the mouse wheel or scrollbar does
        await pilot.pause()
        assert not view.following
        shown = body(view)
        assert shown[0].endswith("line 10")
        fill(spool, 7)
        view.lines_appended(7)
        await pilot.pause()
        assert body(view) == shown
        assert "PAUSED +7 new lines" in status(view)
        await pilot.press("G")
        assert view.following and body(view)[-1].endswith("line 106")
        assert "new lines" not in status(view)


async def test_keys_move_the_cursor_and_pause(spool: LogSpool) -> None:
    fill(spool, 100)
    async with running(spool) as (_, view, pilot):
        await pilot.press("k", "up")
        assert view.selected_index == 97 and not view.following
        await pilot.press("j")
        assert view.selected_index == 98
        await pilot.press("g")
        assert view.selected_index == 0 and body(view)[0].endswith("line 0")
        await pilot.press("pagedown")
        assert view.selected_index == 22 and body(view)[0].endswith("line 22")
        await pilot.press("pageup")
        assert view.selected_index == 0
        await pilot.press("f")
        assert view.following and view.selected_index == 99
        await pilot.press("f")
        assert not view.following and view.selected_index == 99
        await click(pilot, LogView, offset=(5, 2))
        assert view.selected_index == view.scroll_offset.y + 2  # rows are lines: no filter


async def test_bindings_have_ids_and_can_be_remapped(spool: LogSpool) -> None:
    fill(spool, 30)
    async with running(spool) as (app, view, pilot):
        ids = [binding.id for binding in LogView.BINDINGS if isinstance(binding, Binding)]
        assert len(ids) == len(LogView.BINDINGS) and all(i and i.startswith("log.") for i in ids)
        app.set_keymap({"log.follow": "F"})
        await pilot.press("f")
        assert view.following
        await pilot.press("F")
        assert not view.following


async def test_level_filter_hides_lines(spool: LogSpool) -> None:
    fill(spool, 80)
    async with running(spool) as (_, view, pilot):
        assert any("TRC " in row for row in body(view))
        await pilot.press("l", "l", "l")  # all → debug+ → info+ → warn+
        assert view.level_filter == "warn"
        shown = body(view)
        assert shown and all(" WARN " in row or " ERR " in row for row in shown if row)
        assert "20/80 lines" in status(view) and "warn+" in status(view)
        await pilot.press("l", "l")  # error+ → all
        assert view.level_filter == "trace" and "80 lines" in status(view)


async def test_search_counts_and_moves_between_matches(spool: LogSpool) -> None:
    fill(spool, 60)
    spool.append([entry(60, "the Needle in [bold]hay[/]"), entry(61, "nothing")])
    spool.append([entry(62, "needle again"), entry(63, "NEEDLE loud")])
    async with running(spool) as (app, view, pilot):
        await pilot.press("g", "slash")
        assert isinstance(app.screen, SearchPrompt)
        await pilot.press(*"needle", "enter")
        await settle(pilot)
        assert view.search_query == "needle" and view.match_count == 3
        assert view.selected_index == 60
        assert "/needle 1/3" in status(view)
        await pilot.press("n")
        assert view.selected_index == 62 and "2/3" in status(view)
        await pilot.press("n", "n")
        assert view.selected_index == 60 and "search wrapped around" in status(view)
        await pilot.press("N")
        assert view.selected_index == 63 and "search wrapped around" in status(view)
        await pilot.press("N")
        assert view.selected_index == 62 and "wrapped" not in status(view)
        # New lines are searched as they arrive.
        spool.append([entry(64, "late needle")])
        view.lines_appended(1)
        await settle(pilot)
        assert view.match_count == 4
        await pilot.press("escape")
        assert view.search_query is None and app.escaped == 0
        await pilot.press("escape")  # nothing left to clear: escape goes to the app
        assert app.escaped == 1


async def test_search_regex_case_and_invalid_regex(spool: LogSpool) -> None:
    fill(spool, 30)
    async with running(spool) as (app, view, pilot):
        await pilot.press("slash", "ctrl+r", *"line 1[", "enter")
        assert isinstance(app.screen, SearchPrompt)
        assert "invalid regex" in str(app.screen.query_one("#search-error").render())
        await pilot.press(*"0-2]$", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, SearchPrompt)
        assert view.match_count == 3  # line 10, 11, 12
        view.search("LINE 2", case=True)
        await settle(pilot)
        assert view.match_count == 0 and "0" in status(view)
        view.search("([", regex=True)
        await pilot.pause()
        assert "invalid regex" in status(view)


async def test_matches_are_highlighted(spool: LogSpool) -> None:
    fill(spool, 10)
    async with running(spool) as (_, view, pilot):
        view.search("line 3")
        await settle(pilot)
        match_style = view.get_component_rich_style("log-view--match", partial=True)
        row = body(view).index(next(r for r in body(view) if r.endswith("line 3")))
        strip = view.render_line(row)
        highlighted = "".join(
            s.text for s in strip if s.style and match_style.bgcolor == s.style.bgcolor
        )
        assert highlighted == "line 3"


async def test_error_jumps(spool: LogSpool) -> None:
    fill(spool, 40)  # errors at 7, 15, 23, 31, 39
    async with running(spool) as (_, view, pilot):
        await pilot.press("g", "e")
        assert view.selected_index == 7
        await pilot.press("e", "e")
        assert view.selected_index == 23
        await pilot.press("E")
        assert view.selected_index == 15
        await pilot.press("G", "e")
        assert view.selected_index == 39 and "no errors below" in status(view)


async def test_wrap_toggle(spool: LogSpool) -> None:
    fill(spool, 30)
    spool.append([entry(30, "long " * 40 + "END"), entry(31, "first\nsecond\nthird")])
    async with running(spool) as (_, view, pilot):
        assert body(view)[-1].endswith("first↵second↵third")
        assert "END" not in body(view)[-2]
        await pilot.press("w")
        assert view.wrap and "wrap" in status(view)
        shown = body(view)
        assert shown[-3:] == [
            "12:00:31.000 ERR  first",
            "                  second",
            "                  third",
        ]
        assert shown[-4].endswith("END") and shown[-5].strip().startswith("long")
        await pilot.press("g")
        assert body(view)[0].endswith("line 0")
        await pilot.press("w")
        assert not view.wrap and len(body(view)) == 22


async def test_wrapped_rows_fit_wide_characters_and_tabs(spool: LogSpool) -> None:
    text = "key:\tvalue " + "日本語のログ " * 12
    spool.append([entry(0, text, "info")])
    async with running(spool) as (_, view, pilot):
        await pilot.press("w")
        width = view.scrollable_content_region.width
        shown = [row for row in body(view) if row]
        assert len(shown) > 1 and all(cell_len(row) <= width for row in shown)
        prefix = len("12:00:00.000 INFO ")
        assert shown[0][:prefix] == "12:00:00.000 INFO "
        assert all(row[:prefix].isspace() for row in shown[1:])
        wrapped = "".join(row[prefix:] for row in shown)
        assert wrapped.replace(" ", "") == text.replace("\t", "").replace(" ", "")
        assert "key:    value" in wrapped  # the tab reaches the next stop of four cells


async def test_wrap_reads_an_entry_taller_than_the_screen(spool: LogSpool) -> None:
    fill(spool, 3)
    spool.append([entry(3, "\n".join(f"part {k}" for k in range(30)))])
    fill(spool, 3)
    async with running(spool) as (_, view, pilot):
        await pilot.press("w", "g", "j", "j", "j")
        assert view.selected_index == 3
        assert body(view)[0].endswith("part 0")
        await pilot.press("j")  # inside the tall entry: scroll it by one row
        assert view.selected_index == 3 and body(view)[0].endswith("part 1")
        await pilot.press(*["j"] * 30)
        assert view.selected_index > 3
        await pilot.press("G")
        assert body(view)[-1].endswith("line 6")


async def test_timestamps_cycle(spool: LogSpool) -> None:
    fill(spool, 5)
    async with running(spool, task_started_at=T0 - timedelta(seconds=2)) as (_, view, pilot):
        assert body(view)[4] == "12:00:04.000 INFO line 4"
        await pilot.press("t")
        assert body(view)[4] == "   +6.000s INFO line 4"
        await pilot.press("t")
        assert body(view)[4] == "INFO line 4"
        await pilot.press("t")
        assert body(view)[4] == "12:00:04.000 INFO line 4"


def test_relative_time_format() -> None:
    assert relative_time(timedelta(seconds=12, milliseconds=345)) == "+12.345s"
    assert relative_time(timedelta(minutes=-3, seconds=-12, milliseconds=-500)) == "-3m12.5s"
    assert relative_time(timedelta(hours=2, minutes=3, seconds=4)) == "+2h03m04s"
    assert relative_time(timedelta(days=3, hours=1, minutes=2)) == "+3d01h02m"


async def save_prompt(pilot: Pilot[None]) -> SaveFileModal:
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SaveFileModal))
    await pilot.pause()
    return pilot.app.screen  # type: ignore[return-value]


def prompt_path(prompt: SaveFileModal) -> str:
    return prompt.query_one("#path-input", Input).value


def prompt_error(prompt: SaveFileModal) -> str:
    return str(prompt.query_one("#path-error").render())


async def test_save_asks_where_then_writes_the_whole_log(spool: LogSpool, tmp_path: Path) -> None:
    fill(spool, 50)
    spool.append([entry(50, "multi\nline")])
    notes: list[str] = []
    async with running(spool, task_id=7, save_dir=tmp_path) as (app, view, pilot):
        app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
        await pilot.press("l", "l", "l")  # filtered view, whole log saved
        prompt = await save_prompt(pilot)
        assert prompt_path(prompt) == str(tmp_path / "task-7-log.txt")  # shown before writing
        assert app.focused is prompt.query_one("#path-input")
        assert not (tmp_path / "task-7-log.txt").exists()
        await pilot.press("enter")
        await settle(pilot)
        prompt = await save_prompt(pilot)  # the default does not overwrite the first
        assert prompt_path(prompt) == str(tmp_path / "task-7-log-1.txt")
        await pilot.press("enter")
        await settle(pilot)
    first, second = tmp_path / "task-7-log.txt", tmp_path / "task-7-log-1.txt"
    lines = first.read_text().splitlines()
    assert len(lines) == 52
    assert lines[0] == "2026-11-27T12:00:00.000Z INFO  line 0"
    assert lines[-2:] == ["2026-11-27T12:00:50.000Z INFO  multi", "    line"]
    assert second.read_text() == first.read_text()
    assert {path.stat().st_mode & 0o777 for path in (first, second)} == {0o600}  # private
    assert notes == [f"Saved 51 lines to {first}", f"Saved 51 lines to {second}"]
    assert view.level_filter == "warn"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


async def test_save_escape_cancels_and_writes_nothing(spool: LogSpool, tmp_path: Path) -> None:
    fill(spool, 5)
    async with running(spool, task_id=7, save_dir=tmp_path) as (app, view, pilot):
        await save_prompt(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SaveFileModal))
        assert app.escaped == 0  # the prompt took the Esc
        await settle(pilot)
        assert "not saved" in status(view)
    assert not (tmp_path / "task-7-log.txt").exists()


async def test_save_asks_before_overwriting_and_names_bad_paths(
    spool: LogSpool, tmp_path: Path
) -> None:
    fill(spool, 5)
    existing = tmp_path / "mine.txt"
    existing.write_text("keep me?")
    existing.chmod(0o644)
    async with running(spool, task_id=7, save_dir=tmp_path) as (app, _, pilot):
        prompt = await save_prompt(pilot)
        field = prompt.query_one("#path-input", Input)
        for typed, problem in [
            ("", "Enter a file name."),
            (str(tmp_path), "is a directory: add a file name."),
            (str(tmp_path / "no" / "such" / "x.txt"), "is not an existing directory."),
            (str(existing), "mine.txt exists: Enter again to overwrite it."),
        ]:
            field.value = typed
            await pilot.press("enter")
            await pilot.pause()
            assert problem in prompt_error(prompt), typed
            assert isinstance(app.screen, SaveFileModal)
        assert existing.read_text() == "keep me?"
        await pilot.press("enter")  # the second Enter on the same path overwrites
        await wait_for(pilot, lambda: not isinstance(app.screen, SaveFileModal))
        await settle(pilot)
    assert existing.read_text().count("\n") == 5
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600


async def test_copy_puts_the_selected_line_on_the_clipboard(spool: LogSpool) -> None:
    fill(spool, 10)
    async with running(spool) as (app, view, pilot):
        await pilot.press("k", "c")
        assert app.copied == ["2026-11-27T12:00:08.000Z INFO  line 8"]
        assert "copied line 9" in status(view)


HOSTILE = [
    "[bold]x[/] [@click=app.quit]q[/] [/red] [link=http://x]L[/link]",
    "\x1b]2;PWNED\x07after-title \x1b[31mred\x1b[0m \x1bc \x9b31m",
    "wide 日本語 and 🎉 emoji",
    "",
    "x" * 100_000,
    "tab\tand\x00nul",
]


async def test_hostile_text_renders_literally(spool: LogSpool) -> None:
    spool.append([entry(i, text, "error") for i, text in enumerate(HOSTILE)])
    spool.append([LogEntry("weird level", "\x1b[31m[b]lvl", T0, 7, {})])
    async with running(spool) as (app, view, pilot):
        for keys in ([], ["w"], ["t"], ["g", "right", "right"]):
            await pilot.press(*keys)
            shown = "\n".join(rows(view))
            assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
        await pilot.press("w", "g")
        screen = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "[bold]x[/] [@click=app.quit]q[/] [/red] [link=http://x]L[/link]" in screen
        assert "after-title red" in screen and "PWNED" not in screen
        assert "日本語" in screen and "\x1b" not in screen
        assert "[B]L" in screen  # the unknown level's tag, cleaned and literal
        view.search("[/red]")
        await settle(pilot)
        assert view.match_count == 1
        assert app.is_running


async def test_filter_keeps_a_visible_selection_and_empty_search_clears(spool: LogSpool) -> None:
    fill(spool, 40)
    async with running(spool) as (_, view, pilot):
        await pilot.press("g", "j", "j")  # line 2, info
        view.level_filter = "warn"
        await pilot.pause()
        assert view.selected_index == 3 and spool.level_of(3) == "warn"
        view.search("line 3")
        await settle(pilot)
        assert view.search_query == "line 3"
        view.search("")
        assert view.search_query is None and view.match_count is None


async def test_a_closed_spool_does_not_crash_the_view(spool: LogSpool) -> None:
    fill(spool, 40)
    async with running(spool) as (app, view, pilot):
        spool.close()
        await pilot.press("g", "w", "s")
        await settle(pilot)
        assert app.is_running and not view.following


async def test_a_reopened_spool_shows_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "spool.jsonl"
    with LogSpool(path) as first:
        fill(first, 30)
    with LogSpool(path) as spool:
        app = Host(spool)
        async with app.run_test(size=(80, 24)) as pilot:
            view = app.query_one(LogView)
            await start(pilot)
            assert body(view)[-1].endswith("line 29")
            view.lines_appended(0)
            fill(spool, 1)
            view.lines_appended()
            await pilot.pause()
            assert body(view)[-1].endswith("line 30")


async def test_an_empty_log_and_a_tiny_terminal(spool: LogSpool) -> None:
    app = Host(spool)
    async with app.run_test(size=(30, 3)) as pilot:
        view = app.query_one(LogView)
        await start(pilot)
        await pilot.press("j", "k", "g", "G", "pagedown", "e", "n", "c", "w", "l", "t")
        assert view.selected_index is None
        fill(spool, 20)
        view.lines_appended(20)
        await pilot.pause()
        assert len(rows(view)) >= 1 and app.is_running


def _snapshot_app(spool: LogSpool) -> Host:
    messages = [
        ("info", "Starting training: resnet50, 10 epochs"),
        ("debug", "Loaded 1,204 images from project [bold]cats[/]"),
        ("info", "Epoch 1/10: loss=0.912 accuracy=0.61"),
        ("warn", "Learning rate scheduler: plateau detected"),
        ("info", "Epoch 2/10: loss=0.744 accuracy=0.70"),
        ("trace", "checkpoint written to /tmp/ckpt-2.pt"),
        ("info", "Epoch 3/10: loss=0.601 accuracy=0.77"),
        ("error", "CUDA out of memory. Tried to allocate 2.00 GiB"),
        ("info", "Retrying with batch size 16"),
        ("info", "Epoch 4/10: loss=0.553 accuracy=0.80"),
        ("fatal", "Task crashed: loss became NaN"),
    ]
    spool.append(
        [
            LogEntry(text, level, T0 + timedelta(seconds=7 * i, milliseconds=i), 7, {})
            for i, (level, text) in enumerate(messages)
        ]
    )
    return Host(spool, task_started_at=T0)


def test_snapshot_mixed_levels_with_search(snap_compare: Any, spool: LogSpool) -> None:
    async def search(pilot: Pilot[None]) -> None:
        pilot.app.query_one(LogView).search("loss")
        await settle(pilot)

    assert snap_compare(_snapshot_app(spool), terminal_size=(80, 24), run_before=search)
