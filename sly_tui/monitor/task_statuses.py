"""A few tasks watched by id: what a confirmation lists, kept current while it is open.

A stop confirmation may stay open for a while; meanwhile a listed task can end by itself.
This topic reads `tasks.info` of each listed task every interval and publishes the ones
whose info changed, until none of them is active any more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from sly_tui.api import SlyClient, TaskInfo
from sly_tui.monitor.events import TaskGone, TaskUpdated
from sly_tui.monitor.service import Next, Sink


class TaskStatusesTopic:
    """Polls `tasks.info` of the given tasks (a handful: one request each per tick)."""

    def __init__(self, tasks: Iterable[TaskInfo]) -> None:
        self.tasks = {task.id: task for task in tasks}

    def __repr__(self) -> str:
        return f"TaskStatusesTopic({sorted(self.tasks)})"

    def refresh(self) -> None:
        """Every poll is complete already."""

    async def poll(self, client: SlyClient, emit: Sink) -> Next:
        ids = [task_id for task_id, task in self.tasks.items() if task.is_active]
        infos = await asyncio.gather(*(client.tasks.get_info_by_id(task_id) for task_id in ids))
        for task_id, info in zip(ids, infos, strict=True):
            if info is None:
                emit(TaskGone(task_id))
                del self.tasks[task_id]
            elif info != self.tasks[task_id]:
                self.tasks[task_id] = info
                emit(TaskUpdated(info))
        return Next.WAIT if any(task.is_active for task in self.tasks.values()) else Next.DONE
