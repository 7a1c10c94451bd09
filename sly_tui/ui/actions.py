"""Every action on tasks, declared once: its key, label, form and what it acts on.

Screens turn this table into key bindings (each with an id, so keys can be remapped),
the command palette into commands, and read-only mode into hidden, refused actions.
Forms are imported only when opened, which keeps start-up light.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.binding import Binding

if TYPE_CHECKING:
    from sly_tui.ui.targets import Target

Scope = Literal["tasks", "task", "workspace"]


@dataclass(frozen=True)
class Action:
    id: str
    key: str
    label: str
    description: str
    form: str  # "module:Class" of the modal, imported on first use
    scope: Scope  # tasks = one or more, task = exactly one, workspace = none needed
    mutates: bool = True  # hidden and refused in read-only mode
    active_only: bool = False  # acts on tasks that have not ended (ended ones are left out)
    in_footer: bool = False  # the footer has room for the most important few only

    @property
    def binding(self) -> Binding:
        return Binding(
            self.key, f"act('{self.id}')", self.label, show=self.in_footer, id=f"task.{self.id}"
        )

    def form_class(self) -> type:
        module, _, name = self.form.partition(":")
        return getattr(importlib.import_module(module), name)


ACTIONS: tuple[Action, ...] = (
    Action(
        "start",
        "a",
        "Start app",
        "Start an app session on an agent (tasks.run.app)",
        "sly_tui.ui.forms.start:StartAppModal",
        "workspace",
        in_footer=True,
    ),
    Action(
        "stop",
        "x",
        "Stop",
        "Stop the task, or every marked task (tasks.stop)",
        "sly_tui.ui.forms.stop:StopModal",
        "tasks",
        active_only=True,
        in_footer=True,
    ),
    Action(
        "output",
        "o",
        "Set output",
        "Set the task's output: project, report, archive, file, directory, error, text",
        "sly_tui.ui.forms.output:SetOutputModal",
        "task",
    ),
    Action(
        "meta",
        "m",
        "Update meta",
        "Update the task's meta (tasks.meta.update)",
        "sly_tui.ui.forms.meta:UpdateMetaModal",
        "task",
    ),
    Action(
        "data",
        "d",
        "Data fields",
        "View and set the task's data fields (tasks.data.get / tasks.data.set)",
        "sly_tui.ui.forms.data:DataFieldsModal",
        "task",
        mutates=False,  # reading stays possible in read-only mode; the form refuses writes
    ),
    Action(
        "request",
        "R",
        "Send request",
        "Send a request to the running app (tasks.request.direct)",
        "sly_tui.ui.forms.request:SendRequestModal",
        "task",
    ),
    Action(
        "log_line",
        "L",
        "Add log line",
        "Add a line to the task's log (tasks.logs.add)",
        "sly_tui.ui.forms.log_line:LogLineModal",
        "task",
    ),
    Action(
        "legacy",
        "T",
        "Legacy runs",
        "Train, inference, DTL, deploy model, detached task (legacy plugin API)",
        "sly_tui.ui.forms.legacy:LegacyMenu",
        "workspace",
    ),
)
BY_ID = {action.id: action for action in ACTIONS}
BY_BINDING = {action.binding.action: action for action in ACTIONS}  # "act('stop')" → stop


def bindings() -> list[Binding]:
    return [action.binding for action in ACTIONS]


def available(read_only: bool) -> Iterator[Action]:
    return (action for action in ACTIONS if not (read_only and action.mutates))


def refusal(action: Action, target: Target) -> str | None:
    """Why `action` cannot run on `target` (None when it can)."""
    if action.scope == "tasks" and not target.tasks:
        return "No task is selected."
    if action.scope == "task" and len(target.tasks) > 1:
        return "This action takes one task: unmark the others first."
    if action.scope == "task" and not target.tasks:
        return "No task is selected."
    if action.scope == "workspace" and target.workspace_id is None:
        return "Open a workspace first."
    if action.active_only and target.tasks and not any(t.is_active for t in target.tasks):
        if len(target.tasks) == 1:
            task = target.task
            return f"Task {task.id} has already ended ({task.status}); there is nothing to stop."
        return "Every marked task has already ended; there is nothing to stop."
    return None
