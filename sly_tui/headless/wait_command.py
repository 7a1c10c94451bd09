"""`sly-tui wait ID`: block until the task reaches a status; the exit code says how it ended.

The rule is the SDK's `wait`: done at the target status or at any of finished, deployed,
stopped (`WAIT_ENDS`); `error` is a failure. Unlike the SDK there is no attempt limit
unless `--timeout` is given, since a CI job's own timeout is usually the one that matters.
Each check rides out a short outage inside the request (see `session`). Once the task has
been seen, longer outages (and 404s shorter than a minute) are waited out with the
dashboard's backoff, each failure noted on stderr, so a wait on a two-hour training
survives a blip; an outage still going on at `--timeout` ends the wait with exit code 3,
because a script must not mistake "could not tell" for "still running". A server never
reached at all fails at once with 3.

stdout gets the final status (or the last one seen, on a timeout), so
`status=$(sly-tui wait 7)` works; with `--notify` the end (reached or error, not a timeout)
also rings the terminal's bell and raises a desktop notification, written to whichever of
stderr and stdout is a terminal (see `sly_tui.notify`). Exit codes: 0 reached, 1 error (or
no such task), 2 timeout, 3 connection or authentication failure, a timeout before any
answer included.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from sly_tui.api import ApiError, NotFound, SlyClient
from sly_tui.api.sentences import is_transient
from sly_tui.api.tasks import WAIT_ENDS
from sly_tui.enums import Status
from sly_tui.headless.errors import (
    EXIT_CONNECTION,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_TIMEOUT,
    CommandError,
)
from sly_tui.headless.polling import Notices
from sly_tui.headless.reading import missing
from sly_tui.headless.session import Session
from sly_tui.monitor.events import Phase
from sly_tui.monitor.health import BACKOFF_FIRST, Health
from sly_tui.monitor.service import DEFAULT_INTERVAL
from sly_tui.monitor.vanishing import Vanishing
from sly_tui.notify import TITLE, NotifySettings, ending_sentence, terminal_text
from sly_tui.present import task_name
from sly_tui.text import one_line


async def run(args: argparse.Namespace, session: Session) -> int:
    interval = getattr(args, "interval", None) or DEFAULT_INTERVAL
    last: str | None = None
    health = Health(
        time.monotonic, Notices(session.out, time.monotonic), first=min(interval, BACKOFF_FIRST)
    )
    vanishing = Vanishing(args.task_id)
    async with session.client() as client:
        try:
            async with asyncio.timeout(args.timeout):
                while True:
                    try:
                        status = await client.tasks.get_status(args.task_id)
                    except ApiError as exc:
                        if not (isinstance(exc, NotFound) or is_transient(exc)):
                            raise
                        # Once the task was seen, nothing but its end or --timeout ends the
                        # wait: outages and short-lived 404s are waited out.
                        blip = vanishing.missing() if isinstance(exc, NotFound) else exc
                        if last is None or blip is None:
                            raise
                        await asyncio.sleep(health.failed(blip, at_least=interval))
                        continue
                    vanishing.found()
                    health.succeeded()
                    last = one_line(str(status))
                    if status == Status.ERROR:
                        await _ended(args, session, client, last)
                        return EXIT_FAILED
                    if status == args.status or status in WAIT_ENDS:
                        await _ended(args, session, client, last)
                        return EXIT_OK
                    await asyncio.sleep(interval)
        except NotFound:
            raise missing(args.task_id) from None
        except TimeoutError:
            if last is None:  # not one answer in the whole wait: a connection failure
                raise CommandError(
                    f"No answer from the server within {args.timeout:g} s, so the status of "
                    f"task {args.task_id} is unknown.",
                    EXIT_CONNECTION,
                ) from None
            if health.state.phase in (Phase.RETRYING, Phase.DISCONNECTED):
                raise CommandError(
                    f"The server stopped answering, and after {args.timeout:g} s the status "
                    f"of task {args.task_id} is unknown (last seen: {last}).",
                    EXIT_CONNECTION,
                ) from None
            session.out.line(last)
            raise CommandError(
                f"Task {args.task_id} did not reach {args.status!r} within {args.timeout:g} s "
                f"(last seen: {last}).",
                EXIT_TIMEOUT,
            ) from None


async def _ended(
    args: argparse.Namespace, session: Session, client: SlyClient, status: str
) -> None:
    """Print the final status; with `--notify`, tell the terminal too (the task's name is
    read for it: a failed read leaves the name out, the notification still goes)."""
    session.out.line(status)
    if not args.notify:
        return
    session.out.flush()
    try:
        info = await client.tasks.get_info_by_id(args.task_id)
    except ApiError:
        info = None
    body = ending_sentence(args.task_id, task_name(info) if info else "", status)
    config = session.settings.config
    settings = config.notify if config is not None else NotifySettings()
    text = terminal_text(settings, TITLE, body, tmux=bool(os.environ.get("TMUX")))
    if text and not session.out.to_terminal(text):
        session.out.notice("--notify: neither stderr nor stdout is a terminal; nothing was sent.")
