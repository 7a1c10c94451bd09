"""A screen fed by one subscription to the polling service, with the task actions.

The subscription lives exactly as long as the screen: it pauses while another screen
covers this one (no polling for what nobody sees), resumes when the screen is shown again,
and ends when the screen is dismissed. Events arrive as `MonitorEvent` messages.

The task actions (start, stop, outputs …) are bound here from `sly_tui.ui.actions`; each
screen says what they act on through `target()`. In read-only mode the mutating ones are
hidden from the footer and refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.binding import BindingType
from textual.screen import Screen

from sly_tui.monitor.service import Subscription, Topic
from sly_tui.ui import actions
from sly_tui.ui.messages import MonitorEvent
from sly_tui.ui.workers import ReportsFailedWorkers

TASK_SCOPES = ("task", "tasks")  # the scopes of the actions that act on listed tasks

if TYPE_CHECKING:
    from sly_tui.ui.app import SlyApp
    from sly_tui.ui.forms.base import Target


class LiveScreen(ReportsFailedWorkers, Screen[None]):
    """Base of the screens that show polled data."""

    BINDINGS: ClassVar[list[BindingType]] = list(actions.bindings())

    subscription: Subscription | None = None
    # False on screens that list no task to act on (agents, the failure feed): the task
    # actions (stop, outputs …) are then neither shown nor taken.
    ACTS_ON_TASKS: ClassVar[bool] = True

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

    # --- task actions ---------------------------------------------------------------------

    def target(self) -> Target:
        """What the actions act on here; screens with tasks override this."""
        from sly_tui.ui.forms.base import Target  # the forms load on first use, not at start

        selection = self.sly.selection
        if selection is None:
            return Target()
        return Target(team_id=selection.team_id, workspace_id=selection.workspace_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act" and parameters:
            known = actions.BY_ID.get(str(parameters[0]))
            if known is not None and known.mutates and self.sly.read_only:
                return False
            if known is not None and known.scope in TASK_SCOPES and not self.ACTS_ON_TASKS:
                return False
        return True

    def on_key(self, event: events.Key) -> None:
        """In read-only mode a mutating action's binding is disabled, so its key would do
        nothing at all: say why instead."""
        if not self.sly.read_only:
            return
        for binding in self._bindings.key_to_bindings.get(event.key, []):  # keymap applied
            action = actions.BY_BINDING.get(binding.action)
            if action is not None and action.mutates:
                event.stop()
                self._refuse_read_only(action)
                return

    def _refuse_read_only(self, action: actions.Action) -> None:
        self.notify(
            f"Read-only mode: {action.label} is disabled (nothing is changed on the server).",
            severity="warning",
            markup=False,
        )

    def action_act(self, action_id: str) -> None:
        action = actions.BY_ID[action_id]
        if action.mutates and self.sly.read_only:
            self._refuse_read_only(action)
            return
        target = self.target()
        if (why := actions.refusal(action, target)) is not None:
            self.notify(why, severity="warning", markup=False)
            return
        # Only task actions report back (the list clears its marks); starting an app does not.
        callback = self.action_done if action.scope != "workspace" else None
        self.app.push_screen(action.form_class()(target), callback)

    def action_done(self, result: Any) -> None:
        """Called when an action's form closes (None when cancelled)."""
