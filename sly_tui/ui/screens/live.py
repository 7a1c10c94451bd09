"""A screen fed by one subscription to the polling service, with the task actions.

The subscription (`sly_tui.ui.bridge.Subscriber`) lives exactly as long as the screen: it
pauses while another screen covers this one (no polling for what nobody sees), resumes
when the screen is shown again, and ends when the screen is dismissed. Events arrive as
`MonitorEvent` messages.

The task actions (start, stop, outputs …) are bound here from `sly_tui.ui.actions`; each
screen says what they act on through `target()`. In read-only mode the mutating ones are
hidden from the footer and refused.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.binding import BindingType
from textual.screen import Screen

from sly_tui.api import TaskInfo
from sly_tui.ui import actions
from sly_tui.ui.bridge import Subscriber
from sly_tui.ui.targets import Launched, Target
from sly_tui.ui.workers import ReportsFailedWorkers

TASK_SCOPES = ("task", "tasks")  # the scopes of the actions that act on listed tasks


class LiveScreen(ReportsFailedWorkers, Subscriber, Screen[None]):
    """Base of the screens that show polled data."""

    BINDINGS: ClassVar[list[BindingType]] = list(actions.bindings())

    # False on screens that list no task to act on (agents, the failure feed): the task
    # actions (stop, outputs …) are then neither shown nor taken.
    ACTS_ON_TASKS: ClassVar[bool] = True

    # --- task actions ---------------------------------------------------------------------

    def target(self) -> Target:
        """What the actions act on here; screens with tasks override this."""
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

    def action_watch(self) -> None:
        """`W` on the screens that bind it: watch what the actions would act on."""
        self.sly.toggle_watch(self.target().tasks)

    def action_act(self, action_id: str) -> None:
        action = actions.BY_ID[action_id]
        if action.mutates and self.sly.read_only:
            self._refuse_read_only(action)
            return
        target = self.target()
        if (why := actions.refusal(action, target)) is not None:
            self.notify(why, severity="warning", markup=False)
            return
        self.app.push_screen(action.form_class()(target), self._form_closed)

    def _form_closed(self, result: Any) -> None:
        """An action's form closed. Forms never open screens: a menu hands over the form
        chosen in it, a form that created a task hands over its id, and this screen opens
        them; anything else is the form's outcome (`action_done`)."""
        # Through the app's queue, after what the form posted there (its notification)
        # and after the form has gone.
        if isinstance(result, Screen):
            self.app.call_later(self.app.push_screen, result, self._form_closed)
        elif isinstance(result, Launched):
            self.app.call_later(self.open_task, result.task_id)
        else:
            self.action_done(result)

    def action_done(self, result: Any) -> None:
        """Called when a task action's form closes (None when cancelled)."""

    def open_task(self, task_id: int, task: TaskInfo | None = None) -> None:
        """Show the task's detail (`task`, if known, fills it before the first poll)."""
        from sly_tui.ui.screens.task_detail import TaskDetailScreen  # a LiveScreen itself

        self.app.push_screen(TaskDetailScreen(task_id, task))
