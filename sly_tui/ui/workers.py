"""A worker that dies of an unexpected error is reported, never silent.

Workers run with `exit_on_error=False` (the dashboard never dies) and catch the API errors
they expect. Anything else (a bug, a reply that breaks parsing) ends the worker in the
ERROR state, and Textual tells only the node that ran it. Nodes that run workers inherit
`ReportsFailedWorkers`: a notification says what failed, and the node puts the same
sentence where the result was awaited, so no "Loading…" waits forever.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.worker import Worker, WorkerState

from sly_tui.api.sentences import failure_sentence
from sly_tui.secrets import Secret

if TYPE_CHECKING:
    from textual.app import App


class ReportsFailedWorkers:
    """Mixin for the app, screens and widgets that run workers (a plain class: Textual
    finds its handler in the MRO, and a DOMNode base here would reorder the widget's)."""

    app: App[Any]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        settings = getattr(self.app, "settings", None)
        token: Secret | None = getattr(settings, "token", None)
        sentence = failure_sentence(event.worker.error, token)
        self.app.notify(sentence, title="Something went wrong", severity="error", markup=False)
        self.show_worker_failure(event.worker, sentence)

    def show_worker_failure(self, worker: Worker[Any], sentence: str) -> None:
        """Put `sentence` where this node waited for `worker`; by default the notification
        is all there is."""
