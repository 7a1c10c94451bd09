"""Active tasks across workspaces: every workspace of one team, or of every team the token
can see.

`tasks.list` needs a workspace, so a view over many workspaces costs one filtered request
per workspace each tick (more only for a workspace with more active tasks than a page): the
filter asks for the active statuses only (`status in [...]`, documented for `tasks.list`),
so the cost follows the workspaces and their running tasks, never their history. Ended
tasks simply leave the view; nothing else is read per task. The teams and workspaces
themselves change rarely: they are listed when the view opens, on manual refresh and every
few minutes. The pace is the polling service's: the next tick is due one interval after
this one ended, so a slow server or a big team slows the ticks down instead of piling
requests up.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sly_tui.api import SlyClient, TaskInfo
from sly_tui.enums import ACTIVE_STATUSES
from sly_tui.monitor.events import TasksChanged
from sly_tui.monitor.service import Next, Sink
from sly_tui.monitor.task_list import diff_tasks

PLACES_EVERY = 300.0  # seconds between two readings of the teams and workspaces
CONCURRENCY = 4  # requests in flight at once, so a big team does not flood the server
SCOPE_KEY = 0  # `TasksChanged.workspace_id` of a list that spans workspaces

ACTIVE_FILTER = [
    {"field": "status", "operator": "in", "value": sorted(str(s) for s in ACTIVE_STATUSES)}
]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a workspace is: its team and names, for the WORKSPACE and TEAM columns."""

    team_id: int
    team_name: str
    workspace_name: str


async def gathered(items: Iterable[T], read: Callable[[T], Awaitable[R]]) -> list[R]:
    """`read` of every item, at most CONCURRENCY at a time, in the items' order."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(item: T) -> R:
        async with gate:
            return await read(item)

    return list(await asyncio.gather(*(one(item) for item in items)))


async def read_places(client: SlyClient, team_id: int | None) -> dict[int, Place]:
    """The workspaces of `team_id` (None: of every team the token sees), by id."""
    if team_id is None:
        teams = [(team.id, team.name or str(team.id)) for team in await client.teams.get_list()]
    else:
        team = await client.teams.get_info_by_id(team_id)
        teams = [(team_id, (team.name if team else None) or str(team_id))]
    listed = await gathered(teams, lambda team: client.workspaces.get_list(team[0]))
    return {
        workspace.id: Place(tid, name, workspace.name or str(workspace.id))
        for (tid, name), workspaces in zip(teams, listed, strict=True)
        for workspace in workspaces
    }


async def active_tasks(client: SlyClient, workspace_ids: Iterable[int]) -> list[TaskInfo]:
    """The active tasks of every workspace of `workspace_ids`: one filtered `tasks.list`
    each (paged as the server pages it)."""
    found = await gathered(
        workspace_ids, lambda workspace_id: client.tasks.get_list(workspace_id, ACTIVE_FILTER)
    )
    return [task for tasks in found for task in tasks]


class ScopeTopic:
    """Polls the active tasks of a team's workspaces (`team_id` None: every team's);
    publishes `TasksChanged` diffs keyed `SCOPE_KEY`. `places` says where each workspace
    is; it is filled before the first tasks are published."""

    def __init__(
        self,
        team_id: int | None,
        *,
        places_every: float = PLACES_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.team_id = team_id
        self.tasks: dict[int, TaskInfo] = {}
        self.places: dict[int, Place] = {}
        self._places_every = places_every
        self._clock = clock
        self._next_places: float | None = None  # None: read them on the next poll

    def __repr__(self) -> str:
        return f"ScopeTopic(team={self.team_id or 'all'})"

    def refresh(self) -> None:
        self._next_places = None

    async def poll(self, client: SlyClient, emit: Sink) -> Next:
        if self._next_places is None or self._clock() >= self._next_places:
            places = await read_places(client, self.team_id)
            self.places.clear()  # the same dict: the table holds it
            self.places.update(places)
            self._next_places = self._clock() + self._places_every
        fresh = {task.id: task for task in await active_tasks(client, self.places)}
        emit(self._apply(fresh))
        return Next.WAIT

    def _apply(self, fresh: Mapping[int, TaskInfo]) -> TasksChanged:
        added, changed, gone = diff_tasks(self.tasks, fresh, self.tasks.keys())
        self.tasks = dict(fresh)
        return TasksChanged(SCOPE_KEY, tuple(added), tuple(changed), tuple(gone), full=True)
