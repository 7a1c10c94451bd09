"""`sly-tui stop ID ...`: ask the server to stop tasks, after a confirmation.

On a terminal the command lists the tasks by id, name and status and asks once; without a
terminal (cron, CI) there is nobody to ask, so it refuses unless `--yes` says the
question was answered in advance. Read-only mode is refused by the client before anything
is sent, and before any question is asked. Each task is stopped on its own: one that has
already ended does not keep the others running; the exit code is 1 if any failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import threading
from typing import TextIO

from sly_tui.api import ApiError, ReadOnlyError, SlyClient, TaskInfo
from sly_tui.headless.errors import (
    EXIT_CONNECTION,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    describe,
    exit_code,
)
from sly_tui.headless.output import Output
from sly_tui.headless.session import Session
from sly_tui.present import task_name
from sly_tui.text import one_line


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


async def _read_line(stream: TextIO) -> str:
    """A line from `stream` without blocking the event loop, and without a thread that
    would keep the process alive after Ctrl-C (a daemon thread dies with it)."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()

    def deliver(line: str) -> None:
        if not answer.done():
            answer.set_result(line)

    def read() -> None:
        line = stream.readline()
        # RuntimeError: the loop closed while we waited, and nobody wants the answer.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(deliver, line)

    threading.Thread(target=read, name="confirm", daemon=True).start()
    return await answer


def _describe_task(task_id: int, info: TaskInfo | None) -> str:
    if info is None:
        return f"  {task_id}  (not found)"
    return f"  {task_id}  {one_line(str(info.status))}  {task_name(info)}"


async def _confirm(client: SlyClient, task_ids: list[int], out: Output, stdin: TextIO) -> bool:
    infos = await asyncio.gather(*(client.tasks.get_info_by_id(task_id) for task_id in task_ids))
    lines = [_describe_task(task_id, info) for task_id, info in zip(task_ids, infos, strict=True)]
    count = "this task" if len(task_ids) == 1 else f"these {len(task_ids)} tasks"
    out.stderr.write(f"Stop {count}?\n" + "\n".join(lines) + "\n[y/N] ")
    out.stderr.flush()
    return (await _read_line(stdin)).strip().lower() in ("y", "yes")


async def run(args: argparse.Namespace, session: Session) -> int:
    task_ids = list(dict.fromkeys(args.task_ids))
    out = session.out
    async with session.client() as client:
        if not client.read_only and not args.yes:
            if not _is_terminal(sys.stdin):
                raise CommandError(
                    "Not stopping anything without confirmation: stdin is not a terminal, "
                    "so pass --yes to stop without asking.",
                    EXIT_USAGE,
                )
            if not await _confirm(client, task_ids, out, sys.stdin):
                out.notice("Nothing stopped.")
                return EXIT_FAILED
        failed = 0
        for task_id in task_ids:
            try:
                status = await client.tasks.stop(task_id)
            except ApiError as exc:
                if isinstance(exc, ReadOnlyError) or exit_code(exc) == EXIT_CONNECTION:
                    raise  # the same for every task: one sentence, not one per task
                failed += 1
                out.notice(f"task {task_id}: {describe(exc)}")
                continue
            out.line(f"{task_id} {one_line(str(status))}")
            out.flush()
    return EXIT_FAILED if failed else EXIT_OK
