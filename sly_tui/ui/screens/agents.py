"""The team's agents: who is up, what each can run, and which active tasks run on it
and for how long, in every workspace of the team or (`t`) in this workspace only; the
busiest agents first. `a` starts an app on the highlighted agent.

Agents change rarely, so the screen reads them once (and again on `r`) instead of
subscribing to the polling service. The tasks shown per agent are the active tasks, read
in the same go with one filtered `tasks.list` per workspace (a few at a time): the task
list's own copy may be filtered or not loaded yet.

Of the GPUs, the screen shows what `agents.list` reports under `gpuInfo`, as it is: the
API reference and the SDK's `AgentInfo` name that key (an optional dict) but document
nothing inside it, so nothing inside it is interpreted.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from sly_tui.api import Agent, ApiError, TaskInfo
from sly_tui.enums import AgentStatus
from sly_tui.monitor.scope import ACTIVE_FILTER, active_tasks, read_places
from sly_tui.text import one_line
from sly_tui.ui import format as fmt
from sly_tui.ui.screens.table_screen import TableScreen
from sly_tui.ui.status import status_label
from sly_tui.ui.targets import Target
from sly_tui.ui.widgets.key_footer import KeyFooter
from sly_tui.ui.widgets.status_bar import StatusBar
from sly_tui.ui.widgets.styling import text_style

LISTED_TASKS = 8  # per agent in the detail below the table
GPU_INFO_CHARS = 68  # of `gpuInfo` as reported, in the detail (one line at 80 columns)


def gpu_info(agent: Agent) -> str | None:
    """`gpuInfo` as the server sent it (compact JSON, one line), None when absent or empty."""
    info = agent.raw.get("gpuInfo")
    if not info:
        return None
    text = one_line(json.dumps(info, separators=(",", ":"), ensure_ascii=False))
    return text if len(text) <= GPU_INFO_CHARS else text[: GPU_INFO_CHARS - 1] + "…"


def capabilities(agent: Agent) -> str:
    """The task types the agent accepts (`capabilities.types.<type>.enabled`)."""
    types = agent.capabilities.get("types")
    if not isinstance(types, dict):
        return "—"
    enabled = [
        str(kind) for kind, spec in types.items() if isinstance(spec, dict) and spec.get("enabled")
    ]
    return one_line(", ".join(enabled)) if enabled else "none"


class AgentsScreen(TableScreen):
    """One row per agent of the team; the highlighted agent's tasks below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="agents.back"),
        Binding("r", "reload", "Refresh", id="agents.refresh"),
        Binding("t", "team_wide", "Team-wide/here", id="agents.team_wide"),
        Binding("j", "move(1)", "Down", show=False, id="agents.down"),
        Binding("k", "move(-1)", "Up", show=False, id="agents.up"),
    ]

    ACTS_ON_TASKS = False
    NAME = "agents"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"agents--running", "agents--waiting"}

    DEFAULT_CSS = """
    AgentsScreen > .agents--running { color: $status-running; }
    AgentsScreen > .agents--waiting { color: $status-pending; }
    AgentsScreen #agents-title { height: 1; padding: 0 1; background: $boost; }
    AgentsScreen DataTable { height: 1fr; }
    AgentsScreen #agent-detail { height: auto; max-height: 12; padding: 0 1; }
    AgentsScreen #agents-message { height: auto; padding: 0 1; color: $error; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.agents: dict[int, Agent] = {}
        self.tasks_by_agent: dict[int, list[TaskInfo]] = {}
        self.workspace_names: dict[int, str] = {}
        self.team_wide = True  # tasks of every workspace of the team, not only this one
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(Text("Agents", "bold"), id="agents-title")
        yield DataTable(id="agents", cursor_type="row", zebra_stripes=True)
        yield Static(id="agent-detail")
        yield Static(Text("Loading agents…"), id="agents-message")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.table.add_columns("NAME", "ID", "STATUS", "TASKS", "CAPABILITIES")
        self.set_interval(1.0, self._show_detail)  # the durations tick
        self.table.focus()
        self.load()

    # --- data -----------------------------------------------------------------------------

    def action_team_wide(self) -> None:
        """Toggle between this workspace's tasks and those of every workspace of the team."""
        self.team_wide = not self.team_wide
        self.action_reload()

    @work(exclusive=True, group="agents", exit_on_error=False)
    async def load(self) -> None:
        message = self.message
        client, selection = self.sly.client, self.sly.selection
        if client is None or selection is None:
            message.update(Text("Open a workspace first."))
            return
        where = "all workspaces" if self.team_wide else selection.workspace_name
        title = f"Agents of {selection.team_name} · tasks of {where}"
        self.query_one("#agents-title", Static).update(Text(one_line(title), "bold"))
        if self.team_wide:
            active = self._team_tasks(selection.team_id)
        else:
            active = client.tasks.get_list(selection.workspace_id, ACTIVE_FILTER)
        agents, tasks = await asyncio.gather(
            client.agents.get_list(selection.team_id), active, return_exceptions=True
        )
        problems = []
        if isinstance(agents, BaseException):
            if not isinstance(agents, ApiError):
                raise agents
            problems.append(f"Could not load the agents: {agents.sentence}")
            agents = list(self.agents.values())  # keep what is shown
        if isinstance(tasks, BaseException):
            if not isinstance(tasks, ApiError):
                raise tasks
            problems.append(f"Could not load the tasks: {tasks.sentence}")
            tasks = [task for listed in self.tasks_by_agent.values() for task in listed]
        self.agents = {agent.id: agent for agent in agents}
        self.tasks_by_agent = defaultdict(list)
        for task in sorted(tasks, key=lambda t: t.id):
            if task.agent_id is not None:
                self.tasks_by_agent[task.agent_id].append(task)
        self._show()
        self.loaded = True
        if not self.agents and not problems:
            problems.append("This team has no agents.")
        message.update(Text(one_line(" ".join(problems))))
        message.display = bool(problems)

    async def _team_tasks(self, team_id: int) -> list[TaskInfo]:
        """The active tasks of every workspace of the team; their names are kept for the
        detail."""
        client = self.sly.client
        assert client is not None
        places = await read_places(client, team_id)
        self.workspace_names = {wid: one_line(p.workspace_name) for wid, p in places.items()}
        return await active_tasks(client, places)

    def _by_load(self) -> list[Agent]:
        """The agents, busiest first (most active tasks), then by name."""
        return sorted(
            self.agents.values(),
            key=lambda a: (-len(self.tasks_by_agent.get(a.id, ())), (a.name or "").casefold()),
        )

    def _show(self) -> None:
        """Rebuild the rows (a handful), keeping the cursor on the same agent."""
        table = self.table
        selected = self.selected_id
        table.clear()
        for agent in self._by_load():
            tasks = self.tasks_by_agent.get(agent.id, [])
            table.add_row(
                Text(one_line(agent.name or "—")),
                Text(str(agent.id)),
                self._status(agent),
                Text(", ".join(str(task.id) for task in tasks) or "—"),
                Text(capabilities(agent)),
                key=str(agent.id),
            )
        if selected in self.agents:
            table.move_cursor(row=table.get_row_index(str(selected)))
        self._show_detail()

    def _status(self, agent: Agent) -> Text:
        if agent.status == AgentStatus.RUNNING:
            return Text("▶ running", text_style(self, "agents--running"))
        if agent.status == AgentStatus.WAITING:
            return Text("◷ waiting", text_style(self, "agents--waiting"))
        return Text(one_line(str(agent.status or "unknown")))

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        detail = self.query_one("#agent-detail", Static)
        agent = self.agents.get(self.selected_id or -1)
        if agent is None:
            detail.update("")
            return
        text = Text(one_line(agent.name or "—"), "bold")
        text.append(one_line(f" · id {agent.id} · {agent.version or 'version unknown'}"))
        text.append(f"\ncan run: {capabilities(agent)}")
        if (gpus := gpu_info(agent)) is not None:
            text.append("\ngpuInfo ", "dim")
            text.append(gpus)
        tasks = self.tasks_by_agent.get(agent.id, [])
        where = "in the team's workspaces" if self.team_wide else "in this workspace"
        text.append(f"\n{len(tasks)} active task(s) {where}" + (":" if tasks else "."))
        now = self.sly.now()
        for task in sorted(tasks, key=lambda t: t.started_at or now)[:LISTED_TASKS]:
            text.append(f"\n  {task.id}  ")
            text.append(fmt.task_name(task))
            text.append(f"  {status_label(task.status)}", "dim")
            if ran := fmt.task_duration(task, now):
                text.append(f"  {fmt.duration(ran)}")
            if self.team_wide:
                workspace = self.workspace_names.get(task.workspace_id or -1, "?")
                text.append(f"  · {workspace}", "dim")
        if len(tasks) > LISTED_TASKS:
            text.append(f"\n  … and {len(tasks) - LISTED_TASKS} more", "italic")
        detail.update(text)

    # --- actions --------------------------------------------------------------------------

    def target(self) -> Target:
        """No tasks; the highlighted agent, which the start form preselects."""
        return replace(super().target(), agent_id=self.selected_id)
