"""One file on the move: its name, a progress bar, and what became of it.

The row runs its transfer in a worker of its own, so the UI stays live, several files
move at once, and each can be cancelled alone (its ✕ button) or with the others. The
transfer itself is a coroutine the owner provides (`job`); it reports through `begin`
and `progress` and returns the sentence shown on success. Removing the row (closing the
screen) cancels its worker like the button does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, ProgressBar, Static
from textual.worker import Worker

from sly_tui.api import ApiError
from sly_tui.api.sentences import failure_sentence
from sly_tui.text import one_line
from sly_tui.ui.widgets.sizes import human_size
from sly_tui.ui.workers import ReportsFailedWorkers


class State(StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE = (State.WAITING, State.RUNNING)

Job = Callable[["TransferRow"], Awaitable[str]]


class TransferRow(ReportsFailedWorkers, Horizontal):
    """`name  [bar] 42%  status  ✕` on one line."""

    DEFAULT_CSS = """
    TransferRow { height: 1; }
    TransferRow > .transfer--name { width: 1fr; max-width: 32; }
    TransferRow > ProgressBar { width: auto; margin: 0 1; }
    TransferRow > ProgressBar Bar { width: 12; }
    TransferRow > .transfer--status { width: 2fr; color: $text-muted; }
    TransferRow.-failed > .transfer--status { color: $error; }
    TransferRow.-done > .transfer--status { color: $success; }
    TransferRow > Button { width: 3; min-width: 3; }
    """

    def __init__(self, name: str, total: int | None, job: Job) -> None:
        super().__init__()
        self.label = one_line(name)
        self.total = total
        self.job = job
        self.state = State.WAITING
        self.message = "waiting"
        self.worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self.label, no_wrap=True, overflow="ellipsis"), classes="transfer--name")
        yield ProgressBar(total=self.total, show_eta=False)
        yield Static(Text(self.message), classes="transfer--status")
        yield Button("✕", compact=True, tooltip="Cancel this transfer")

    def on_mount(self) -> None:
        self.worker = self.run_worker(self._run(), group="transfer", exit_on_error=False)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    # --- what the job reports -------------------------------------------------------------

    def begin(self, message: str) -> None:
        """The transfer has its turn (it may have waited for a free slot)."""
        self.state = State.RUNNING
        self._show(message)

    def progress(self, done: int, total: int | None) -> None:
        """Bytes so far (a `ByteProgress` callback)."""
        self.query_one(ProgressBar).update(total=total, progress=done)
        amount = human_size(done) + (f" / {human_size(total)}" if total is not None else "")
        self._show(amount)

    # --- life -----------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            message = await self.job(self)
        except asyncio.CancelledError:
            self._finish(State.CANCELLED, "cancelled")
            raise
        except ApiError as exc:
            self._finish(State.FAILED, failure_sentence(exc))
        except OSError as exc:  # the local side: permissions, a full disk
            self._finish(State.FAILED, f"cannot write: {exc.strerror or exc}")
        else:
            self._finish(State.DONE, message)

    def show_worker_failure(self, worker: Worker[Any], sentence: str) -> None:
        self._finish(State.FAILED, sentence)

    def cancel(self) -> None:
        if self.active and self.worker is not None:
            self.worker.cancel()

    @on(Button.Pressed)
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.cancel()

    def _finish(self, state: State, message: str) -> None:
        self.state = state
        if not self.is_attached:  # the screen is closing
            return
        self.set_class(state is State.FAILED, "-failed")
        self.set_class(state is State.DONE, "-done")
        self.query_one(Button).display = False
        if state is State.DONE:
            bar = self.query_one(ProgressBar)
            bar.update(total=bar.total or 1, progress=bar.total or 1)
        self._show(message)

    def _show(self, message: str) -> None:
        self.message = one_line(message)
        status = self.query_one(".transfer--status", Static)
        status.update(Text(self.message, no_wrap=True, overflow="ellipsis"))
        status.tooltip = self.message
