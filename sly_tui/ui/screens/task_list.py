"""The workspace's tasks: a live, sortable, filterable table.

Fed by a `TaskListTopic` subscription; each `TasksChanged` diff goes straight into the
virtual `TaskTable`, which re-renders only changed rows. Filters and sorting run locally
over the tasks already held, so they are instant even at 10,000 tasks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from sly_tui.api import TaskInfo
from sly_tui.enums import ACTIVE_STATUSES, Status
from sly_tui.monitor.events import TasksChanged
from sly_tui.monitor.service import Topic
from sly_tui.monitor.task_list import TaskListTopic
from sly_tui.text import one_line
from sly_tui.ui.messages import MonitorEvent, WatchesChanged
from sly_tui.ui.screens.live import LiveScreen
from sly_tui.ui.status import WATCHED_GLYPH, StatusGroup, status_group
from sly_tui.ui.widgets.key_footer import KeyFooter
from sly_tui.ui.widgets.status_bar import StatusBar
from sly_tui.ui.widgets.styling import text_style
from sly_tui.ui.widgets.task_table import TaskTable

if TYPE_CHECKING:
    from sly_tui.ui.targets import Target

# (label, statuses shown); `f` cycles through these.
STATUS_PRESETS: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("all", None),
    ("active", frozenset(ACTIVE_STATUSES)),
    ("failed", frozenset({Status.ERROR})),
    ("finished", frozenset({Status.FINISHED})),
    ("stopped", frozenset({Status.STOPPED, Status.TERMINATING})),
)


class TaskListScreen(LiveScreen):
    """Every task of one workspace."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="list.search"),
        Binding("f", "cycle_status", "Status filter", id="list.status_filter"),
        Binding("t", "cycle_type", "Type filter", id="list.type_filter"),
        Binding("escape", "clear_filters", "Clear filters", show=False, id="list.clear"),
        Binding("s", "cycle_sort", "Sort", id="list.sort"),
        Binding("S", "reverse_sort", "Reverse", show=False, id="list.reverse"),
        Binding("w", "workspaces", "Workspace", id="list.workspace"),
        Binding("W", "watch", "Watch", show=False, id="list.watch"),
    ]

    DEFAULT_CSS = """
    TaskListScreen #filters { height: 1; background: $boost; padding: 0 1; }
    TaskListScreen #search { dock: bottom; height: 3; display: none; }
    TaskListScreen #search.visible { display: block; }
    TaskListScreen #empty { height: 1; padding: 0 1; color: $text-muted; }
    TaskListScreen #tasks.-loading { display: none; }
    """

    EMPTY = "This workspace has no tasks yet."  # what the loaded list says when it has none

    def __init__(self, workspace_id: int, topic: Topic | None = None) -> None:
        super().__init__()
        self.workspace_id = workspace_id  # the `TasksChanged.workspace_id` of this list
        # a TaskListTopic is told which rows are on screen, so it reads progress and trends
        # for those only
        self.topic: Topic = topic or TaskListTopic(workspace_id)
        self.loaded = False
        self._preset = 0
        self._type: str | None = None
        self._text = ""
        self._groups: dict[int, StatusGroup] = {}  # task id → its status group
        self._counts: Counter[StatusGroup] = Counter()  # tasks per status group

    def compose(self) -> ComposeResult:
        # Subscribing here rather than on mount sends the first `tasks.list` while the
        # widgets below are built: its reply is handled after mounting all the same (events
        # queue until then). The first rows show that much sooner.
        self.subscribe(self.topic)
        yield StatusBar()
        yield Static(id="filters")
        # Until the first page arrives (seconds, on a big workspace over a slow link), the
        # table is hidden and the line below says so: an empty table would say "no tasks".
        yield self.new_table()
        yield Static("Loading tasks…", id="empty")
        yield Input(placeholder="filter: id, name, app, status, agent, user…", id="search")
        yield KeyFooter()

    def new_table(self) -> TaskTable:
        return TaskTable(id="tasks", classes="-loading")

    @property
    def table(self) -> TaskTable:
        return self.query_one(TaskTable)

    def on_mount(self) -> None:
        self.table.set_watched(self.sly.watched)
        self._tick()
        self._ticker = self.set_interval(1.0, self._tick)
        self.table.focus()
        self._show_filters()

    def on_screen_suspend(self) -> None:
        """Covered (a task's detail, a form): the durations stop ticking unseen."""
        self._ticker.pause()

    def on_screen_resume(self) -> None:
        self._tick()  # the durations are right at once, not a second later
        self._ticker.resume()

    def _tick(self) -> None:
        table = self.table
        table.tick(self.sly.now())
        topic = self.topic
        if table.size.height and isinstance(topic, TaskListTopic):
            # laid out: until then the topic treats every task as shown
            topic.show(table.order[row] for row in table.rows_on_screen())

    # --- data -----------------------------------------------------------------------------

    def on_monitor_event(self, message: MonitorEvent) -> None:
        event = message.event
        if isinstance(event, TasksChanged) and event.workspace_id == self.workspace_id:
            self._count(event)
            with self.app.batch_update():
                self.table.apply(event)
                if not self.loaded:
                    self.loaded = True
                    self._first_page()
                self._show_filters()

    @property
    def counts(self) -> Counter[StatusGroup]:
        """Tasks per status group, as the filter line shows them (a copy)."""
        return Counter(self._counts)

    def on_watches_changed(self, message: WatchesChanged) -> None:
        self.table.set_watched(message.watched)
        self._show_filters()

    def _count(self, event: TasksChanged) -> None:
        """Move the counts per status by what `event` changes, in the order the table
        applies it: a poll costs what it changed, not a walk over all 10,000 tasks."""
        groups, counts = self._groups, self._counts
        for task_id in event.removed:
            if (group := groups.pop(task_id, None)) is not None:
                counts[group] -= 1
        for task in (*event.added, *event.changed):
            if (group := groups.get(task.id)) is not None:
                counts[group] -= 1
            groups[task.id] = status_group(task.status)
            counts[groups[task.id]] += 1
        self._counts = +counts  # without the groups that have none left

    def _first_page(self) -> None:
        """The first tasks are in: the table takes the place of "Loading tasks…"."""
        table = self.table
        table.remove_class("-loading")
        if self.focused is None:
            table.focus()

    # --- filters --------------------------------------------------------------------------

    def _predicate(self, task: TaskInfo) -> bool:
        _, statuses = STATUS_PRESETS[self._preset]
        if statuses is not None and task.status not in statuses:
            return False
        if self._type is not None and task.type != self._type:
            return False
        return not self._text or self.table.matches_text(task, self._text)

    def _apply_filters(self) -> None:
        filtered = self._preset or self._type is not None or self._text
        self.table.set_filter(self._predicate if filtered else None)
        self._show_filters()

    def _show_filters(self) -> None:
        table = self.table
        counts = self._counts
        line = Text(no_wrap=True, overflow="ellipsis")
        count = f"{len(table.order)}/{len(table.tasks)}" if self.loaded else "loading"
        line.append(f"{count} tasks ", "bold")
        for group in sorted(counts, key=lambda g: g.order):
            style = text_style(table, f"task-table--status-{group.name}")
            line.append(f" {group.symbol}{counts[group]}", style)
        label, _ = STATUS_PRESETS[self._preset]
        line.append(f"  status:{label}")
        line.append(f" type:{self._type or 'all'}")
        if self._text:
            line.append(" text:")
            line.append(one_line(self._text), "bold")
        arrow = "▼" if table.sort_reverse else "▲"
        line.append(f"  sort:{table.sort_key}{arrow}")
        if table.size.width and table.sort_key not in table.shown_keys:  # once laid out
            line.append(" (column hidden: ←/→)", "italic")
        if table.marked:
            line.append(f"  {len(table.marked)} marked", text_style(table, "task-table--marked"))
        if table.watched:
            line.append(f"  {WATCHED_GLYPH}{len(table.watched)} watched")
        filters = self.query_one("#filters", Static)
        if line != filters.content:  # a poll that changed no count repaints nothing
            filters.update(line, layout=False)  # one line, always: no re-layout
        empty = self.query_one("#empty", Static)
        empty.display = not table.order
        if self.loaded and not table.order:
            empty.update("No tasks match." if table.tasks else self.EMPTY)

    def action_cycle_status(self) -> None:
        self._preset = (self._preset + 1) % len(STATUS_PRESETS)
        self._apply_filters()

    def action_cycle_type(self) -> None:
        types = sorted({task.type for task in self.table.tasks.values() if task.type})
        options: list[str | None] = [None, *types]
        index = options.index(self._type) if self._type in options else 0
        self._type = options[(index + 1) % len(options)]
        self._apply_filters()

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("visible")
        search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._text = event.value.strip().casefold()
        self._apply_filters()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        search = self.query_one("#search", Input)
        search.remove_class("visible")
        self.table.focus()

    def action_clear_filters(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.remove_class("visible")
        self._preset, self._type, self._text = 0, None, ""
        self._apply_filters()
        self.table.focus()

    @on(TaskTable.MarksChanged)
    @on(TaskTable.ColumnsChanged)
    def _marks_or_columns_changed(self) -> None:
        self._show_filters()

    def action_cycle_sort(self) -> None:
        """Sort by the next column on screen (a column the width hides is skipped: the
        order would follow values nobody can see)."""
        table = self.table
        shown = table.shown_keys
        keys = tuple(column.key for column in table.columns)
        index = keys.index(table.sort_key) if table.sort_key in keys else -1
        following = keys[index + 1 :] + keys[: index + 1]
        table.sort_by(next((key for key in following if key in shown), table.sort_key))
        self._show_filters()

    def action_reverse_sort(self) -> None:
        table = self.table
        table.sort_by(table.sort_key, not table.sort_reverse)
        self._show_filters()

    def action_workspaces(self) -> None:
        self.sly.pick_workspace()

    # --- actions --------------------------------------------------------------------------

    def target(self) -> Target:
        """The marked tasks, else the one under the cursor (as they are right now)."""
        table = self.table
        marked = [table.tasks[i] for i in sorted(table.marked) if i in table.tasks]
        cursor = table.cursor_task
        tasks = marked or ([cursor] if cursor is not None else [])
        return replace(super().target(), tasks=tuple(tasks))

    def action_done(self, result: object) -> None:
        if result is not None:
            self.table.clear_marks()

    # --- opening a task -------------------------------------------------------------------

    @on(TaskTable.Selected)
    def _open(self, event: TaskTable.Selected) -> None:
        self.open_task(event.task_id, self.table.tasks.get(event.task_id))
