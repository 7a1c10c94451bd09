"""A virtual, keyed table of tasks that stays responsive at 10,000 rows and more.

Textual's DataTable measures every cell when rows are added (seconds at 10,000 rows) and
loses the cursor on `clear()`. This table keeps the tasks in a dict keyed by id and an
ordered list of the ids on display, and renders with the Line API: only the rows on
screen are ever turned into strips, each cached until that task changes. A poll that
changes three tasks re-renders three rows; re-sorting happens only when a sort or filter
value changed. The cursor belongs to a task id, not a row number, so it stays on the same
task across refreshes, re-sorts and filtering. Running training tasks show a sparkline of
their main metric in a TREND column headed by the metric's name, which appears only while
some task has one, and their PROGRESS is in epochs with an ETA (`40/360 ETA 2h10m`) rather
than the current epoch's steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sly_tui.api import TaskInfo
from sly_tui.monitor.events import TasksChanged, TrendsChanged
from sly_tui.monitor.scope import Place
from sly_tui.monitor.trainings import Training
from sly_tui.text import one_line
from sly_tui.ui import format as fmt
from sly_tui.ui.status import WATCHED_GLYPH, status_group, status_label
from sly_tui.ui.widgets.styling import text_style

Filter = Callable[[TaskInfo], bool]


@dataclass(frozen=True, slots=True)
class Column:
    """A table column. `width` 0 means flexible (takes what the others leave)."""

    key: str
    label: str
    width: int
    priority: int  # columns with the lowest priority are hidden first on narrow screens
    right: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", 7, 100, right=True),
    Column("name", "NAME / APP", 0, 99),
    Column("status", "STATUS", 13, 98),
    Column("progress", "PROGRESS", 9, 60, right=True),
    Column("duration", "TIME", 7, 70, right=True),
    Column("type", "TYPE", 9, 50),
    Column("agent", "AGENT", 12, 40),
    Column("started", "STARTED", 11, 30),
    Column("user", "USER", 10, 20),
    Column("output", "OUTPUT", 18, 10),
)
MIN_NAME_WIDTH = 14
PINNED = ("id", "name")  # never scrolled away by ←/→
# Shown after PROGRESS while some task has a trend; not sortable, so not in COLUMNS.
TREND_COLUMN = Column("trend", "TREND", 12, 55)
# PROGRESS while some training shows its epochs: room for `140/360 ETA 12h05m`.
EPOCHS_COLUMN = Column("progress", "PROGRESS", 17, 60, right=True)
# Where a task runs, in lists that span workspaces (`places` says the names).
WORKSPACE_COLUMN = Column("workspace", "WORKSPACE", 14, 80)
TEAM_COLUMN = Column("team", "TEAM", 12, 75)
PLACE_KEYS = (WORKSPACE_COLUMN.key, TEAM_COLUMN.key)
SPARKS = "▁▂▃▄▅▆▇█"
CLOCK_KEYS = ("duration", "started", "progress")  # cells whose text follows the clock


def sparkline(values: tuple[float, ...], width: int) -> str:
    """The last `width` values as bars scaled between their minimum and maximum."""
    values = values[-width:]
    low, high = min(values, default=0.0), max(values, default=0.0)
    if high <= low:
        return SPARKS[3] * len(values)
    top = len(SPARKS) - 1
    return "".join(SPARKS[round((value - low) / (high - low) * top)] for value in values)


def sort_value(task: TaskInfo, key: str, now: datetime) -> Any:
    """What a column sorts by (numbers and times, not their formatted text)."""
    if key == "id":
        return task.id
    if key == "duration":
        return fmt.task_duration(task, now) or 0.0
    if key == "started":
        return task.started_at.timestamp() if task.started_at else 0.0
    if key == "status":
        return status_group(task.status).order
    if key == "progress":
        record = fmt.list_progress(task)
        return (record.fraction or 0.0) if record else -1.0
    return cell_text(task, key, now).casefold()


def cell_text(task: TaskInfo, key: str, now: datetime) -> str:
    """The plain text of one cell (already cleaned of control characters)."""
    match key:
        case "id":
            return str(task.id)
        case "name":
            name = fmt.task_name(task)
            app = fmt.app_label(task)
            return f"{name} · {app}" if app and app != name else name
        case "type":
            return one_line(task.type or "")
        case "status":
            return status_label(task.status)
        case "progress":
            return fmt.progress_text(fmt.list_progress(task))
        case "agent":
            return one_line(task.agent_name or (str(task.agent_id) if task.agent_id else ""))
        case "user":
            return one_line(task.user_login or "")
        case "started":
            return fmt.started(task.started_at, now)
        case "duration":
            return fmt.duration(fmt.task_duration(task, now))
        case "output":
            return fmt.output_summary(task)
    return ""


def search_text(task: TaskInfo) -> str:
    """Everything the free-text filter looks at, lower-cased once per task version."""
    parts = [
        str(task.id),
        fmt.task_name(task),
        fmt.app_label(task),
        task.type or "",
        str(task.status or ""),
        task.agent_name or "",
        task.user_login or "",
        fmt.output_summary(task),
    ]
    return " ".join(parts).casefold()


def with_places(*places: Column) -> tuple[Column, ...]:
    """COLUMNS with `places` (WORKSPACE, TEAM) after the name."""
    name = next(i for i, c in enumerate(COLUMNS) if c.key == "name")
    return (*COLUMNS[: name + 1], *places, *COLUMNS[name + 1 :])


class TaskTable(ScrollView, can_focus=True):
    """Tasks, one row each; Enter posts `TaskTable.Selected`. `columns` may add WORKSPACE
    and TEAM (lists that span workspaces), whose names `places` holds."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "jump(0)", "Top", show=False, id="table.top"),
        Binding("end,G", "jump(-1)", "Bottom", show=False, id="table.bottom"),
        Binding("enter", "select", "Open", id="table.open"),
        Binding("space", "mark", "Mark", id="table.mark"),
        Binding("left", "scroll_columns(-1)", "Columns left", show=False, id="table.left"),
        Binding("right", "scroll_columns(1)", "Columns right", show=False, id="table.right"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "task-table--header",
        "task-table--sorted",
        "task-table--cursor",
        "task-table--muted",
        "task-table--marked",
        *(
            f"task-table--status-{group}"
            for group in (
                "pending",
                "running",
                "serving",
                "done",
                "failed",
                "stopping",
                "stopped",
                "unknown",
            )
        ),
    }

    DEFAULT_CSS = """
    TaskTable {
        height: 1fr;
        background: $surface;
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    TaskTable > .task-table--header { text-style: bold; color: $text-muted; background: $panel; }
    TaskTable > .task-table--sorted {
        text-style: bold underline;
        color: $text;
        background: $panel;
    }
    TaskTable > .task-table--cursor { background: $block-cursor-blurred-background; }
    TaskTable:focus > .task-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    TaskTable > .task-table--muted { color: $text-muted; }
    TaskTable > .task-table--marked { color: $accent; text-style: bold; }
    TaskTable > .task-table--status-pending { color: $status-pending; }
    TaskTable > .task-table--status-running { color: $status-running; }
    TaskTable > .task-table--status-serving { color: $status-serving; }
    TaskTable > .task-table--status-done { color: $status-done; }
    TaskTable > .task-table--status-failed { color: $status-failed; text-style: bold; }
    TaskTable > .task-table--status-stopping { color: $status-stopping; }
    TaskTable > .task-table--status-stopped { color: $status-stopped; }
    TaskTable > .task-table--status-unknown { color: $text-muted; }
    """

    class Selected(Message):
        """The user opened a task (Enter or double click)."""

        def __init__(self, task_id: int) -> None:
            super().__init__()
            self.task_id = task_id

    class MarksChanged(Message):
        """Tasks were marked or unmarked (the screen shows how many are)."""

    class ColumnsChanged(Message):
        """Other columns may be on screen (a new width, ←/→): the screen says whether the
        sort column is among them."""

    class Highlighted(Message):
        """The cursor moved to another task (or to none)."""

        def __init__(self, task_id: int | None) -> None:
            super().__init__()
            self.task_id = task_id

    def __init__(
        self,
        *,
        columns: tuple[Column, ...] = COLUMNS,
        places: Mapping[int, Place] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = columns
        self.places: Mapping[int, Place] = places if places is not None else {}
        self._place_keys = [column.key for column in columns if column.key in PLACE_KEYS]
        self.tasks: dict[int, TaskInfo] = {}
        self.order: list[int] = []
        self._row_of: dict[int, int] = {}
        self._filter: Filter | None = None
        self._cursor_id: int | None = None
        self._cursor_row = 0
        self._search: dict[int, str] = {}
        self._sort_cache: dict[int, tuple[TaskInfo, Any]] = {}
        # Bumped each time a task is replaced; cached rows are keyed on it, not on `id()`
        # of the task object (Python reuses addresses, so an old row would come back).
        self._versions: dict[int, int] = {}
        # rows as painted, and when: a running row's clock cells move on at each tick
        self._strips: LRUCache[tuple[Any, ...], tuple[datetime, Strip]] = LRUCache(2048)
        self._layout: list[tuple[Column, int]] = []
        self._layout_key: tuple[object, ...] = ()
        # Columns the narrow screen drops: how many of the unpinned ones ←/→ skipped, and
        # how many are left out at either end of the current layout.
        self.column_offset = 0
        self.hidden_left = 0
        self.hidden_right = 0
        self.trends: dict[int, Training] = {}  # task id → what a running training shows
        self._kept_columns: tuple[str | None, bool] = (None, False)  # see _training_columns
        self._now = datetime.now(UTC)
        self.sort_key = "id"
        self.sort_reverse = True
        self.marked: set[int] = set()  # tasks picked for a multi-task action (stop)
        self.watched: frozenset[int] = frozenset()  # tasks whose ending will be told (`W`)

    # --- data -----------------------------------------------------------------------------

    @property
    def cursor_task_id(self) -> int | None:
        return self._cursor_id

    @property
    def cursor_task(self) -> TaskInfo | None:
        return self.tasks.get(self._cursor_id) if self._cursor_id is not None else None

    def apply(self, change: TasksChanged) -> None:
        """Merge a diff from the polling service, touching only what changed."""
        if isinstance(change, TrendsChanged):
            self._set_trends(change.trends)
        reorder = bool(change.added or change.removed)
        for task_id in change.removed:
            self.marked.discard(task_id)
            self.tasks.pop(task_id, None)
            self._versions.pop(task_id, None)
            self._search.pop(task_id, None)
            self._sort_cache.pop(task_id, None)
        for task in change.added:
            self._store(task)
        regions: list[Region] = []
        for task in change.changed:
            old = self.tasks.get(task.id)
            self._store(task)
            if old is None or self._moves(old, task):
                reorder = True
            elif (row := self._row_of.get(task.id)) is not None:
                regions.extend(self._changed_cells(row, old, task, self._now))
        if reorder:
            self._reorder()
        elif regions:
            self.refresh(*regions)

    def _store(self, task: TaskInfo) -> None:
        """Hold a new version of a task; what was derived from the old one is dropped."""
        self.tasks[task.id] = task
        self._versions[task.id] = self._versions.get(task.id, 0) + 1
        self._search.pop(task.id, None)

    def _set_trends(self, trends: Mapping[int, Training | None]) -> None:
        shape = self._training_columns()
        for task_id, training in trends.items():
            if training:
                self.trends[task_id] = training
            else:
                self.trends.pop(task_id, None)
        if shape != self._training_columns():
            self.refresh()  # the TREND column comes, goes or is named anew, PROGRESS widens
            return
        for task_id in trends:
            if (row := self._row_of.get(task_id)) is not None:
                self._refresh_row(row)

    def _moves(self, old: TaskInfo, new: TaskInfo) -> bool:
        """Whether a change can move the task in the order or in or out of the filter."""
        if self._filter is not None and self._filter(old) != self._filter(new):
            return True
        return self._sort_of(old) != self._sort_of(new)

    def set_filter(self, predicate: Filter | None) -> None:
        self._filter = predicate
        self._reorder()

    @property
    def now(self) -> datetime:
        """The time the durations are shown at (the last `tick`)."""
        return self._now

    @property
    def shown_columns(self) -> tuple[tuple[Column, int], ...]:
        """The columns on screen, left to right, with their widths as last laid out."""
        return tuple(self._layout)

    def matches_text(self, task: TaskInfo, needle: str) -> bool:
        """Case-insensitive substring match over the task's visible facts (cached)."""
        text = self._search.get(task.id)
        if text is None:
            text = self._search[task.id] = " ".join(
                (
                    search_text(task),
                    *(self.cell(task, key, self._now).casefold() for key in self._place_keys),
                )
            )
        return needle in text

    def sort_by(self, key: str, reverse: bool | None = None) -> None:
        if reverse is None:
            reverse = not self.sort_reverse if key == self.sort_key else key in ("id", "started")
        if key != self.sort_key:
            self._sort_cache.clear()
        self.sort_key, self.sort_reverse = key, reverse
        self._reorder()

    def _sort_value(self, task_id: int) -> Any:
        """`sort_value`, memoised per task version (durations tick, so they are not)."""
        task = self.tasks[task_id]
        if self.sort_key == "duration":
            return sort_value(task, "duration", self._now)
        cached = self._sort_cache.get(task_id)
        if cached is None or cached[0] is not task:
            cached = self._sort_cache[task_id] = (task, self._sort_of(task))
        return cached[1]

    def _sort_of(self, task: TaskInfo) -> Any:
        key = self.sort_key
        if key in PLACE_KEYS:
            return self.cell(task, key, self._now).casefold()
        return sort_value(task, key, self._now)

    def cell(self, task: TaskInfo, key: str, now: datetime) -> str:
        """`cell_text`, and the names of where the task runs (WORKSPACE, TEAM)."""
        if key not in PLACE_KEYS:
            return cell_text(task, key, now)
        place = self.places.get(task.workspace_id or -1)
        if place is None:
            return str(task.workspace_id or "")
        return one_line(place.workspace_name if key == "workspace" else place.team_name)

    def _reorder(self) -> None:
        ids = [
            task_id
            for task_id, task in self.tasks.items()
            if self._filter is None or self._filter(task)
        ]
        ids.sort(key=lambda task_id: (self._sort_value(task_id), task_id))
        if self.sort_reverse:
            ids.reverse()
        self.order = ids
        self._row_of = {task_id: row for row, task_id in enumerate(ids)}
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        self._place_cursor()
        self.refresh()

    def _place_cursor(self) -> None:
        """Keep the cursor on its task; if the task left the view, stay at the same row."""
        if not self.order:
            self._set_cursor(0, None)
            return
        row = self._row_of.get(self._cursor_id) if self._cursor_id is not None else None
        if row is None:
            row = min(self._cursor_row, len(self.order) - 1)
        self._set_cursor(row, self.order[row])

    def _set_cursor(self, row: int, task_id: int | None) -> None:
        old_row, old_id = self._cursor_row, self._cursor_id
        self._cursor_row, self._cursor_id = row, task_id
        if old_row != row:
            self._refresh_row(old_row)
            self._refresh_row(row)
        if old_id != task_id:
            self.post_message(self.Highlighted(task_id))

    def rows_on_screen(self) -> range:
        """The rows (indexes into `order`) scrolled into view."""
        top = int(self.scroll_y)
        return range(top, min(len(self.order), top + self.size.height))

    def tick(self, now: datetime) -> None:
        """Advance the clock of the cells that show it (durations) and repaint, of visible
        running rows, just the cells whose text changed: on a slow link a second of ten
        running tasks costs a few hundred bytes, not ten whole lines."""
        before, self._now = self._now, now
        regions = [
            region
            for row in self.rows_on_screen()
            if (task := self.tasks.get(self.order[row])) is not None and task.is_active
            for region in self._changed_cells(row, task, task, before, CLOCK_KEYS)
        ]
        if regions:
            self.refresh(*regions)

    # --- cursor and keys ------------------------------------------------------------------

    def move_cursor_to(self, task_id: int) -> bool:
        row = self._row_of.get(task_id)
        if row is None:
            return False
        self._set_cursor(row, task_id)
        self._scroll_to_cursor()
        return True

    def action_cursor(self, delta: int) -> None:
        self._move_to_row(self._cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self._move_to_row(self._cursor_row + direction * max(1, self.size.height - 2))

    def action_jump(self, row: int) -> None:
        self._move_to_row(len(self.order) - 1 if row < 0 else row)

    def action_mark(self) -> None:
        """Mark or unmark the task under the cursor, then move down."""
        if self._cursor_id is None:
            return
        self.marked.symmetric_difference_update({self._cursor_id})
        self._refresh_row(self._cursor_row)
        self.post_message(self.MarksChanged())
        self.action_cursor(1)

    def set_watched(self, watched: frozenset[int]) -> None:
        """Show `watched` as the watched tasks (a glyph before the name)."""
        changed, self.watched = watched ^ self.watched, watched
        for task_id in changed:
            if (row := self._row_of.get(task_id)) is not None:
                self._refresh_row(row)

    def clear_marks(self) -> None:
        rows = [self._row_of[task_id] for task_id in self.marked if task_id in self._row_of]
        self.marked.clear()
        for row in rows:
            self._refresh_row(row)
        self.post_message(self.MarksChanged())

    def action_scroll_columns(self, delta: int) -> None:
        """Bring the columns a narrow screen drops into view, one at a time; ID and name
        stay."""
        self._current_layout()  # the counts below are those of the width right now
        if (delta < 0 and self.hidden_left) or (delta > 0 and self.hidden_right):
            self.column_offset = max(0, self.column_offset + delta)
            self.refresh()
            self.post_message(self.ColumnsChanged())
        else:
            self.app.bell()

    @property
    def shown_keys(self) -> list[str]:
        """The keys of the columns on screen now, in order."""
        return [column.key for column, _ in self._current_layout()]

    def _current_layout(self) -> list[tuple[Column, int]]:
        return self._columns_for(self.scrollable_content_region.width)

    def action_select(self) -> None:
        if self._cursor_id is not None:
            self.post_message(self.Selected(self._cursor_id))

    def _move_to_row(self, row: int) -> None:
        if not self.order:
            return
        row = max(0, min(row, len(self.order) - 1))
        self._set_cursor(row, self.order[row])
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self._cursor_row < top:
            self.scroll_to(y=self._cursor_row, animate=False)
        elif self._cursor_row >= top + visible:
            self.scroll_to(y=self._cursor_row - visible + 1, animate=False)

    async def _on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self._column_at(event.x)
            if column is not None and column.key != TREND_COLUMN.key:
                self.sort_by(column.key)
            return
        row = int(self.scroll_y) + event.y - 1
        if 0 <= row < len(self.order):
            self._set_cursor(row, self.order[row])
            if event.chain >= 2:
                self.action_select()

    def _column_at(self, x: int) -> Column | None:
        offset = 0
        for column, width in self._layout:
            if offset <= x < offset + width + 1:
                return column
            offset += width + 1
        return None

    # --- rendering ------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """The theme changed: cached rows hold the old colours."""
        super().notify_style_update()
        self._strips.clear()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.order) + 1)
        self.post_message(self.ColumnsChanged())

    def _training_columns(self) -> tuple[str | None, bool]:
        """The TREND column's label (None: no column) and whether PROGRESS shows epochs.

        Once shown, they stay when the trainings end: where short trainings come and go,
        columns that came and went with them redrew the whole table (~12 KB on the
        terminal) several times a minute, and moved every column under the reader's eyes."""
        metrics = {training.metric for training in self.trends.values() if training.trend}
        label = None
        if metrics:
            label = one_line(metrics.pop()) if len(metrics) == 1 else TREND_COLUMN.label
        epochs = any(training.epochs for training in self.trends.values())
        kept_label, kept_epochs = self._kept_columns
        self._kept_columns = (label or kept_label, epochs or kept_epochs)
        return self._kept_columns

    def _columns_for(self, width: int) -> list[tuple[Column, int]]:
        """Fit columns to `width`: the name gets a quarter at least, the rest by priority."""
        trend, epochs = self._training_columns()
        key = (width, trend, epochs, self.column_offset)
        if key == self._layout_key:
            return self._layout
        columns = self.columns
        progress = next(i for i, c in enumerate(columns) if c.key == "progress")
        if epochs:
            columns = (*columns[:progress], EPOCHS_COLUMN, *columns[progress + 1 :])
        if trend is not None:
            named = replace(TREND_COLUMN, label=trend)
            columns = (*columns[: progress + 1], named, *columns[progress + 1 :])
        unpinned = [c.key for c in columns if c.key not in PINNED]
        self.column_offset = min(self.column_offset, max(0, len(unpinned) - 1))
        skipped = set(unpinned[: self.column_offset])
        name_floor = max(MIN_NAME_WIDTH, width // 4)
        fixed = 0  # cells taken by fixed columns and their separators
        kept: set[str] = set()
        for column in sorted(columns, key=lambda c: -c.priority):
            if column.key in skipped:
                continue
            if column.width and name_floor + fixed + column.width + 1 <= width:
                kept.add(column.key)
                fixed += column.width + 1
        self.hidden_left = len(skipped)
        self.hidden_right = sum(key not in kept for key in unpinned[self.column_offset :])
        layout = [
            (column, column.width or max(MIN_NAME_WIDTH, width - fixed - 1))
            for column in columns
            if column.key in kept or not column.width
        ]
        self._layout, self._layout_key = layout, key
        self._strips.clear()
        return layout

    def _row_region(self, row: int, x: int = 0, width: int | None = None) -> Region | None:
        """Where a row is on screen (None: scrolled away); only `width` cells from `x` if
        given."""
        y = row + 1 - int(self.scroll_y)
        if 1 <= y < self.size.height:
            return Region(x, y, self.size.width if width is None else width, 1)
        return None

    def _refresh_row(self, row: int, x: int = 0, width: int | None = None) -> None:
        """Repaint a row if it is on screen; only `width` cells from `x` if given."""
        if (region := self._row_region(row, x, width)) is not None:
            self.refresh(region)

    def _changed_cells(
        self,
        row: int,
        old: TaskInfo,
        new: TaskInfo,
        before: datetime,
        keys: tuple[str, ...] | None = None,
    ) -> Iterator[Region]:
        """Where the cells of a row (of the columns `keys`, default all) differ between
        `old` as painted at `before` and `new` now, to be repainted: Textual writes a
        repainted region whole, changed or not. Of a duration only the characters that
        changed: `41s` to `42s` is one cell on the terminal. Callers refresh them all at
        once (each `refresh` call clears the widget's caches and schedules a repaint)."""
        x = 0
        for column, width in self._layout:
            if keys is not None and column.key not in keys:
                x += width + 1
                continue
            was, now = self.cell(old, column.key, before), self.cell(new, column.key, self._now)
            if column is not TREND_COLUMN and was != now:
                start, end = 0, width
                if column.key == "duration":  # painted as it is (other cells gain glyphs)
                    start, end = changed_cells(
                        _fit(was, width, column.right), _fit(now, width, column.right)
                    )
                if end > start and (region := self._row_region(row, x + start, end - start)):
                    yield region
            x += width + 1

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self._columns_for(width)
        if y == 0:
            return self._header(layout, width, self.rich_style)
        row = int(self.scroll_y) + y - 1
        if row >= len(self.order):
            return Strip.blank(width, self.rich_style)
        task = self.tasks[self.order[row]]
        selected = row == self._cursor_row
        marked = task.id in self.marked
        watched = task.id in self.watched
        trend = self.trends.get(task.id)
        version = self._versions.get(task.id, 0)
        key = (task.id, version, width, selected, self.has_focus, marked, watched, trend)
        cached = self._strips.get(key)
        if cached is None:  # (the style is looked up only here: it walks the ancestors)
            strip = self._row(task, layout, width, self.rich_style, selected, marked, watched)
        elif cached[0] == self._now or not task.is_active:
            return cached[1]
        else:
            strip = self._advance(cached[1], task, layout, watched)
        self._strips[key] = (self._now, strip)
        return strip

    def _advance(
        self, strip: Strip, task: TaskInfo, layout: list[tuple[Column, int]], watched: bool
    ) -> Strip:
        """`strip`, a running task's row painted at an earlier tick, with the cells that
        follow the clock brought to now: a tick costs the cells that changed, not the row."""
        x = 0
        for column, width in layout:
            if column.key in CLOCK_KEYS:
                text = _fit(self._plain(task, column.key, width, watched), width, column.right)
                cell = strip.crop(x, x + width)
                if cell.text != text:
                    style = next(iter(cell)).style  # one style a cell (see `_row`)
                    painted = Strip([Segment(text, style)], width)
                    strip = Strip.join([strip.crop(0, x), painted, strip.crop(x + width)])
            x += width + 1
        return strip

    def _header(self, layout: list[tuple[Column, int]], width: int, base: Style) -> Strip:
        header = self.get_component_rich_style("task-table--header")
        sorted_style = self.get_component_rich_style("task-table--sorted")
        segments: list[Segment] = []
        for column, col_width in layout:
            label = column.label
            if column.key == "name" and (self.hidden_left or self.hidden_right):
                left = f" ←{self.hidden_left}" if self.hidden_left else ""
                right = f" {self.hidden_right}→" if self.hidden_right else ""
                label = f"{label} ·{left}{right} columns"
            if column.key == self.sort_key:
                label = f"{label}{'▼' if self.sort_reverse else '▲'}"
            style = sorted_style if column.key == self.sort_key else header
            segments.append(Segment(_fit(label, col_width, column.right), base + style))
            segments.append(Segment(" ", base + header))
        return Strip(segments).extend_cell_length(width, base + header).crop(0, width)

    def _plain(self, task: TaskInfo, key: str, width: int, watched: bool) -> str:
        """The text of a cell as the row shows it, before it is fitted to `width`."""
        training = self.trends.get(task.id)
        if key == "trend":
            return sparkline(training.trend if training else (), width)
        if key == "progress" and training and training.epochs:
            return training.epochs.cell(training.epochs.eta(task.started_at, self._now))
        plain = self.cell(task, key, self._now)
        return f"{WATCHED_GLYPH} {plain}" if watched and key == "name" else plain

    def _row(
        self,
        task: TaskInfo,
        layout: list[tuple[Column, int]],
        width: int,
        base: Style,
        cursor: bool,
        marked: bool,
        watched: bool,
    ) -> Strip:
        muted = text_style(self, "task-table--muted")
        group = status_group(task.status)
        status_style = text_style(self, f"task-table--status-{group.name}")
        line = Text(no_wrap=True, end="")
        for column, col_width in layout:
            text = _fit(self._plain(task, column.key, col_width, watched), col_width, column.right)
            if marked and column.key == "id":
                text = "●" + text[1:]
            style = None  # the cursor row takes the cursor's colours throughout
            if not cursor and column.key == "status":
                style = status_style
            elif not cursor and marked and column.key == "id":
                style = text_style(self, "task-table--marked")
            elif not cursor and column.key in ("id", "started", "user", "type"):
                style = muted
            line.append(text, style)
            line.append(" ")
        strip = Strip(line.render(self.app.console), line.cell_len)
        strip = strip.extend_cell_length(width).crop(0, width)
        if cursor:
            strip = strip.apply_style(self.get_component_rich_style("task-table--cursor"))
        return strip.apply_style(base) if not cursor else strip


def changed_cells(old: str, new: str) -> tuple[int, int]:
    """The cells [start, end) where two texts of one width differ: all of them unless both
    are ASCII (a character is a cell)."""
    if len(old) != len(new) or not (old.isascii() and new.isascii()):
        return 0, max(cell_len(old), cell_len(new))
    start = next((i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b), len(new))
    end = len(new)
    while end > start and old[end - 1] == new[end - 1]:
        end -= 1
    return start, end


def _fit(text: str, width: int, right: bool) -> str:
    """Pad or cut `text` to exactly `width` cells, with an ellipsis when cut."""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    pad = " " * (width - length)
    return pad + text if right else text + pad
