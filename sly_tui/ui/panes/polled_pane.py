"""A detail-screen tab fed by the app's polling service while it is visible.

The pane's data is a topic of the same `Monitor` that polls the task list and the log, so
it inherits what that service guarantees: polls never overlap, they back off together
when the server struggles, `p` pauses them and `r` makes them poll at once. The pane
subscribes the first time its tab is shown, pauses when the tab is hidden, skips its turn
while another (not modal) screen covers this one, and unsubscribes when it goes away
(`sly_tui.ui.bridge.Subscriber`). A pane whose data cannot change any more (`live()` is
False) stops after one successful poll; a refresh polls it again.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sly_tui.api import ApiError, AuthError, SlyClient, TaskInfo
from sly_tui.api.sentences import is_transient
from sly_tui.monitor.events import Fetched, FetchFailed
from sly_tui.monitor.service import Next, Sink
from sly_tui.ui.bridge import Subscriber
from sly_tui.ui.messages import MonitorEvent
from sly_tui.ui.panes.base import TaskPane
from sly_tui.ui.targets import Target


class PaneTopic:
    """The monitor's view of a pane: fetch, and say whether to poll again."""

    def __init__(self, pane: PolledPane) -> None:
        self.pane = pane

    def __repr__(self) -> str:
        return f"{type(self.pane).__name__}Topic(task={self.pane.task_id})"

    def refresh(self) -> None:
        """Nothing is cached between polls, so every poll is already complete."""

    async def poll(self, client: SlyClient, emit: Sink) -> Next:
        pane = self.pane
        if not (pane.is_attached and pane.screen.is_current):
            return Next.IDLE  # another screen covers the pane (a modal leaves it in view)
        try:
            value = await pane.fetch(client)
        except ApiError as exc:
            emit(FetchFailed(exc))  # shown in the pane
            if is_transient(exc) or isinstance(exc, AuthError):
                # About the server or the token, not this request: the status line and
                # the backoff must know.
                raise
            # A refusal such as "not a train task" says nothing about the connection.
            return Next.WAIT
        emit(Fetched(value))
        return Next.WAIT if pane.live() else Next.DONE


class PolledPane(Subscriber, TaskPane):
    """Base of the panes whose data comes from one polled call."""

    # The widget that takes the focus when the tab is shown, so the pane's keys work
    # at once (they apply while the focus is inside the pane).
    FOCUS: ClassVar[str | None] = None

    def __init__(self, task_id: int, task: TaskInfo | None) -> None:
        super().__init__(task_id, task)
        self.topic = PaneTopic(self)

    # --- what subclasses provide ----------------------------------------------------------

    async def fetch(self, client: SlyClient) -> Any:
        """The call whose result the pane shows (raise `ApiError` to report a problem)."""
        raise NotImplementedError

    def live(self) -> bool:
        """Whether the data may still change on its own (poll again after an interval)."""
        return False

    def loaded(self, value: Any) -> None:
        """Show a successful poll's result."""

    def failed(self, error: ApiError) -> None:
        """Show why a poll failed (the earlier data stays)."""

    # --- subscription ---------------------------------------------------------------------

    def shown(self, active: bool) -> None:
        super().shown(active)
        if not active:
            self.pause_polling()
            return
        if self.FOCUS is not None and not self.has_focus_within:
            self.query_one(self.FOCUS).focus()
        self.subscribe(self.topic)

    def form_target(self) -> Target:
        """What an action form opened from this pane acts on: its task."""
        return Target(tasks=(self.info,)) if self.info is not None else Target()

    def reload(self) -> None:
        """Poll now (after a change made from this pane)."""
        if self.subscription is not None:
            self.subscription.refresh()

    def on_monitor_event(self, message: MonitorEvent) -> None:
        event = message.event
        if isinstance(event, Fetched):
            message.stop()
            self.loaded(event.value)
        elif isinstance(event, FetchFailed):
            message.stop()
            self.failed(event.error)
