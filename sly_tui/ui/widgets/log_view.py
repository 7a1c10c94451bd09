"""A virtual view of a task's log: a million spooled lines cost what one screen costs.

`LogView` is a Line API `ScrollView` over a `LogSpool`. Nothing proportional to the log is
built per frame or per append: a frame renders the rows on screen, an append updates a
length and, when following, the scroll position. Its parts, as toolong splits its own:
`log_layout` (wrapping and the frame, no Textual), `log_search` (the search, no Textual),
`log_prompt` (the search prompt), and this widget, which ties them to keys and paint.

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
  entries out downwards from it, measuring (and caching) only what is on screen, once
  per frame (`LogLayout`), however many rows the frame paints. The end
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
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import set_cell_size
from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.notifications import SeverityLevel
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, WorkerState, get_current_worker

from sly_tui.monitor.log_spool import LEVELS, LogLine, LogSpool, Query, level_code
from sly_tui.secrets import create_private
from sly_tui.text import one_line
from sly_tui.ui.widgets.log_layout import LogLayout, Place, expand_tabs
from sly_tui.ui.widgets.log_prompt import SearchPrompt
from sly_tui.ui.widgets.log_search import LogSearch, SearchRequest
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
        self._search: LogSearch | None = None
        self._notice = ""
        self._absent = ""  # why there is no log at all, shown for good
        self._widest = 0
        # Wrap mode: where the bottom-anchored layout starts, and a (top, skip) position
        # set by the view itself, for scrolling inside an entry taller than the screen.
        self._bottom = (0, 0)
        self._pin: Place | None = None
        self._layout = LogLayout(self._entry_text)
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
        self._layout.invalidate()  # the rows now stand for other lines
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
            self._bottom = self._lines().anchor_bottom(self._row_count - 1, self._body_height)
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

    def _entry_rows(self, row: int, selected: bool, text_width: int) -> tuple[Strip, ...]:
        """The rendered screen rows of view row `row` (one unless wrapping)."""
        index = self._rows[row]
        width = text_width if self._wrap else 0
        key = (index, width, selected)
        rendered = self._rendered.get(key)
        if rendered is None:
            try:
                line = self.spool.line(index)
            except ValueError:  # the app closed the spool while shutting down
                return (Strip.blank(max(width, 1), self.rich_style),)
            rendered = self._render_entry(row, line, width, self._base(selected))
            self._rendered[key] = rendered
        return rendered

    def _lines(self, text_width: int | None = None) -> LogLayout:
        """The layout model, told the current geometry (nothing happens unless it changed)."""
        self._layout.configure(
            rows=self._row_count,
            wrap=self._wrap,
            width=self._text_width if text_width is None else text_width,
            indent=self._prefix_width(),
        )
        return self._layout

    def _frame(self, region: Region | None = None) -> tuple[Place, ...]:
        """(row, screen row within it) for each body row that shows something; `region`
        is the scrollable region when the caller has it (it takes time to work out)."""
        region = region or self.scrollable_content_region
        lines = self._lines(max(1, region.width))
        return lines.frame(self._top(), self._skip(), max(1, region.height - 1))

    def _visible_rows(self) -> tuple[int, int]:
        frame = self._frame()
        return (frame[0][0], frame[-1][0]) if frame else (0, -1)

    def _ensure_visible(self, row: int) -> None:
        """Scroll the least so that `row` is on screen (its start, if it cannot all fit)."""
        lines = self._lines()
        if lines.shows_whole(row, self._frame()):
            return
        top = self._top()
        if not self._wrap:
            self._set_position(row if row < top else row - self._body_height + 1)
        elif row <= top or lines.height(row) >= self._body_height:
            self._set_position(row, 0)
        else:
            self._set_position(*lines.anchor_bottom(row, self._body_height))

    def _scroll_screen_rows(self, delta: int) -> None:
        """Move the wrapped layout by `delta` screen rows, within the log's bounds."""
        position = self._lines().scroll(self._top(), self._skip(), delta)
        self._set_position(*max((0, 0), min(position, self._bottom)))

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
        tag = _TAGS.get(line.level) or set_cell_size(line.level.upper(), _TAG_WIDTH)
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

    def _shown(self, line: LogLine) -> tuple[str, str]:
        """The text of `line` shown after its prefix, tabs expanded, and the marker that
        says how much of a long entry is left out ("" when none is)."""
        limit, hint = (
            (_WRAP_CUT, "s saves the whole log, c copies this line")
            if self._wrap
            else (_CUT, "w wraps, c copies")
        )
        text = line.text
        marker = f" … {len(text) - limit:,} more characters ({hint})" if len(text) > limit else ""
        return expand_tabs(text[:limit]), marker

    def _entry_text(self, row: int) -> str:
        """What the layout wraps: the shown text of view row `row`."""
        try:
            line = self.spool.line(self._rows[row])
        except ValueError:  # the app closed the spool while shutting down
            return ""
        return "".join(self._shown(line))

    def _body(self, line: LogLine, base: Style) -> Text:
        text, marker = self._shown(line)
        body = Text(text, style=base)
        if self._search is not None:
            body.highlight_regex(self._search.query.pattern, self._style("match"))
        if marker:
            body.append(marker, self._style("marker"))
        return body

    def _render_entry(self, row: int, line: LogLine, width: int, base: Style) -> tuple[Strip, ...]:
        """One strip (no wrap: `width` 0, uncut) or the wrapped rows of view row `row`."""
        console = self.app.console
        prefix = self._prefix(line, base)
        body = self._body(line, base)
        if not width:
            breaks = Text(_NEWLINE, style=self._style("marker"))
            text = prefix + breaks.join(body.split("\n", allow_blank=True))
            cells = text.cell_len
            if cells - prefix.cell_len > self._widest:
                self._widest = cells - prefix.cell_len
                self.call_later(self._update_virtual_size)
            return (Strip(text.render(console), cells),)
        # Cut the body at the layout's spans: the pieces between them are newlines.
        cuts = [cut for span in self._lines().spans(row) for cut in span]
        rows = body.divide(cuts)[1::2]
        pad = Text(" " * prefix.cell_len, style=base)
        return tuple(
            Strip(((prefix if k == 0 else pad) + part).render(console)).crop_extend(0, width, base)
            for k, part in enumerate(rows)
        )

    def render_line(self, y: int) -> Strip:
        region = self.scrollable_content_region  # once: a frame asks for every row
        width = max(1, region.width)
        if y == region.height - 1 and region.height > 1:
            return self._status_strip(width)
        frame = self._frame(region)
        if y >= len(frame):
            return Strip.blank(width, self.rich_style)
        row, part = frame[y]
        selected = self._rows[row] == self._selected
        strip = self._entry_rows(row, selected, width)[part]
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
            status.append(f" /{search.query.text[:24]} {search.position(self._selected)} ")
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

    # --- search -------------------------------------------------------------------------

    def _start_search(self, query: Query) -> None:
        search = self._search = LogSearch(query, LEVELS[self._level :], scanning=True)
        self._rendered.clear()
        self.refresh()
        # Paint the highlights first: a scan started now would compete with that paint.
        self.call_after_refresh(self._scan, search)

    def _scan(self, search: LogSearch) -> None:
        if search is self._search:
            search.scanning = True
            self._scan_worker(search)

    @work(thread=True, exclusive=True, group="log-search", exit_on_error=False)
    def _scan_worker(self, search: LogSearch) -> None:
        """Scan the spool from where `search` stopped, a window at a time, posting hits."""
        worker = get_current_worker()
        position = search.scanned
        while position < (end := self._known) and not worker.is_cancelled:
            stop = min(position + _SCAN_WINDOW, end)
            hits = search.scan(self.spool, position, stop)
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._add_hits, search, stop, hits)
            position = stop
        if not worker.is_cancelled:
            self.app.call_from_thread(self._scan_finished, search)

    def _add_hits(self, search: LogSearch, scanned: int, hits: array[int]) -> None:
        if search is not self._search:
            return
        search.add(hits, scanned)
        self._resume_jump(search)

    def _scan_finished(self, search: LogSearch) -> None:
        if search is not self._search:
            return
        if search.scanned < self._known:
            self._scan(search)
            return
        search.scanning = False
        self._resume_jump(search)

    def _resume_jump(self, search: LogSearch) -> None:
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
        jump = search.jump(self._selected, direction, inclusive=inclusive)
        if jump is None:
            self._say("searching…")
        elif jump.target is None:
            self._say("no matches")
        else:
            self._jump_to(jump.target)
            if jump.wrapped:
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
        frame = self._frame()
        height = self._lines().height(row)
        if not frame or height <= self._body_height:
            return False
        first, last = frame[0], frame[-1]
        if delta > 0 and last[0] == row and last[1] < height - 1:
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
        current = SearchRequest("") if self._search is None else self._search.request

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
        frame = self._frame()
        if offset.y < len(frame):
            self._pause()
            self._select_row(frame[offset.y][0])
