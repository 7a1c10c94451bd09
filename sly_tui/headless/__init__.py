"""Headless commands for scripts and ops: `tasks`, `task`, `logs`, `wait`, `stop`, `start`.

They share the client (`sly_tui.api`), the settings (`sly_tui.config`) and, for follow
modes, the polling service (`sly_tui.monitor`) with the dashboard, and never import
anything under `sly_tui.ui`, so Textual is not loaded and they start in a fraction of the
dashboard's time. One module per command, each with `async def run(args, session) -> int`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib

from sly_tui.config import Settings
from sly_tui.headless.session import Session
from sly_tui.text import one_line


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the command `args.command` to its end; returns the exit code. Failures are
    raised for `sly_tui.cli` to turn into one sentence and an exit code."""
    session = Session(settings)
    for warning in settings.warnings:
        session.out.notice(f"warning: {one_line(warning)}")
    command = importlib.import_module(f"sly_tui.headless.{args.command}_command")
    try:
        code: int = asyncio.run(command.run(args, session))
    finally:  # what was printed before Ctrl-C (130, by `sly_tui.cli`) still reaches a pipe
        session.out.flush()
    return code
