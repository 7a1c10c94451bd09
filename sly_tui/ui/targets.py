"""What an action acts on (`Target`), what a form will do (`Call`), and what a form that
created a task hands back (`Launched`).

Screens and panes build the target, the action table checks it, forms turn it into a
call: they all share these, so they live below all of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sly_tui.api import SlyClient, TaskInfo


@dataclass(frozen=True)
class Target:
    """What a form acts on: the tasks chosen when it opened (ids are kept, not rows), and
    where the user is (for forms that create tasks)."""

    tasks: tuple[TaskInfo, ...] = ()
    team_id: int | None = None
    workspace_id: int | None = None
    agent_id: int | None = None  # preselected (from the agents screen)

    @property
    def task(self) -> TaskInfo:
        """The one task of a single-task form."""
        return self.tasks[0]


@dataclass(frozen=True)
class Call:
    """What a form will do: a client call, and how to show it before it is made."""

    rpc: str  # the API method, for the preview ("tasks.stop")
    arguments: dict[str, Any]  # shown in the preview, as sent to the client method
    run: Callable[[SlyClient], Awaitable[Any]]
    done: str = "Done."  # the notification after success


@dataclass(frozen=True)
class Launched:
    """What a form that created a task dismisses with: the screen that opened the form
    opens the task (forms never open screens themselves)."""

    task_id: int
