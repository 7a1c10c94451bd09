"""One task up close: overview, live log, meta and outputs.

Subscribes to a `TaskDetailTopic` (task info and incremental log) and re-renders only the
part an event touches. The log is spooled by the app per task, so leaving and reopening
this screen continues where it was instead of downloading the log again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Input,
    Label,
    ProgressBar,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)

from sly_tui.api import ProgressRecord, TaskContext, TaskInfo
from sly_tui.enums import Status
from sly_tui.monitor.events import LogsAppended, LogsUnavailable, TaskGone, TaskUpdated
from sly_tui.monitor.log_spool import LogSpool
from sly_tui.monitor.task_detail import TaskDetailTopic
from sly_tui.text import one_line
from sly_tui.training import epoch_progress
from sly_tui.ui import format as fmt
from sly_tui.ui.messages import MonitorEvent, WatchesChanged
from sly_tui.ui.panes.base import TaskPane
from sly_tui.ui.panes.checkpoints import CheckpointsPane
from sly_tui.ui.panes.files import FilesPane
from sly_tui.ui.panes.metrics import MetricsPane
from sly_tui.ui.screens.live import LiveScreen
from sly_tui.ui.status import WATCHED_GLYPH, status_group, status_label
from sly_tui.ui.targets import Target
from sly_tui.ui.widgets.json_tree import JsonTree, scalar_text
from sly_tui.ui.widgets.key_footer import KeyFooter
from sly_tui.ui.widgets.log_view import LogView
from sly_tui.ui.widgets.status_bar import StatusBar

# Extra tabs after Overview, Logs and Meta: tab id → pane class.
PANES: dict[str, type[TaskPane]] = {
    "metrics": MetricsPane,
    "checkpoints": CheckpointsPane,
    "files": FilesPane,
}


def overview_rows(
    task: TaskInfo, context: TaskContext | None, now: datetime
) -> list[tuple[str, str]]:
    """Every fact of the task worth a line, as (label, cleaned text)."""
    app = task.app
    meta = task.meta

    def named(name: Any, ident: Any) -> str:
        if name and ident is not None:
            return f"{name} (id {ident})"
        return str(name or ident or "—")

    rows = [
        ("id", str(task.id)),
        ("name", fmt.task_name(task)),
        ("status", status_label(task.status)),
        ("type", task.type or "—"),
        ("app", named(app.get("name"), app.get("id")) if app else "—"),
        ("module", str(app.get("moduleId", "—")) if app else "—"),
        ("version", _version(app)),
        ("description", task.description or "—"),
        ("team", named(context.team_name, context.team_id) if context else str(task.team_id)),
        (
            "workspace",
            named(context.workspace_name, context.workspace_id)
            if context
            else str(task.workspace_id),
        ),
        ("agent", named(task.agent_name, task.agent_id)),
        ("user", named(task.user_login, task.user_id)),
        ("restart policy", str(meta.get("restartPolicy") or "—")),
        ("log level", str(app.get("logLevel") or "—")),
        ("created", fmt.timestamp(_created(task))),
        ("started", fmt.timestamp(task.started_at)),
        ("finished", fmt.timestamp(task.finished_at)),
        ("duration", fmt.duration(fmt.task_duration(task, now)) or "—"),
    ]
    params = meta.get("params")
    if isinstance(params, dict) and params:
        rows.append(("start params", scalar_text(params.get("state", params))))
    for label, text in fmt.output_lines(task):
        rows.append((f"output {label}", text))
    return [(label, one_line(text)) for label, text in rows]


FAILURE_LOG_LINES = 4  # error lines of the log the Overview of a failed task repeats


def failure_text(task: TaskInfo, spool: LogSpool) -> Text | None:
    """Why a task in `error` failed, for the top of its Overview: its error output and the
    last error lines of its log (first line of each, and the exception line ending its
    stack). None for any other status. The texts come cleaned and masked."""
    if task.status != Status.ERROR:
        return None
    text = Text()
    text.append("Failed", "bold")
    outputs = fmt.output_lines(task)
    if any(label == "error" for label, _ in outputs):
        for label, line in outputs:
            if label in ("error", "description"):
                text.append(f"\n{line}")
    errors = spool.at_least("error")
    for index in errors[-FAILURE_LOG_LINES:]:
        lines = spool.line(index).text.split("\n")
        text.append(f"\n> {lines[0]}")
        if len(lines) > 1:
            text.append(f"\n    {lines[-1].strip()}")
    if not errors:
        text.append("\nNo error lines in the log (yet).", "italic")
    return text


def _version(app: dict[str, Any]) -> str:
    version = app.get("version")
    if not version:
        return "—"
    return f"{version} (branch)" if app.get("isBranch") else str(version)


def _created(task: TaskInfo) -> Any:
    return getattr(task, "created_at", None)


class ProgressRow(Vertical):
    """One subtask's label and bar."""

    DEFAULT_CSS = """
    ProgressRow { height: 2; }
    ProgressRow ProgressBar { width: 100%; }
    """

    def __init__(self, record: ProgressRecord) -> None:
        super().__init__()
        self.record = record
        # Held, not queried: an update may arrive while the screen is being closed.
        self._label_widget = Label(self._label())
        self._bar = ProgressBar(total=record.total or None, show_eta=False)
        self._bar.progress = record.current or 0

    def compose(self) -> ComposeResult:
        yield self._label_widget
        yield self._bar

    def _label(self) -> Text:
        record = self.record
        label = Text(one_line(record.subtask or "progress"), "bold", no_wrap=True)
        if record.current is not None:
            amount = fmt.progress_text(record)
            label.append(f"  {record.current}/{record.total} {amount}")
        return label

    def show(self, record: ProgressRecord) -> None:
        self.record = record
        self._label_widget.update(self._label())
        self._bar.update(total=record.total or None, progress=record.current or 0)


class TaskDetailScreen(LiveScreen):
    """Overview, Logs and Meta tabs of one task."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding("W", "watch", "Watch", show=False, id="detail.watch"),
        Binding("1", "tab('overview')", "Overview", show=False, id="detail.overview"),
        Binding("2", "tab('logs')", "Logs", show=False, id="detail.logs"),
        Binding("3", "tab('meta')", "Meta", show=False, id="detail.meta"),
        Binding("4", "tab('metrics')", "Metrics", show=False, id="detail.metrics"),
        Binding("5", "tab('checkpoints')", "Checkpoints", show=False, id="detail.checkpoints"),
        Binding("6", "tab('files')", "Files", show=False, id="detail.files"),
    ]

    DEFAULT_CSS = """
    TaskDetailScreen #title { height: 1; padding: 0 1; background: $boost; }
    TaskDetailScreen TabbedContent { height: 1fr; }
    TaskDetailScreen TabPane { padding: 0; }
    TaskDetailScreen #overview-scroll { padding: 0 1; }
    TaskDetailScreen #failure {
        height: auto;
        margin-bottom: 1;
        padding: 0 1;
        border-left: thick $error;
        display: none;
    }
    TaskDetailScreen #failure.shown { display: block; }
    TaskDetailScreen #progress { height: auto; }
    TaskDetailScreen #training { height: auto; margin-top: 1; }
    TaskDetailScreen #outputs { height: auto; margin-bottom: 1; }
    TaskDetailScreen .gone { color: $error; }
    """

    def __init__(self, task_id: int, task: TaskInfo | None = None) -> None:
        super().__init__()
        self.task_id = task_id
        self.info = task
        self.context: TaskContext | None = None
        self.progress: dict[str | None, ProgressRecord] = {}

    def compose(self) -> ComposeResult:
        self.topic: TaskDetailTopic[LogSpool] = self.sly.detail_topic(self.task_id)
        self.spool = self.topic.spool
        started = self.info.started_at if self.info else None
        yield StatusBar()
        yield Static(id="title")
        with TabbedContent(initial="logs"):
            with TabPane("Overview", id="overview"), VerticalScroll(id="overview-scroll"):
                yield Static(id="failure")
                yield Static(id="facts")
                yield Static(id="training")
                yield Vertical(id="progress")
            with TabPane("Logs", id="logs"):
                yield LogView(self.spool, task_started_at=started, task_id=self.task_id, id="log")
            with TabPane("Meta & output", id="meta"), VerticalScroll():
                yield Static(id="outputs")
                yield JsonTree("meta", id="meta-tree")
            for key, pane in PANES.items():
                with TabPane(pane.TAB, id=key):
                    yield pane(self.task_id, self.info)
        yield KeyFooter()

    def on_mount(self) -> None:
        topic = self.topic
        self.subscribe(topic)
        self.progress = dict(topic.progress)
        # A topic kept from an earlier visit knows the task already and reports only changes.
        self.info = topic.task or self.info
        self.context = topic.context
        if self.info is not None:
            self._show_task()
        else:
            self._show_panes(None)
        self.query_one(LogView).focus()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        """A running task's duration counts on between polls, like the list's."""
        if self.info is not None and self.info.is_active:
            self._show_facts(self.info)

    # --- events ---------------------------------------------------------------------------

    def on_monitor_event(self, message: MonitorEvent) -> None:
        event = message.event
        if isinstance(event, TaskUpdated) and event.task.id == self.task_id:
            self.info, self.context = event.task, event.context or self.context
            self.query_one("#title", Static).remove_class("gone")  # it came back
            self._show_task()
            for pane in self.query(TaskPane):
                pane.task_updated(event.task)
        elif isinstance(event, LogsAppended) and event.task_id == self.task_id:
            self.query_one(LogView).lines_appended(event.count)
            if self.info is not None:
                self._show_failure(self.info)
            if event.progress != self.progress:
                self.progress = dict(event.progress)
                self._show_progress()
        elif isinstance(event, LogsUnavailable) and event.task_id == self.task_id:
            self.query_one(LogView).log_absent(event.sentence)
        elif isinstance(event, TaskGone) and event.task_id == self.task_id:
            title = self.query_one("#title", Static)
            title.add_class("gone")
            title.update(Text(f"Task {self.task_id} no longer exists on the server."))

    def _show_panes(self, task: TaskInfo | None) -> None:
        """Show only the extra tabs that make sense for this task (metrics for training …)."""
        tabs = self.query_one(TabbedContent)
        for key, pane in PANES.items():
            if pane.applies(task):
                tabs.show_tab(key)
            else:
                tabs.hide_tab(key)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        active = event.pane.id if event.pane is not None else None
        for key in PANES:
            for pane in self.query(f"#{key} TaskPane").results(TaskPane):
                pane.shown(key == active)
        if event.pane is not None and not isinstance(self.focused, Tabs):
            self.call_after_refresh(self._focus_inside, event.pane)

    def on_key(self, event: events.Key) -> None:
        """A key the tab bar has no use for belongs to the open tab: the keys go into it
        first, so `f`, `/` or End act there as they would after Tab (the bar keeps ←/→ and
        Tab). Whoever clicked a tab or walked the bar would otherwise find the tab's keys
        dead. The key then meets the bindings of the widget it went to."""
        tab_bar = self.focused
        if not isinstance(tab_bar, Tabs):
            return
        active = self.active_bindings.get(event.key)
        if active is not None and (
            active.node is tab_bar or active.binding.action.startswith("app.focus_")
        ):
            return
        pane = self.query_one(TabbedContent).active_pane
        if pane is not None:
            self._focus_inside(pane)

    def _focus_inside(self, pane: TabPane) -> None:
        """Keys go to the tab just opened (by its number or a click; one who walks the tab
        bar with the arrows stays there): its tree, table or log, not a field or a button.

        Only while `pane` is still the open tab: focusing inside a pane opens it, so a late
        call for a tab already left would switch back to it, and two such calls would
        take turns for ever.
        """
        if self.query_one(TabbedContent).active != pane.id:
            return
        focusable = [w for w in pane.query("*") if w.focusable]
        plain = [w for w in focusable if not isinstance(w, Input | Button | VerticalScroll)]
        if chosen := plain or focusable:
            chosen[0].focus()
        else:  # nothing to hold here: Textual's own pick could land in the tab just left
            self.query_one(TabbedContent).query_one(Tabs).focus()

    def _show_task(self) -> None:
        task = self.info
        if task is None:
            return
        self._show_panes(task)
        self._show_title(task)
        self._show_failure(task)
        self._show_facts(task)

        outputs = Text()
        for label, text in fmt.output_lines(task):
            outputs.append(f"{label}: ", "bold")
            outputs.append(text + "\n")
        self.query_one("#outputs", Static).update(outputs or Text("No output set.", "italic"))
        self.query_one(JsonTree).show(task.meta)
        self._show_progress()

    def _show_title(self, task: TaskInfo) -> None:
        """`▶ started  #1163 ◎ train-yolo  · App v1.2`: ◎ while the task is watched."""
        title = Text(no_wrap=True, overflow="ellipsis")
        group = status_group(task.status)
        title.append(status_label(task.status), f"bold {_theme_colour(self, group.name)}")
        title.append(f"  #{task.id} ")
        if task.id in self.sly.watched:
            title.append(f"{WATCHED_GLYPH} ")
        title.append(fmt.task_name(task), "bold")
        app_label = fmt.app_label(task)
        if app_label:
            title.append(f"  · {app_label}")
        self.query_one("#title", Static).update(title)

    def on_watches_changed(self, message: WatchesChanged) -> None:
        if self.info is not None and not self.query_one("#title").has_class("gone"):
            self._show_title(self.info)

    def _show_facts(self, task: TaskInfo) -> None:
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column(overflow="fold")
        # The server's clock, as the list measures: a skewed box must not freeze the time.
        now = self.sly.now()
        for label, text in overview_rows(task, self.context, now):
            facts.add_row(Text(label), Text(text))
        self.query_one("#facts", Static).update(facts)

    def _show_failure(self, task: TaskInfo) -> None:
        failure = self.query_one("#failure", Static)
        text = failure_text(task, self.spool)
        failure.set_class(text is not None, "shown")
        if text is not None:
            failure.update(text)

    def _show_progress(self) -> None:
        """A training's overall progress (epoch of epochs, ETA), then one row per subtask
        the monitor keeps (a few, the most recent last). Rows are reused in place, not
        replaced, so subtasks named per epoch cause no churn."""
        epochs = epoch_progress(self.progress.values())
        training = self.query_one("#training", Static)
        training.display = epochs is not None
        if epochs is not None:
            task = self.info
            eta = None
            if task is not None and task.is_active:
                eta = epochs.eta(task.started_at, self.sly.now())
            training.update(Text.assemble(("training  ", "bold"), epochs.text(eta)))
        box = self.query_one("#progress", Vertical)
        rows = list(box.query(ProgressRow))
        records = list(self.progress.values())
        for row, record in zip(rows, records, strict=False):
            row.show(record)
        if len(records) > len(rows):
            box.mount_all(ProgressRow(record) for record in records[len(rows) :])
        for row in rows[len(records) :]:
            row.remove()

    def target(self) -> Target:
        tasks = (self.info,) if self.info is not None else ()
        return replace(super().target(), tasks=tasks)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        pane = PANES.get(tab)
        shown = tabs.active_pane
        if shown is not None and shown.id == tab:
            # The tab already open: keep the keys in it (blurring would leave them nowhere).
            focused = self.focused
            if focused is None or shown not in focused.ancestors:
                self._focus_inside(shown)
            return
        if pane is None or pane.applies(self.info):
            # Blur first: a focused widget that its tab hides makes Textual focus the next
            # one, which may sit in the same tab, and focusing inside a tab opens it again.
            self.set_focus(None)
            tabs.active = tab


def _theme_colour(screen: Screen[Any], group: str) -> str:
    """The theme's colour for a status group (falls back to no colour)."""
    variables = screen.app.theme_variables
    return variables.get(f"status-{group}", "")
