"""A screen fed by one subscription to the polling service.

The subscription lives exactly as long as the screen: it pauses while another screen
covers this one (no polling for what nobody sees), resumes when the screen is shown again,
and ends when the screen is dismissed. Events arrive as `MonitorEvent` messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from sly_tui.monitor.service import Subscription, Topic
from sly_tui.ui.messages import MonitorEvent

if TYPE_CHECKING:
    from sly_tui.ui.app import SlyApp


class LiveScreen(Screen[None]):
    """Base of the screens that show polled data."""

    subscription: Subscription | None = None

    @property
    def sly(self) -> SlyApp:
        """The app, typed (screens of this package only ever run inside `SlyApp`)."""
        return self.app  # type: ignore[return-value]

    def subscribe(self, topic: Topic) -> Subscription:
        assert self.sly.monitor is not None, "screens open only once connected"
        self.subscription = self.sly.monitor.subscribe(
            topic, lambda event: self.post_message(MonitorEvent(event))
        )
        return self.subscription

    async def on_unmount(self) -> None:
        monitor = self.sly.monitor
        if monitor is not None and self.subscription is not None:
            await monitor.unsubscribe(self.subscription)

    def on_screen_suspend(self, _: Any = None) -> None:
        if self.subscription is not None:
            self.subscription.pause()

    def on_screen_resume(self, _: Any = None) -> None:
        if self.subscription is not None:
            self.subscription.resume()
