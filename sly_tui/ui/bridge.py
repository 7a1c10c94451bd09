"""The one way the polling service feeds the screen.

A screen, pane or form that shows polled data inherits `Subscriber` and calls
`subscribe(topic)` when it is mounted (or its tab first shown). From then on every event
of the topic (`sly_tui.monitor.events.Event`) arrives at the node as a `MonitorEvent`
message, on the event loop, in order. The subscription pauses while nobody sees the node
(`pause_polling`, called by a pane whose tab is hidden, and automatically while another
screen covers a subscribed screen), resumes with `subscribe` or when the screen is shown
again, and ends when the node is unmounted. A paused subscription skips its turns, so the
tick costs nothing for what is hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sly_tui.monitor.events import Event
from sly_tui.monitor.service import Subscription, Topic
from sly_tui.ui.host import Hosted
from sly_tui.ui.messages import MonitorEvent

if TYPE_CHECKING:
    from textual.message import Message


class Subscriber(Hosted):
    """Mixin for the nodes fed by one topic of the polling service (a plain class, so
    Textual finds its handlers in the MRO next to the node's own)."""

    subscription: Subscription | None = None

    if TYPE_CHECKING:

        def post_message(self, message: Message) -> bool: ...

    def subscribe(self, topic: Topic) -> None:
        """Poll `topic` for this node, or resume its polling if it was paused. Nothing
        happens before the app is connected (there is nothing to poll yet)."""
        if self.subscription is not None:
            self.subscription.resume()
            return
        monitor = self.sly.monitor
        if monitor is not None:
            self.subscription = monitor.subscribe(topic, self._deliver)

    def pause_polling(self) -> None:
        """Nobody sees the node: skip its turns; its data is kept."""
        if self.subscription is not None:
            self.subscription.pause()

    def _deliver(self, event: Event) -> None:
        self.post_message(MonitorEvent(event))

    def on_screen_suspend(self) -> None:
        """Another screen covers this one (only screens receive this)."""
        self.pause_polling()

    def on_screen_resume(self) -> None:
        if self.subscription is not None:
            self.subscription.resume()

    def on_unmount(self) -> None:
        """Stop polling at once; the monitor forgets the subscription in an app worker,
        so closing a screen never waits for a poll in flight."""
        monitor, subscription = self.sly.monitor, self.subscription
        if monitor is not None and subscription is not None:
            subscription.pause()
            self.app.run_worker(monitor.unsubscribe(subscription), exit_on_error=False)
            self.subscription = None
