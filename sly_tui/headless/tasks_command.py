"""`sly-tui tasks`: a workspace's tasks, newest first, as a table, JSON, or a live feed.

Filters go to the server (`status in …`, `type in …`), and `--limit` stops paging once
enough tasks have arrived, so a short list of a huge workspace costs one request.
`--watch` is in `tasks_watch`, which loads the polling service only when asked for.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from contextlib import aclosing
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sly_tui.api import SlyClient, TaskInfo
from sly_tui.api.neighbours import Filters
from sly_tui.enums import RUNNING_STATUSES
from sly_tui.headless.errors import EXIT_OK, EXIT_USAGE, CommandError
from sly_tui.headless.output import STATUS_STYLES, Output
from sly_tui.headless.records import task_record
from sly_tui.headless.session import Session
from sly_tui.present import (
    app_label,
    duration,
    list_progress,
    output_summary,
    progress_text,
    started,
    task_duration,
    task_name,
)
from sly_tui.text import one_line

if TYPE_CHECKING:  # Rich loads only for a table: `--json` and `--jsonl` start without it
    from rich.table import Table
    from rich.text import Text


def _filters(args: argparse.Namespace) -> Filters:
    filters: list[dict[str, Any]] = []
    if args.status:
        filters.append({"field": "status", "operator": "in", "value": sorted(set(args.status))})
    if args.type:
        filters.append({"field": "type", "operator": "in", "value": sorted(set(args.type))})
    return filters


def matches(task: TaskInfo, args: argparse.Namespace) -> bool:
    """The same filters, applied to what `--watch` sees (its topic watches every task)."""
    return (not args.status or str(task.status) in args.status) and (
        not args.type or task.type in args.type
    )


async def _newest(
    client: SlyClient, workspace_id: int, filters: Filters, limit: int | None
) -> list[TaskInfo]:
    tasks: list[TaskInfo] = []
    pages = client.tasks.iter_list_pages(
        workspace_id,
        filters,
        per_page=min(limit, 500) if limit else None,
        newest_first=True,
    )
    async with aclosing(pages):
        async for page in pages:
            tasks.extend(page.entities)
            if limit is not None and len(tasks) >= limit:
                break
    return await _with_progress(client, tasks[:limit])


async def _with_progress(client: SlyClient, tasks: list[TaskInfo]) -> list[TaskInfo]:
    """The running tasks with their latest progress, which only `tasks.info` documents
    (`withProgress`), so it costs one request per running task shown."""
    started = [task.id for task in tasks if task.status in RUNNING_STATUSES]
    progress = await client.tasks.get_progress(started) if started else {}
    return [t.with_progress(progress[t.id]) if t.id in progress else t for t in tasks]


def status_text(task: TaskInfo) -> Text:
    from rich.text import Text

    status = one_line(str(task.status or "?"))
    return Text(status, style=STATUS_STYLES.get(status, ""))


def table(tasks: Iterable[TaskInfo]) -> Table:
    """Newest first as given; running tasks show their progress where others show output."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    now = datetime.now(UTC)
    grid = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for header in ("ID", "STATUS", "TYPE", "NAME", "APP", "AGENT", "STARTED", "TIME", "OUTPUT"):
        grid.add_column(header, justify="right" if header in ("ID", "TIME") else "left")
    for task in tasks:
        progress = progress_text(list_progress(task)) if task.is_active else ""
        grid.add_row(
            Text(str(task.id)),
            status_text(task),
            Text(one_line(task.type or "")),
            Text(task_name(task)),
            Text(app_label(task)),
            Text(one_line(task.agent_name or "")),
            Text(started(task.started_at, now)),
            Text(duration(task_duration(task, now))),
            Text(progress or output_summary(task)),
        )
    return grid


def _print(tasks: list[TaskInfo], args: argparse.Namespace, out: Output) -> None:
    if args.json:
        out.json([task_record(task) for task in tasks])
    elif args.jsonl:
        for task in tasks:
            out.jsonl(task_record(task))
    elif tasks:
        out.show(table(tasks))
    else:
        out.notice("No tasks match.")


async def run(args: argparse.Namespace, session: Session) -> int:
    workspace_id = session.workspace_id()
    if args.watch:
        if args.json:
            raise CommandError("--watch prints a stream: use --jsonl, not --json.", EXIT_USAGE)
        from sly_tui.headless.tasks_watch import watch  # the polling service, only for this

        async with session.client(polling=True) as client:
            return await watch(client, workspace_id, args, session.out)
    async with session.client() as client:
        tasks = await _newest(client, workspace_id, _filters(args), args.limit)
    _print(tasks, args, session.out)
    return EXIT_OK
