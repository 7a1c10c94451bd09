"""The active tasks of every workspace of a team, or of every team: the task list's
filters, sorting and actions, with WORKSPACE (and TEAM) columns.

Fed by a `ScopeTopic` (one filtered `tasks.list` per workspace a tick, see
`sly_tui.monitor.scope`): a task leaves the view when it ends; its workspace's own list
keeps its history.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sly_tui.monitor.scope import SCOPE_KEY, ScopeTopic
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.widgets.task_table import TEAM_COLUMN, WORKSPACE_COLUMN, TaskTable, with_places

if TYPE_CHECKING:
    from sly_tui.ui.targets import Target


class ScopeListScreen(TaskListScreen):
    """Active tasks across the workspaces of `team_id` (None: of every team)."""

    EMPTY = "No active tasks in these workspaces."

    def __init__(self, team_id: int | None) -> None:
        self.scope = ScopeTopic(team_id)
        super().__init__(SCOPE_KEY, self.scope)
        self.team_id = team_id

    def new_table(self) -> TaskTable:
        places = (
            (WORKSPACE_COLUMN,) if self.team_id is not None else (WORKSPACE_COLUMN, TEAM_COLUMN)
        )
        return TaskTable(
            columns=with_places(*places), places=self.scope.places, id="tasks", classes="-loading"
        )

    def target(self) -> Target:
        """The tasks as in a workspace's list; an action that needs a workspace (start an
        app) takes the highlighted task's."""
        target = super().target()
        cursor = self.table.cursor_task
        place = self.scope.places.get(cursor.workspace_id or -1) if cursor else None
        if cursor is None or place is None:
            return replace(target, team_id=None, workspace_id=None)
        return replace(target, team_id=place.team_id, workspace_id=cursor.workspace_id)
