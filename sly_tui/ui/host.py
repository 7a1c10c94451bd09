"""What the screens, panes and forms may ask of the app that hosts them.

They run only inside `SlyApp`, but importing it would point the arrows inside `ui/` the
wrong way (the app imports them). They see it through `Host` instead, a protocol that
`SlyApp` satisfies, and reach it as `self.sly` (`Hosted`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.app import App

    from sly_tui.api import SlyClient
    from sly_tui.api.models import TaskInfo
    from sly_tui.config import Settings
    from sly_tui.monitor.log_spool import LogSpool
    from sly_tui.monitor.service import Monitor
    from sly_tui.monitor.task_detail import TaskDetailTopic


@dataclass(frozen=True)
class Selection:
    """The workspace open in the dashboard."""

    team_id: int
    team_name: str
    workspace_id: int
    workspace_name: str


@dataclass(frozen=True)
class Scope:
    """Every workspace of a team (`team_id` None: of every team), picked with `w`."""

    team_id: int | None
    team_name: str


class Host(Protocol):
    """The app as its screens see it: the connection, where the user is, the clock."""

    settings: Settings  # its token is hidden from every sentence a failure is told in
    client: SlyClient | None
    monitor: Monitor | None
    selection: Selection | None
    read_only: bool
    now: Callable[[], datetime]

    def detail_topic(self, task_id: int) -> TaskDetailTopic[LogSpool]:
        """The task's detail topic, kept across visits (its log continues)."""
        ...

    def pick_workspace(self) -> None: ...

    @property
    def watched(self) -> frozenset[int]:
        """The ids of the tasks watched on this server (`W`)."""
        ...

    def toggle_watch(self, tasks: tuple[TaskInfo, ...]) -> None: ...

    def action_refresh(self) -> None: ...


class Hosted:
    """Mixin for the nodes that use the app's services (a plain class, like
    `ReportsFailedWorkers`, so that it leaves the widget's MRO alone)."""

    app: App[Any]

    @property
    def sly(self) -> Host:
        """The app, typed (these nodes only ever run inside `SlyApp`)."""
        return self.app  # type: ignore[return-value]
