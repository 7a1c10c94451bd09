"""`sly-tui tasks --watch`: the starting table, then one line per change until Ctrl-C.

The workspace is polled by the dashboard's `TaskListTopic`, so a tick costs at most two
requests whatever the workspace's history; after the starting table no progress or trend is
read, since lines show statuses only. `--status`/`--type` filter what is printed; the
topic sees all.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from rich.text import Text

from sly_tui.api import SlyClient, TaskInfo
from sly_tui.headless.output import Output
from sly_tui.headless.polling import polled
from sly_tui.headless.records import iso, task_record
from sly_tui.headless.tasks_command import matches, status_text, table
from sly_tui.monitor.events import TasksChanged
from sly_tui.monitor.service import DEFAULT_INTERVAL
from sly_tui.monitor.task_list import TaskListTopic
from sly_tui.present import task_name
from sly_tui.text import one_line


class _Changes:
    """Turns the topic's diffs into lines: the first full sweep is the starting table,
    after that each added task, status change and removal is one line, once: a stale read
    (a list a moment behind `tasks.info`) can flip a status back and forth, and a task can
    drop out of a sweep and come back, but each task reaches each status once."""

    def __init__(self, args: argparse.Namespace, out: Output) -> None:
        self._args = args
        self._out = out
        self._known: dict[int, TaskInfo] = {}
        self._said: set[tuple[int, str]] = set()  # (task id, status or "removed") shown
        self._started = False

    def apply(self, change: TasksChanged) -> None:
        if not self._started:
            self._known.update((task.id, task) for task in (*change.added, *change.changed))
            if change.full:
                self._started = True
                self._begin()
            return
        for task in change.added:
            self._line("added", None, task)
        for task in change.changed:
            previous = self._known.get(task.id)
            if previous is None or previous.status != task.status:
                self._line("status", previous, task)
        for task_id in change.removed:
            if (gone := self._known.pop(task_id, None)) is not None:
                self._line("removed", gone, gone)
        self._known.update((task.id, task) for task in (*change.added, *change.changed))
        self._out.flush()

    def _begin(self) -> None:
        tasks = sorted(
            (task for task in self._known.values() if matches(task, self._args)),
            key=lambda task: task.id,
            reverse=True,
        )[: self._args.limit]
        self._said.update((task.id, str(task.status)) for task in self._known.values())
        if self._args.jsonl:
            for task in tasks:
                self._out.jsonl(self._event("snapshot", None, task))
        elif tasks:
            self._out.show(table(tasks))
        self._out.notice(f"Watching {len(self._known)} tasks; Ctrl-C to stop.")
        self._out.flush()

    def _line(self, event: str, previous: TaskInfo | None, task: TaskInfo) -> None:
        said = (task.id, "removed" if event == "removed" else str(task.status))
        if not matches(task, self._args) or said in self._said:
            return
        self._said.add(said)
        if self._args.jsonl:
            self._out.jsonl(self._event(event, previous, task))
            return
        moment = datetime.now().astimezone().strftime("%H:%M:%S")
        line = Text(f"{moment} {task.id:>7} ")
        if event == "removed":
            line.append("removed")
        else:
            was = "new" if previous is None else one_line(str(previous.status))
            line.append(f"{was} -> ").append_text(status_text(task))
        line.append(f"  {task_name(task)}")
        self._out.show(line)

    @staticmethod
    def _event(event: str, previous: TaskInfo | None, task: TaskInfo) -> dict[str, Any]:
        """`{event, at, previous_status, task}`; event is snapshot, added, status, removed."""
        return {
            "event": event,
            "at": iso(datetime.now(UTC)),
            "previous_status": None if previous is None else str(previous.status),
            "task": task_record(task),
        }


async def watch(client: SlyClient, workspace_id: int, args: argparse.Namespace, out: Output) -> int:
    """Runs until Ctrl-C, which `sly_tui.cli` turns into exit code 130."""
    changes = _Changes(args, out)
    interval = getattr(args, "interval", None) or DEFAULT_INTERVAL
    topic = TaskListTopic(workspace_id)
    async with polled(client, topic, interval=interval, out=out) as events:
        while True:
            event = await events()
            if isinstance(event, TasksChanged):
                changes.apply(event)
                if event.full:
                    topic.show(())
