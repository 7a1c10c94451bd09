"""`sly-tui task ID`: one task's info, context, outputs and latest progress (for a
training, also its epoch of epochs and an ETA, from the same progress records).

The progress comes from the log's progress records (the latest of each subtask, the most
recent last), read through the dashboard's topic and cursor, but only from the end: ever
longer tails (`reading.tail_readers`) until one holds a progress record or the whole log
has been read. A training task with a million-line log typically costs one short read.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from sly_tui.api import LogEntry, ProgressRecord, TaskContext, TaskInfo
from sly_tui.headless.errors import EXIT_OK
from sly_tui.headless.output import Output
from sly_tui.headless.reading import tail_readers, task_info
from sly_tui.headless.records import detail_record
from sly_tui.headless.session import Session
from sly_tui.present import (
    app_label,
    duration,
    output_lines,
    progress_text,
    task_duration,
    task_name,
    timestamp,
)
from sly_tui.text import one_line
from sly_tui.training import epoch_progress

SHOWN_PROGRESS = 3  # subtasks on screen, the most recent last (--json has them all)


def _named(name: str | None, ident: int | None) -> str:
    if ident is None:
        return one_line(name or "—")
    return one_line(f"{name} ({ident})" if name else str(ident))


def _print(
    task: TaskInfo,
    context: TaskContext | None,
    progress: dict[str | None, ProgressRecord],
    out: Output,
    now: datetime,
) -> None:
    app = task.app
    rows: list[tuple[str, str]] = [
        ("status", one_line(str(task.status or "?"))),
        ("type", one_line(task.type or "—")),
    ]
    if app:
        module = app.get("moduleId")
        rows.append(("app", app_label(task) + (f" (module {module})" if module else "")))
    if context is not None:
        rows.append(("team", _named(context.team_name, context.team_id)))
        rows.append(("workspace", _named(context.workspace_name, context.workspace_id)))
    rows += [
        ("agent", _named(task.agent_name, task.agent_id)),
        ("user", _named(task.user_login, task.user_id)),
        ("created", timestamp(task.created_at)),
        ("started", timestamp(task.started_at)),
        ("finished", timestamp(task.finished_at)),
        ("duration", duration(task_duration(task, now)) or "—"),
    ]
    if (epochs := epoch_progress(progress.values())) is not None:
        eta = epochs.eta(task.started_at, now) if task.is_active else None
        rows.append(("training", epochs.text(eta)))
    rows += output_lines(task)
    for record in list(progress.values())[-SHOWN_PROGRESS:]:
        amount = progress_text(record)
        rows.append(("progress", one_line(f"{record.subtask or ''} {amount}".strip())))
    out.line(f"Task {task.id}  {task_name(task)}")
    width = max(len(label) for label, _ in rows)
    for label, text in rows:
        out.line(f"  {label:<{width}}  {text}")


def _recent(progress: dict[str | None, ProgressRecord], entries: list[LogEntry]) -> None:
    """Move each subtask's record to the end as it reports, so the dict ends with the
    most recent; the dashboard's topic keeps first-seen order, which suits a panel."""
    for entry in entries:
        if (record := entry.progress) is not None:
            progress.pop(record.subtask, None)
            progress[record.subtask] = record


async def run(args: argparse.Namespace, session: Session) -> int:
    async with session.client() as client:
        task = await task_info(client, args.task_id)
        for reader in tail_readers(task):
            progress: dict[str | None, ProgressRecord] = {}
            async for page in reader.pages(client):
                _recent(progress, page)
            if progress:
                break
        task, context = reader.task or task, reader.context
        now = client.server_clock.now()  # what the task's times are measured with
    if args.json:
        session.out.json(detail_record(task, context, progress))
    else:
        _print(task, context, progress, session.out, now)
    return EXIT_OK
