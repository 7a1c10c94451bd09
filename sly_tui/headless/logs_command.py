"""`sly-tui logs ID`: a task's log as plain lines or raw JSON entries; `--follow` to the end.

Plain lines are the dashboard's export format (`LogLine.plain`): `timestamp LEVEL message`,
the further lines of a message or its stack trace indented by four spaces, every string
cleaned of escape sequences. `--jsonl` prints the entries exactly as the server sent them
(JSON-escaped, so just as safe on a terminal).

`--follow` polls with the dashboard's polling service and the same `TaskDetailTopic`
(hence the same `LogCursor`) until the task has ended and its last lines are in: an
outage is reported on stderr and retried with backoff, the cursor stays where it was, and
no line is lost or printed twice. `--tail N` reads only the end of the log (see
`reading.tail_readers`); `--level` hides lines below a level.
"""

from __future__ import annotations

import argparse
from collections import deque
from collections.abc import Iterable

from sly_tui.api import LogEntry, SlyClient
from sly_tui.headless.errors import EXIT_OK
from sly_tui.headless.output import Output
from sly_tui.headless.reading import LogReader, tail_readers, task_info
from sly_tui.headless.session import Session
from sly_tui.monitor.events import LogsAppended
from sly_tui.monitor.log_spool import LogLine, level_code
from sly_tui.monitor.service import DEFAULT_INTERVAL


class _Printer:
    """Prints the entries at or above the minimum level, plain or as JSON lines."""

    def __init__(self, args: argparse.Namespace, out: Output) -> None:
        self._minimum = level_code(args.level) if args.level else None
        self._jsonl = args.jsonl
        self._out = out

    def wanted(self, entry: LogEntry) -> bool:
        return self._minimum is None or level_code(entry.level) >= self._minimum

    def print(self, entries: Iterable[LogEntry]) -> None:
        for entry in entries:
            if not self.wanted(entry):
                continue
            if self._jsonl:
                self._out.jsonl(entry.raw)
            else:
                self._out.line(LogLine.from_entry(entry).plain())
        self._out.flush()


async def _tail(client: SlyClient, args: argparse.Namespace, printer: _Printer) -> LogReader:
    """Print the last `--tail` wanted lines; returns the reader, positioned at the end."""
    task = await task_info(client, args.task_id)
    last: deque[LogEntry] = deque(maxlen=args.tail)
    for reader in tail_readers(task, args.since):
        last.clear()
        async for page in reader.pages(client):
            last.extend(entry for entry in page if printer.wanted(entry))
        if len(last) == args.tail:
            break
    printer.print(last)
    return reader


async def _follow(
    client: SlyClient, reader: LogReader, args: argparse.Namespace, printer: _Printer, out: Output
) -> None:
    from sly_tui.headless.polling import polled  # the polling service, only for --follow

    interval = getattr(args, "interval", None) or DEFAULT_INTERVAL
    async with polled(client, reader.topic, interval=interval, out=out) as events:
        while True:
            event = await events()
            reader.check(event)
            if isinstance(event, LogsAppended):
                printer.print(reader.take())
                if event.complete:
                    return


async def run(args: argparse.Namespace, session: Session) -> int:
    printer = _Printer(args, session.out)
    async with session.client(polling=args.follow) as client:
        if args.tail is not None:
            reader = await _tail(client, args, printer)
        else:
            reader = LogReader(args.task_id, args.since)
            if not args.follow:
                async for page in reader.pages(client):
                    printer.print(page)
        if args.follow:
            await _follow(client, reader, args, printer, session.out)
    return EXIT_OK
