"""A virtual view of a task's log: a million spooled lines cost what one screen costs.

`LogView` is a Line API `ScrollView` over a `LogSpool`. Nothing proportional to the log is
built per frame or per append: a frame renders the rows on screen, an append updates a
length and, when following, the scroll position.

* **Rows.** View row *r* shows spool line `rows[r]`, where `rows` is the spool's index of
  lines at or above the level filter (`LogSpool.at_least`), kept up to date by the spool on
  every append; changing the filter swaps one array for another.
* **Caches.** The spool keeps recently decoded lines; the view keeps an LRU of rendered
  rows keyed by (line, wrap width, selected), cleared when the look changes (theme,
  timestamps, search). The selected line is drawn on the cursor's background rather than
  restyled afterwards, so its level colour and search highlights still show.
* **Multi-line entries.** One log entry (a message with newlines, or a stack trace) is one
  row without wrap, its breaks shown as `↵`, and as many rows as it needs with wrap.
* **Wrap, virtually.** With wrap, rows have different heights, and measuring a million of
  them to size the scrollbar would read the whole log. So the vertical scroll position
  counts *entries*, not screen rows: `scroll_y` is the entry at the top, and the view lays
  entries out downwards from it, measuring (and caching) only what is on screen. The end
  stays reachable because the virtual height is the top entry of the bottom-anchored
  layout plus one screen, worked out from the last screenful of entries alone. An entry
  taller than the screen is read by moving down inside it, one screen row at a time.
* **Search** runs in a thread worker over the spool, a window of lines at a time, so
  typing never waits and a new search cancels the old one. Hits are kept as an index array,
  so `n`/`N` and the "3/120" position are bisections; lines appended later are searched as
  they arrive. The visible lines highlight matches themselves.
* **Status line.** The widget's last row is its own status line (follow state, new lines,
  filter, search position), so a screen composes one widget and gets all of it.

Every string from the log reaches the terminal as a Rich `Text` built from cleaned text
(`LogSpool` cleans it), never as markup, so `[bold]` shows as typed and no escape sequence
gets through.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.containers import Horizontal
from textual.geometry import Region, Size
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Label
from textual.worker import Worker, WorkerState, get_current_worker

from sly_tui.monitor.log_spool import LEVELS, LogLine, LogSpool, Query, level_code
from sly_tui.secrets import create_private
from sly_tui.text import one_line
from sly_tui.ui.widgets.path_picker import SaveFileModal
from sly_tui.ui.widgets.styling import text_style
from sly_tui.ui.workers import ReportsFailedWorkers

FILTER_CYCLE: tuple[str, ...] = ("trace", "debug", "info", "warn", "error")
"""The minimum levels `l` steps through; "trace" shows everything."""

_TAGS: dict[str, str] = {
    "trace": "TRC ",
    "debug": "DBG ",
    "info": "INFO",
    "warn": "WARN",
    "error": "ERR ",
    "fatal": "FATL",
}
_TAG_WIDTH = 4
_CUT = 4_000  # characters shown of one entry without wrap (copy and save keep all)
_WRAP_CUT = 20_000  # characters wrapped of one entry
_SCAN_WINDOW = 16_384  # lines a search worker scans between cancellation checks
_NEWLINE = "↵"


class Timestamps(StrEnum):
    """How the timestamp column looks; `t` cycles through them."""

    ABSOLUTE = "abs"
    RELATIVE = "rel"
    OFF = "off"


_TIME_WIDTH = {Timestamps.ABSOLUTE: 12, Timestamps.RELATIVE: 10, Timestamps.OFF: 0}


def absolute_time(moment: datetime, tz: tzinfo | None) -> str:
    """`HH:MM:SS.mmm` in `tz` (None: the local zone)."""
    local = moment.astimezone(tz)
    return f"{local:%H:%M:%S}.{local.microsecond // 1000:03d}"


def relative_time(delta: timedelta) -> str:
    """A signed, compact, at most 10-character duration: `+12.345s`, `-3m12.5s`, `+2h03m04s`."""
    sign = "-" if delta < timedelta(0) else "+"
    millis = abs(delta) // timedelta(milliseconds=1)
    seconds, ms = divmod(millis, 1000)
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    days, h = divmod(hours, 24)
    if days:
        return f"{sign}{days}d{h:02d}h{m:02d}m"
    if hours:
        return f"{sign}{hours}h{m:02d}m{s:02d}s"
    if minutes:
        return f"{sign}{minutes}m{s:02d}.{ms // 100}s"
    return f"{sign}{s}.{ms:03d}s"


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """What the search prompt asks for; an empty `text` clears the search."""

    text: str
    regex: bool = False
    case: bool = False


@dataclass(eq=False)
class _Search:
    """A search in progress: `hits` holds the matching lines below `scanned`, in order."""

    query: Query
    levels: tuple[str, ...]
    hits: array[int] = field(default_factory=lambda: array("I"))
    scanned: int = 0
    scanning: bool = False
    # A jump (direction, inclusive) that waits for the scan to reach further.
    pending: tuple[int, bool] | None = None


class SearchPrompt(ModalScreen[SearchRequest | None]):
    """A one-line search prompt at the bottom of the screen; the log stays visible."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="log.search.cancel"),
        Binding("ctrl+r", "toggle_flag('regex')", "Regex", id="log.search.regex"),
        Binding("ctrl+t", "toggle_flag('case')", "Match case", id="log.search.case"),
    ]
    DEFAULT_CSS = """
    SearchPrompt {
        align: left bottom;
        background: transparent;
    }
    SearchPrompt > Horizontal {
        height: 1;
        background: $panel;
    }
    SearchPrompt Label {
        width: auto;
        padding: 0 1;
        color: $text-muted;
    }
    SearchPrompt #search-error {
        color: $text-error;
    }
    SearchPrompt Input, SearchPrompt Input:focus {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0;
        background: $panel;
    }
    """

    def __init__(self, request: SearchRequest) -> None:
        super().__init__()
        self._request = request

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label("/")
            yield Input(self._request.text, placeholder="search the log", id="search-text")
            yield Label("", id="search-error")
            yield Label(self._flags(), id="search-flags")

    def _flags(self) -> str:
        regex = "on" if self._request.regex else "off"
        case = "on" if self._request.case else "off"
        return f"^r regex:{regex}  ^t case:{case}"

    def action_toggle_flag(self, flag: str) -> None:
        request = self._request
        if flag == "regex":
            self._request = replace(request, regex=not request.regex)
        else:
            self._request = replace(request, case=not request.case)
        self.query_one("#search-flags", Label).update(self._flags())

    @on(Input.Changed)
    def _edited(self) -> None:
        self.query_one("#search-error", Label).update("")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        request = replace(self._request, text=one_line(event.value))
        if request.regex:
            try:
                re.compile(request.text)
            except re.error as error:
                error_text = Text(f"invalid regex: {error}")  # Text: never read as markup
                self.query_one("#search-error", Label).update(error_text)
                return
        self.dismiss(request)


class LogView(ReportsFailedWorkers, ScrollView, can_focus=True):
    """A task's log over a `LogSpool`; see the module docstring for the design.

    The screen calls `lines_appended()` after the spool grew. All keys are bindings with
    ids (`log.*`), so `App.set_keymap` can remap them.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "toggle_follow", "Follow", id="log.follow"),
        Binding("end,G", "end", "End", show=False, id="log.end"),
        Binding("home,g", "home", "Top", show=False, id="log.home"),
        Binding("up,k", "move(-1)", "Up", show=False, id="log.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="log.down"),
        Binding("pageup,b", "page(-1)", "Page up", show=False, id="log.page_up"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="log.page_down"),
        Binding("left", "scroll_columns(-1)", "Left", show=False, id="log.left"),
        Binding("right", "scroll_columns(1)", "Right", show=False, id="log.right"),
        Binding("l", "cycle_level", "Level", id="log.level"),
        Binding("slash", "search", "Search", id="log.search"),
        Binding("n", "match(1)", "Next match", show=False, id="log.next_match"),
        Binding("N", "match(-1)", "Previous match", show=False, id="log.previous_match"),
        Binding("escape", "clear_search", "Clear search", show=False, id="log.clear_search"),
        Binding("e", "error(1)", "Next error", id="log.next_error"),
        Binding("E", "error(-1)", "Previous error", show=False, id="log.previous_error"),
        Binding("w", "toggle_wrap", "Wrap", id="log.wrap"),
        Binding("t", "cycle_timestamps", "Time", show=False, id="log.timestamps"),
        Binding("s", "save", "Save", show=False, id="log.save"),
        Binding("c", "copy", "Copy line", show=False, id="log.copy"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "log-view--timestamp",
        *(f"log-view--{level}" for level in LEVELS),
        "log-view--marker",
        "log-view--match",
        "log-view--cursor",
        "log-view--status",
        "log-view--following",
        "log-view--paused",
        "log-view--notice",
    }
    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $foreground;
    }
    LogView > .log-view--timestamp { color: $text-muted; }
    LogView > .log-view--trace { color: $text-disabled; }
    LogView > .log-view--debug { color: $text-muted; }
    LogView > .log-view--info { color: $success; }
    LogView > .log-view--warn { color: $warning; text-style: bold; }
    LogView > .log-view--error { color: $error; text-style: bold; }
    LogView > .log-view--fatal { color: $error; text-style: bold reverse; }
    LogView > .log-view--marker { color: $text-muted; }
    LogView > .log-view--match { background: $warning-muted; }
    LogView > .log-view--cursor { background: $block-cursor-blurred-background; }
    LogView:focus > .log-view--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    LogView > .log-view--status { background: $panel; color: $foreground; }
    LogView > .log-view--following { color: $success; text-style: bold; }
    LogView > .log-view--paused { color: $warning; text-style: bold; }
    LogView > .log-view--notice { color: $text-accent; }
    """

    def __init__(
        self,
        spool: LogSpool,
        *,
        task_started_at: datetime | None = None,
        task_id: int | None = None,
        save_dir: Path | None = None,
        tz: tzinfo | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`task_started_at` is the origin of relative timestamps (default: the first
        line's); `task_id` names the saved file, written to `save_dir` (default: the
        working directory); `tz` is the zone of absolute timestamps (default: local)."""
        super().__init__(name=name, id=id, classes=classes)
        self.spool = spool
        self._started = task_started_at
        self._task_id = task_id
        self._save_dir = save_dir
        self._tz = tz
        self._known = 0
        self._level = 0
        self._rows: Sequence[int] = range(0)
        self._row_count = 0
        self._selected: int | None = None
        self._following = True
        self._new_rows = 0
        self._wrap = False
        self._timestamps = Timestamps.ABSOLUTE
        self._search: _Search | None = None
        self._notice = ""
        self._absent = ""  # why there is no log at all, shown for good
        self._widest = 0
        # Wrap mode: where the bottom-anchored layout starts, and a (top, skip) position
        # set by the view itself, for scrolling inside an entry taller than the screen.
        self._bottom = (0, 0)
        self._pin: tuple[int, int] | None = None
        self._rendered: LRUCache[tuple[int, int, bool], tuple[Strip, ...]] = LRUCache(1024)

    # --- public API -------------------------------------------------------------------

    @property
    def following(self) -> bool:
        """True while the view sticks to the end of the log."""
        return self._following

    @property
    def selected_index(self) -> int | None:
        """The spool index of the highlighted line (None while the view is empty)."""
        return self._selected

    @property
    def level_filter(self) -> str:
        """The minimum level shown ("trace" shows every line)."""
        return LEVELS[self._level]

    @level_filter.setter
    def level_filter(self, level: str) -> None:
        self._level = level_code(level)
        self._take_rows()
        if self._selected is not None and self._row_count:
            # The selected line may be filtered out: select the nearest one still shown.
            self._selected = self._rows[self._cursor_row()]
        if self._following:
            self._scroll_to_end()
        elif self._row_count:
            self._ensure_visible(self._cursor_row())
        if self._search is not None:
            self._start_search(self._search.query)
        self.refresh()

    @property
    def search_query(self) -> str | None:
        """The text being searched for, if any."""
        return None if self._search is None else self._search.query.text

    @property
    def match_count(self) -> int | None:
        """Matches found so far (None without a search)."""
        return None if self._search is None else len(self._search.hits)

    @property
    def searching(self) -> bool:
        """True while a search worker is still scanning."""
        return self._search is not None and self._search.scanning

    @property
    def wrap(self) -> bool:
        return self._wrap

    @property
    def timestamps(self) -> Timestamps:
        return self._timestamps

    def lines_appended(self, count: int | None = None) -> None:
        """Take in lines the monitor appended to the spool.

        The spool's length is authoritative, so a missed or miscounted call cannot desync
        the view; `count` only lets a caller skip the work when it knows nothing came.
        """
        if count == 0 or len(self.spool) == self._known:
            return
        before = self._row_count
        self._take_rows()
        if self._following:
            self._scroll_to_end()
        else:
            self._new_rows += self._row_count - before
        search = self._search
        if search is not None and not search.scanning:
            self._scan(search)
        self.refresh()

    def search(self, text: str, *, regex: bool = False, case: bool = False) -> None:
        """Search for `text` (plain, case-insensitive by default) and select a match: the
        newest while following, else the first at or after the selected line. An empty
        text clears the search; an invalid regex is reported in the status line."""
        text = one_line(text)
        if not text:
            self._clear_search()
            return
        try:
            query = Query(text, regex=regex, case=case)
        except re.error as error:
            self._say(f"invalid regex: {error}")
            return
        self._start_search(query)
        # While following, the newest match is the interesting one; otherwise the next.
        self._search_jump(-1 if self._following else 1, inclusive=True)

    # --- rows and the cursor ----------------------------------------------------------

    def _take_rows(self) -> None:
        self._known = len(self.spool)
        self._rows = self.spool.at_least(LEVELS[self._level])
        # Bounded by the length taken first, in case an append (another thread's) lands
        # between the two reads.
        self._row_count = bisect_left(self._rows, self._known)
        self._update_virtual_size()

    def _cursor_row(self) -> int:
        """The row of the selected line, or of the nearest one the filter keeps."""
        if self._selected is None:
            return max(0, self._row_count - 1)
        return min(bisect_left(self._rows, self._selected, 0, self._row_count), self._row_count - 1)

    def _select_row(self, row: int) -> None:
        if not self._row_count:
            return
        row = max(0, min(row, self._row_count - 1))
        index = self._rows[row]
        if index != self._selected:
            self._selected = index
            self.refresh()

    def _pause(self) -> None:
        if self._following:
            self._following = False
            self._new_rows = 0
            self.refresh()

    def _follow(self) -> None:
        self._following = True
        self._new_rows = 0
        self._scroll_to_end()
        self.refresh()

    def log_absent(self, sentence: str) -> None:
        """Say for good, in the status line, why no line will ever come."""
        self._absent = one_line(sentence)
        self.refresh()

    def _say(self, notice: str) -> None:
        """Show a short notice in the status line until the next key."""
        self._notice = one_line(notice)
        self.refresh()

    # --- geometry -----------------------------------------------------------------------

    @property
    def _height(self) -> int:
        return self.scrollable_content_region.height

    @property
    def _body_height(self) -> int:
        """Screen rows for log lines: all but the status line."""
        return max(1, self._height - 1)

    @property
    def _text_width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _prefix_width(self) -> int:
        time_width = _TIME_WIDTH[self._timestamps]
        return (time_width + 1 if time_width else 0) + _TAG_WIDTH + 1

    def _update_virtual_size(self) -> None:
        if self._wrap:
            self._bottom = self._anchor_bottom(self._row_count - 1)
            self.virtual_size = Size(0, self._bottom[0] + self._height)
        else:
            width = self._prefix_width() + self._widest
            self.virtual_size = Size(width, self._row_count + 1)

    def on_mount(self) -> None:
        self._take_rows()
        self._scroll_to_end()

    def on_resize(self, event: events.Resize) -> None:
        self._fit()

    def watch_show_horizontal_scrollbar(self) -> None:
        # A scrollbar takes a row (or columns) without a resize event: refit after it lands.
        self.call_after_refresh(self._fit)

    def watch_show_vertical_scrollbar(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Keep the end (when following) or the cursor in view after the geometry changed."""
        self._update_virtual_size()
        if self._following:
            self._scroll_to_end()
        elif self._row_count:
            self._ensure_visible(self._cursor_row())

    def _top(self) -> int:
        return round(self.scroll_y)

    def _skip(self) -> int:
        """Screen rows of the top entry scrolled off the top (wrap mode)."""
        top = self._top()
        if self._pin is not None and self._pin[0] == top:
            return self._pin[1]
        return self._bottom[1] if top >= self._bottom[0] else 0

    def _at_end(self) -> bool:
        if self._top() < round(self.max_scroll_y):
            return False
        return not self._wrap or self._skip() >= self._bottom[1]

    def _set_position(self, top: int, skip: int = 0) -> None:
        self._pin = (top, skip) if self._wrap else None
        self.scroll_to(y=top, animate=False)
        self.refresh()

    def _scroll_to_end(self) -> None:
        if self._row_count:
            self._selected = self._rows[self._row_count - 1]
        if self._wrap:
            self._set_position(*self._bottom)
        else:
            self._set_position(self.max_scroll_y)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._following and new_value < old_value and not self._at_end():
            self._pause()

    # --- layout ---------------------------------------------------------------------------

    def _entry_rows(self, row: int, selected: bool = False) -> tuple[Strip, ...]:
        """The rendered screen rows of view row `row` (one unless wrapping)."""
        index = self._rows[row]
        width = self._text_width if self._wrap else 0
        key = (index, width, selected)
        rendered = self._rendered.get(key)
        if rendered is None:
            try:
                line = self.spool.line(index)
            except ValueError:  # the app closed the spool while shutting down
                return (Strip.blank(max(width, 1), self.rich_style),)
            rendered = self._render_entry(line, width, self._base(selected))
            self._rendered[key] = rendered
        return rendered

    def _anchor_bottom(self, row: int) -> tuple[int, int]:
        """(top, skip) that puts the last screen row of `row` on the last body row."""
        room = self._body_height
        while row >= 0:
            height = len(self._entry_rows(row))
            if height >= room:
                return row, height - room
            room -= height
            row -= 1
        return 0, 0

    def _layout(self) -> list[tuple[int, int]]:
        """(row, screen row within it) for each body row that shows something."""
        body = self._body_height
        top = self._top()
        if not self._wrap:
            return [(row, 0) for row in range(top, min(top + body, self._row_count))]
        placed: list[tuple[int, int]] = []
        row, part = top, self._skip()
        while len(placed) < body and row < self._row_count:
            height = len(self._entry_rows(row))
            placed.extend((row, k) for k in range(part, min(height, part + body - len(placed))))
            row, part = row + 1, 0
        return placed

    def _visible_rows(self) -> tuple[int, int]:
        layout = self._layout()
        return (layout[0][0], layout[-1][0]) if layout else (0, -1)

    def _fully_visible(self, row: int) -> bool:
        layout = self._layout()
        if not layout:
            return False
        first = layout[0]
        last = layout[-1]
        starts = row > first[0] or (row == first[0] and first[1] == 0)
        ends = row < last[0] or (row == last[0] and last[1] == len(self._entry_rows(row)) - 1)
        return starts and ends

    def _ensure_visible(self, row: int) -> None:
        """Scroll the least so that `row` is on screen (its start, if it cannot all fit)."""
        if self._fully_visible(row):
            return
        top = self._top()
        if not self._wrap:
            self._set_position(row if row < top else row - self._body_height + 1)
        elif row <= top or len(self._entry_rows(row)) >= self._body_height:
            self._set_position(row, 0)
        else:
            self._set_position(*self._anchor_bottom(row))

    def _scroll_screen_rows(self, delta: int) -> None:
        """Move the wrapped layout by `delta` screen rows, within the log's bounds."""
        top, skip = self._top(), self._skip() + delta
        while skip < 0 and top > 0:
            top -= 1
            skip += len(self._entry_rows(top))
        while top < self._row_count and skip >= len(self._entry_rows(top)):
            skip -= len(self._entry_rows(top))
            top += 1
        position = max((0, 0), min((top, skip), self._bottom))
        self._set_position(*position)

    # --- rendering ------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rendered.clear()

    def _style(self, name: str) -> Style:
        return text_style(self, f"log-view--{name}")

    def _base(self, selected: bool) -> Style:
        """The style under a line's text: the cursor's for the selected line, so that
        match highlights and level colours still show on it."""
        return self.rich_style + self._style("cursor") if selected else self.rich_style

    def _prefix(self, line: LogLine, base: Style) -> Text:
        prefix = Text(style=base)
        if self._timestamps is not Timestamps.OFF:
            width = _TIME_WIDTH[self._timestamps]
            stamp = self._time_text(line.timestamp)
            prefix.append(stamp.rjust(width)[:width] + " ", self._style("timestamp"))
        tag = _TAGS.get(line.level) or line.level.upper()[:_TAG_WIDTH].ljust(_TAG_WIDTH)
        prefix.append(tag, self._style(LEVELS[level_code(line.level)]))
        prefix.append(" ")
        return prefix

    def _time_text(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        if self._timestamps is Timestamps.ABSOLUTE:
            return absolute_time(moment, self._tz)
        origin = self._origin()
        return "" if origin is None else relative_time(moment - origin)

    def _origin(self) -> datetime | None:
        if self._started is None and self._known:
            self._started = self.spool.line(0).timestamp
        return self._started

    def _body(self, line: LogLine, base: Style, limit: int, hint: str) -> Text:
        text = line.text
        body = Text(text[:limit], style=base)
        if self._search is not None:
            body.highlight_regex(self._search.query.pattern, self._style("match"))
        if len(text) > limit:
            body.append(f" … {len(text) - limit:,} more characters ({hint})", self._style("marker"))
        body.expand_tabs(4)
        return body

    def _render_entry(self, line: LogLine, width: int, base: Style) -> tuple[Strip, ...]:
        """One strip (no wrap: `width` 0, uncut) or the wrapped rows of an entry."""
        console = self.app.console
        prefix = self._prefix(line, base)
        if not width:
            body = self._body(line, base, _CUT, "w wraps, c copies")
            breaks = Text(_NEWLINE, style=self._style("marker"))
            text = prefix + breaks.join(body.split("\n", allow_blank=True))
            cells = text.cell_len
            if cells - prefix.cell_len > self._widest:
                self._widest = cells - prefix.cell_len
                self.call_later(self._update_virtual_size)
            return (Strip(text.render(console), cells),)
        indent = prefix.cell_len
        room = max(width - indent, 8)
        body = self._body(line, base, _WRAP_CUT, "s saves the whole log, c copies this line")
        rows = body.wrap(console, room, overflow="fold") or [Text("")]
        pad = Text(" " * indent, style=base)
        return tuple(
            Strip(((prefix if k == 0 else pad) + part).render(console)).crop_extend(0, width, base)
            for k, part in enumerate(rows)
        )

    def render_line(self, y: int) -> Strip:
        width = self._text_width
        if y == self._height - 1 and self._height > 1:
            return self._status_strip(width)
        layout = self._layout()
        if y >= len(layout):
            return Strip.blank(width, self.rich_style)
        row, part = layout[y]
        selected = self._rows[row] == self._selected
        strip = self._entry_rows(row, selected)[part]
        if not self._wrap:
            scroll_x = round(self.scroll_x)
            strip = strip.crop_extend(scroll_x, scroll_x + width, self._base(selected))
        return strip

    def _status_strip(self, width: int) -> Strip:
        status = Text(style=self.get_component_rich_style("log-view--status"))
        if self._following:
            status.append(" FOLLOW ", self._style("following"))
        else:
            status.append(" PAUSED ", self._style("paused"))
            if self._new_rows:
                status.append(f"+{self._new_rows:,} new lines ", self._style("paused"))
        # Most telling first: an 80-column status line cuts off the end.
        search = self._search
        if search is not None:
            status.append(f" /{search.query.text[:24]} {self._match_position(search)} ")
        if self._notice or self._absent:
            status.append(f" {self._notice or self._absent} ", self._style("notice"))
        shown = f"{self._row_count:,}" + (f"/{self._known:,}" if self._level else "")
        status.append(f" {shown} lines")
        if self._level:
            status.append(f"  {LEVELS[self._level]}+")
        if self._wrap:
            status.append("  wrap")
        if self._timestamps is not Timestamps.ABSOLUTE:
            status.append(f"  time:{self._timestamps}")
        strip = Strip(status.render(self.app.console), status.cell_len)
        return strip.crop_extend(0, width, self.get_component_rich_style("log-view--status"))

    def _match_position(self, search: _Search) -> str:
        total = f"{len(search.hits):,}" + ("…" if search.scanning else "")
        if self._selected is None:
            return f"?/{total}"
        at = bisect_left(search.hits, self._selected)
        found = at < len(search.hits) and search.hits[at] == self._selected
        return f"{at + 1 if found else '?'}/{total}"

    # --- search -------------------------------------------------------------------------

    def _start_search(self, query: Query) -> None:
        search = self._search = _Search(query, LEVELS[self._level :], scanning=True)
        self._rendered.clear()
        self.refresh()
        # Paint the highlights first: a scan started now would compete with that paint.
        self.call_after_refresh(self._scan, search)

    def _scan(self, search: _Search) -> None:
        if search is self._search:
            search.scanning = True
            self._scan_worker(search)

    @work(thread=True, exclusive=True, group="log-search", exit_on_error=False)
    def _scan_worker(self, search: _Search) -> None:
        """Scan the spool from where `search` stopped, a window at a time, posting hits."""
        worker = get_current_worker()
        query = search.query
        position = search.scanned
        while position < (end := self._known) and not worker.is_cancelled:
            stop = min(position + _SCAN_WINDOW, end)
            hits = array(
                "I",
                self.spool.matches(
                    query.text,
                    position,
                    stop,
                    regex=query.regex,
                    case=query.case,
                    levels=search.levels,
                ),
            )
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._add_hits, search, stop, hits)
            position = stop
        if not worker.is_cancelled:
            self.app.call_from_thread(self._scan_finished, search)

    def _add_hits(self, search: _Search, scanned: int, hits: array[int]) -> None:
        if search is not self._search:
            return
        search.hits.extend(hits)
        search.scanned = scanned
        self._resume_jump(search)

    def _scan_finished(self, search: _Search) -> None:
        if search is not self._search:
            return
        if search.scanned < self._known:
            self._scan(search)
            return
        search.scanning = False
        self._resume_jump(search)

    def _resume_jump(self, search: _Search) -> None:
        if search.pending is not None:
            direction, inclusive = search.pending
            self._search_jump(direction, inclusive=inclusive)
        else:
            # Only the count changed: repaint the status line, not the whole view.
            self.refresh(Region(0, self._height - 1, self.size.width, 1))

    def show_worker_failure(self, worker: Worker[Any], sentence: str) -> None:
        if worker.group == "log-save":
            self._say("not saved")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "log-search" and event.state is WorkerState.ERROR:
            if self._search is not None:
                self._search.scanning = False
            self._say(f"search failed: {event.worker.error}")

    def _search_jump(self, direction: int, *, inclusive: bool = False) -> None:
        """Select the next (+1) or previous (-1) match, wrapping around the log's ends;
        if the scan has not got that far yet, remember the jump and make it when it has."""
        search = self._search
        if search is None:
            return
        search.pending = None
        hits = search.hits
        here = -1 if self._selected is None else self._selected
        if direction > 0:
            at = bisect_left(hits, here) if inclusive else bisect_right(hits, here)
            known = at < len(hits) or not search.scanning
            target = hits[at] if at < len(hits) else hits[0] if hits else None
        else:
            at = (bisect_right(hits, here) if inclusive else bisect_left(hits, here)) - 1
            # Going up, the nearest hit is only known once the scan has passed `here`, and
            # wrapping to the last hit needs the whole log scanned.
            known = (search.scanned > here and at >= 0) or not search.scanning
            target = hits[at] if at >= 0 else hits[-1] if hits else None
        if not known:
            search.pending = (direction, inclusive)
            self._say("searching…")
        elif target is None:
            self._say("no matches")
        else:
            self._jump_to(target)
            wrapped = (target < here) if direction > 0 else (target > here)
            if wrapped:
                self._say("search wrapped around")

    def _jump_to(self, index: int) -> None:
        """Select spool line `index` (it must be visible under the filter) and show it."""
        self._pause()
        self._notice = ""
        self._selected = index
        self._ensure_visible(self._cursor_row())
        self.refresh()

    # --- actions --------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if self._notice:
            self._notice = ""
            self.refresh()

    def action_toggle_follow(self) -> None:
        if self._following:
            self._pause()
        else:
            self._follow()

    def action_end(self) -> None:
        self._follow()

    def action_home(self) -> None:
        self._pause()
        self._select_row(0)
        self._set_position(0, 0)

    def action_move(self, delta: int) -> None:
        if not self._row_count:
            return
        row = self._cursor_row()
        if self._wrap and self._move_inside(row, delta):
            return
        target = max(0, min(row + delta, self._row_count - 1))
        if target < self._row_count - 1 or delta < 0:
            self._pause()
        self._select_row(target)
        self._ensure_visible(target)

    def _move_inside(self, row: int, delta: int) -> bool:
        """Scroll inside an entry taller than the screen instead of leaving it."""
        layout = self._layout()
        if not layout or len(self._entry_rows(row)) <= self._body_height:
            return False
        first, last = layout[0], layout[-1]
        if delta > 0 and last[0] == row and last[1] < len(self._entry_rows(row)) - 1:
            self._pause()
            self._scroll_screen_rows(1)
            return True
        if delta < 0 and first[0] == row and first[1] > 0:
            self._pause()
            self._scroll_screen_rows(-1)
            return True
        return False

    def action_page(self, direction: int) -> None:
        if not self._row_count:
            return
        self._pause()
        page = max(1, self._body_height - 1)
        if self._wrap:
            self._scroll_screen_rows(direction * page)
        else:
            self._set_position(
                max(0, min(self._top() + direction * page, round(self.max_scroll_y)))
            )
        first, last = self._visible_rows()
        self._select_row(max(first, min(self._cursor_row() + direction * page, last)))

    def action_scroll_columns(self, direction: int) -> None:
        """Scroll sideways by a quarter of the width: long lines are long."""
        step = max(1, self._text_width // 4)
        self.scroll_to(x=self.scroll_x + direction * step, animate=False)

    def action_cycle_level(self) -> None:
        current = LEVELS[self._level]
        at = FILTER_CYCLE.index(current) if current in FILTER_CYCLE else -1
        self.level_filter = FILTER_CYCLE[(at + 1) % len(FILTER_CYCLE)]

    def action_search(self) -> None:
        search = self._search
        current = (
            SearchRequest("")
            if search is None
            else SearchRequest(search.query.text, search.query.regex, search.query.case)
        )

        def run(request: SearchRequest | None) -> None:
            if request is not None:
                self.search(request.text, regex=request.regex, case=request.case)

        self.app.push_screen(SearchPrompt(current), run)

    def action_match(self, direction: int) -> None:
        if self._search is None:
            self._say("no search: press / to search")
            return
        self._search_jump(direction)

    def action_clear_search(self) -> None:
        if not self._clear_search():
            raise SkipAction()  # nothing to clear: let the screen have escape (e.g. "back")

    def _clear_search(self) -> bool:
        if self._search is None:
            return False
        self._search = None
        self._rendered.clear()
        self.workers.cancel_group(self, "log-search")
        self.refresh()
        return True

    def action_error(self, direction: int) -> None:
        errors = self.spool.at_least(LEVELS[max(self._level, level_code("error"))])
        count = bisect_left(errors, self._known)
        here = -1 if self._selected is None else self._selected
        if direction > 0:
            at = bisect_right(errors, here, 0, count)
            target = errors[at] if at < count else None
        else:
            at = bisect_left(errors, here, 0, count) - 1
            target = errors[at] if at >= 0 else None
        if target is None:
            self._say("no errors below" if direction > 0 else "no errors above")
        else:
            self._jump_to(target)

    def action_toggle_wrap(self) -> None:
        self._wrap = not self._wrap
        self._pin = None
        self.scroll_to(x=0, animate=False)
        self._update_virtual_size()
        if self._following:
            self._scroll_to_end()
        elif self._row_count:
            # Put the selected line at the top: where it was would mean nothing now.
            row = self._cursor_row()
            self._set_position(min(row, self._bottom[0]) if self._wrap else row)
        self.refresh()

    def action_cycle_timestamps(self) -> None:
        modes = list(Timestamps)
        self._timestamps = modes[(modes.index(self._timestamps) + 1) % len(modes)]
        self._rendered.clear()
        self._update_virtual_size()
        self.refresh()

    def action_copy(self) -> None:
        if self._selected is None:
            return
        self.app.copy_to_clipboard(self.spool.line(self._selected).plain())
        self._say(f"copied line {self._selected + 1:,}")

    def action_save(self) -> None:
        """Ask where (the default path shown and editable), then write the whole log."""
        count = self._known

        def chosen(path: Path | None) -> None:
            if path is None:
                self._say("not saved")
                return
            self._save(path, count)
            self._say(f"saving to {path.name}…")

        prompt = SaveFileModal(f"Save the whole log ({count:,} lines) to", self._save_path())
        self.app.push_screen(prompt, chosen)

    def _save_path(self) -> Path:
        """The default: a file name under the save directory that does not exist yet."""
        folder = self._save_dir or Path.cwd()
        stem = "log" if self._task_id is None else f"task-{self._task_id}-log"
        path = folder / f"{stem}.txt"
        number = 1
        while path.exists():
            path = folder / f"{stem}-{number}.txt"
            number += 1
        return path

    @work(thread=True, group="log-save", exit_on_error=False)
    def _save(self, path: Path, count: int) -> None:
        """Write the whole log (not just the filtered lines) as plain text, readable by
        the owner only (logs can hold secrets); the prompt has confirmed an overwrite."""
        try:
            with create_private(path, errors="replace", overwrite=True) as file:
                for line in self.spool.iter_lines(0, count):
                    file.write(line.plain() + "\n")
        except (OSError, ValueError) as error:
            self.app.call_from_thread(self._saved, f"Could not save the log: {error}", "")
            return
        self.app.call_from_thread(self._saved, f"Saved {count:,} lines to {path}", path.name)

    def _saved(self, message: str, name: str) -> None:
        """The save is over: a toast with the whole path, and the notice says so too."""
        severity: SeverityLevel = "information" if name else "error"
        self.notify(message, title="Log saved" if name else "", severity=severity, markup=False)
        self._say(f"saved to {name}" if name else "not saved")

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        layout = self._layout()
        if offset.y < len(layout):
            self._pause()
            self._select_row(layout[offset.y][0])
