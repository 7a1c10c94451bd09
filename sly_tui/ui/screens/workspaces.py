"""Pick a team, then a workspace. Dismisses with a `Selection`, a `Scope` for the last
entries of either list ("all workspaces" of the team, "all teams"), or None on Escape."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker

from sly_tui.api import ApiError, SlyClient
from sly_tui.text import one_line
from sly_tui.ui.host import Scope, Selection
from sly_tui.ui.widgets.key_footer import KeyFooter
from sly_tui.ui.widgets.status_bar import StatusBar
from sly_tui.ui.workers import ReportsFailedWorkers

ALL_TEAMS = "all-teams"
ALL_WORKSPACES = "all-workspaces"


class WorkspaceScreen(ReportsFailedWorkers, Screen["Selection | Scope | None"]):
    """Teams on the left, the chosen team's workspaces on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="workspaces.back"),
        Binding("tab", "focus_next", "Switch list", show=False, id="workspaces.switch"),
    ]

    DEFAULT_CSS = """
    WorkspaceScreen Horizontal { height: 1fr; }
    WorkspaceScreen Vertical { width: 1fr; padding: 0 1; }
    WorkspaceScreen Label { color: $text-muted; padding: 1 0 0 0; }
    WorkspaceScreen OptionList { height: 1fr; }
    WorkspaceScreen #message { color: $error; height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._teams: dict[str, tuple[int, str]] = {}
        self._team: tuple[int, str] | None = None
        self._workspaces: dict[str, tuple[int, str]] = {}

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Horizontal():
            with Vertical():
                yield Label("Teams")
                yield OptionList(id="teams")
            with Vertical():
                yield Label("Workspaces")
                yield OptionList(id="workspaces")
        yield Label("", id="message")
        yield KeyFooter()

    @property
    def client(self) -> SlyClient:
        return self.app.client  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.load_teams()

    def _fail(self, error: ApiError) -> None:
        self.query_one("#message", Label).update(Text(one_line(error.sentence)))

    def show_worker_failure(self, worker: Worker[Any], sentence: str) -> None:
        self.query_one("#message", Label).update(Text(f"Could not load: {sentence}"))

    @work(exclusive=True, group="teams", exit_on_error=False)
    async def load_teams(self) -> None:
        try:
            teams = await self.client.teams.get_list()
        except ApiError as exc:
            self._fail(exc)
            return
        options = self.query_one("#teams", OptionList)
        options.clear_options()
        for team in teams:
            key = f"team-{team.id}"
            self._teams[key] = (team.id, team.name or "")
            options.add_option(Option(Text(one_line(f"{team.name} (id {team.id})")), id=key))
        if len(teams) > 1:
            options.add_option(Option(Text("★ All teams: active tasks", "bold"), id=ALL_TEAMS))
        if teams:
            options.highlighted = 0
            options.focus()
        else:
            self.query_one("#message", Label).update("This account belongs to no team.")

    @on(OptionList.OptionHighlighted, "#teams")
    def _team_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id in self._teams:
            self._team = self._teams[event.option.id]
            self.load_workspaces(self._team[0])

    @on(OptionList.OptionSelected, "#teams")
    def _team_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == ALL_TEAMS:
            self.dismiss(Scope(None, "All teams"))
        else:
            self.query_one("#workspaces", OptionList).focus()

    @work(exclusive=True, group="workspaces", exit_on_error=False)
    async def load_workspaces(self, team_id: int) -> None:
        try:
            workspaces = await self.client.workspaces.get_list(team_id)
        except ApiError as exc:
            self._fail(exc)
            return
        options = self.query_one("#workspaces", OptionList)
        options.clear_options()
        self._workspaces.clear()
        for workspace in workspaces:
            key = f"ws-{workspace.id}"
            self._workspaces[key] = (workspace.id, workspace.name or "")
            label = one_line(f"{workspace.name} (id {workspace.id})")
            options.add_option(Option(Text(label), id=key))
        if len(workspaces) > 1:
            every = Text("★ All workspaces: active tasks", "bold")
            options.add_option(Option(every, id=ALL_WORKSPACES))
        if workspaces:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#workspaces")
    def _workspace_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == ALL_WORKSPACES and self._team is not None:
            self.dismiss(Scope(*self._team))
            return
        chosen = self._workspaces.get(event.option.id or "")
        if self._team is None or chosen is None:
            return
        self.dismiss(Selection(self._team[0], self._team[1], *chosen))

    def action_cancel(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss(None)
