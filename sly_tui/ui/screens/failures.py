"""The failure feed: tasks that ended in error in the last hours, across every workspace
of the team (or of every team), newest first, each with its first error line.

Read once when opened and again on `r` (see `sly_tui.monitor.failure_feed` for what that
costs); `h` widens or narrows the window. Enter opens the task.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from sly_tui.monitor.failure_feed import Failure, recent_failures
from sly_tui.monitor.scope import Place, read_places
from sly_tui.text import one_line
from sly_tui.ui import format as fmt
from sly_tui.ui.screens.table_screen import TableScreen
from sly_tui.ui.widgets.key_footer import KeyFooter
from sly_tui.ui.widgets.status_bar import StatusBar

WINDOWS_H = (24, 72, 168, 6)  # hours; `h` cycles through them, the first is the default


class FailuresScreen(TableScreen):
    """Recent failures of `team_id`'s workspaces (None: of every team's)."""

    ACTS_ON_TASKS = False  # ended tasks; Enter opens one, whose screen has the actions
    NAME = "failures"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="failures.back"),
        Binding("r", "reload", "Refresh", id="failures.refresh"),
        Binding("h", "cycle_window", "Hours", id="failures.hours"),
        Binding("enter", "open", "Open", id="failures.open"),
        Binding("j", "move(1)", "Down", show=False, id="failures.down"),
        Binding("k", "move(-1)", "Up", show=False, id="failures.up"),
    ]

    DEFAULT_CSS = """
    FailuresScreen #failures-title { height: 1; padding: 0 1; background: $boost; }
    FailuresScreen DataTable { height: 1fr; }
    FailuresScreen #failures-line { height: auto; max-height: 4; padding: 0 1; }
    FailuresScreen #failures-message { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, team_id: int | None, team_name: str) -> None:
        super().__init__()
        self.team_id = team_id
        self.team_name = team_name
        self.hours = WINDOWS_H[0]
        self.failures: dict[int, Failure] = {}
        self.places: dict[int, Place] = {}
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(id="failures-title")
        yield DataTable(id="failures", cursor_type="row", zebra_stripes=True)
        yield Static(id="failures-line")
        yield Static(Text("Loading failures…"), id="failures-message")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.table.add_columns("ENDED", "ID", "WORKSPACE", "NAME", "FIRST ERROR LINE")
        self.table.focus()
        self.load()

    def action_cycle_window(self) -> None:
        self.hours = WINDOWS_H[(WINDOWS_H.index(self.hours) + 1) % len(WINDOWS_H)]
        self.action_reload()

    @work(exclusive=True, group="failures", exit_on_error=False)
    async def load(self) -> None:
        client = self.sly.client
        assert client is not None, "screens open only once connected"
        title = f"Failures of the last {self.hours} h · {self.team_name}"
        self.query_one("#failures-title", Static).update(Text(one_line(title), "bold"))
        since = self.sly.now() - timedelta(hours=self.hours)
        self.places = await read_places(client, self.team_id)
        failures = await recent_failures(client, list(self.places), since)
        self.failures = {failure.task.id: failure for failure in failures}
        self._show()
        self.loaded = True
        message = self.message
        message.update(Text(f"No task ended in error in the last {self.hours} h."))
        message.display = not failures

    def _show(self) -> None:
        table = self.table
        table.clear()
        now = self.sly.now()
        for task_id, failure in self.failures.items():
            task = failure.task
            place = self.places.get(task.workspace_id or -1)
            ended = task.finished_at
            ago = fmt.duration((now - ended).total_seconds()) if ended is not None else "?"
            table.add_row(
                Text(f"{ago} ago"),
                Text(str(task_id)),
                Text(one_line(place.workspace_name) if place else str(task.workspace_id)),
                Text(fmt.task_name(task)),
                Text(failure.line or "—"),
                key=str(task_id),
            )
        self._show_line()

    @on(DataTable.RowHighlighted)
    def _show_line(self) -> None:
        """The highlighted failure's whole line (the column cuts it)."""
        failure = self.failures.get(self.selected_id or -1)
        self.query_one("#failures-line", Static).update(Text(failure.line) if failure else "")

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from sly_tui.ui.screens.task_detail import TaskDetailScreen

        failure = self.failures.get(self.selected_id or -1)
        if failure is not None:
            self.app.push_screen(TaskDetailScreen(failure.task.id, failure.task))
