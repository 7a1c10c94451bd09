"""A task's data fields: read one path, or write it and read it back.

The app behind a task keeps free-form JSON (`state`, `data` …) on the server, addressed by
dotted paths with list indices (`data.chart.series[0].data`). One form does both
directions: an Action select says whether Submit reads (`tasks.data.get`) or writes
(`tasks.data.set`, then a read so the user sees what the merge produced), so the preview
always names the one request the button sends. Reading stays open in read-only mode;
writing is then not offered, and says why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static, TextArea

from sly_tui.api import SlyClient
from sly_tui.text import clean, one_line
from sly_tui.ui.forms.base import Field, FormModal, Invalid, json_value
from sly_tui.ui.targets import Call, Target

ANSWER_LIMIT = 20_000  # characters of an answer shown; a huge value is cut, not rendered
PATH = re.compile(r"[^.\[\]]+(?:\.[^.\[\]]+|\[\d+\])*")
READ_ONLY_NOTE = "Read-only mode: writes are disabled."

# mode → (label, append, recursive), as `tasks.data.set` takes them
MODES: dict[str, tuple[str, bool, bool]] = {
    "replace": ("Replace the value", False, False),
    "append": ("Append: shallow merge into an object, or add to a list", True, False),
    "merge": ("Deep merge into an object", True, True),
}


class Answer(Static):
    """Where a form that stays open shows what the server answered: a heading, then the
    value as pretty JSON, literal (whatever an app stored is untrusted text)."""

    DEFAULT_CSS = """
    Answer { height: auto; margin-top: 1; padding: 0 1; background: $boost; }
    Answer.-empty { display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-empty")

    def show(self, heading: str, value: Any) -> None:
        """Show the answer, and clear the form's "Sending…" (the base writes it there)."""
        self.screen.query_one("#form-error", Static).update("")
        body = json.dumps(value, ensure_ascii=False, indent=2, default=str)
        if len(body) > ANSWER_LIMIT:
            body = f"{body[:ANSWER_LIMIT]}\n… {len(body) - ANSWER_LIMIT} more characters"
        text = Text.assemble((one_line(heading), "bold"), "\n", clean(body))
        self.remove_class("-empty")
        self.update(text)
        self.scroll_visible(animate=False)


@dataclass(frozen=True)
class Reading:
    """A field's value as read back, and whether it was just written."""

    path: str
    value: Any
    written: bool


async def read_field(client: SlyClient, task_id: int, path: str) -> Reading:
    return Reading(path, await client.tasks.get_field(task_id, path), written=False)


async def write_field(
    client: SlyClient, task_id: int, path: str, payload: Any, append: bool, recursive: bool
) -> Reading:
    """Write, then read back what the server's merge made of it. Should only the read fail,
    its error names `tasks.data.get`, so the user can tell the write landed."""
    await client.tasks.set_field(task_id, path, payload, append=append, recursive=recursive)
    return Reading(path, await client.tasks.get_field(task_id, path), written=True)


class DataFieldsModal(FormModal):
    """Get or set one data field; the answer shows below the fields and the form stays."""

    SUBMIT_LABEL = "Get"
    STAYS_OPEN = True

    DEFAULT_CSS = """
    DataFieldsModal #data-read-only { color: $warning; }
    """

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.task_id = target.task.id
        self.heading = f"Data fields of task {self.task_id}"

    @property
    def writable(self) -> bool:
        return not self.sly.read_only

    def compose_fields(self) -> Iterable[Widget]:
        yield Field(
            "Field path",
            Input(placeholder="e.g. data.progress or state.items[0]", id="data-path"),
            hint="dots between keys, [i] for list items",
        )
        actions = [(Text("Get: read the value"), "get")]
        if self.writable:
            actions.append((Text("Set: write a value, then read it back"), "set"))
        yield Field(
            "Action",
            Select(
                actions,
                allow_blank=False,
                value="get",
                disabled=not self.writable,
                id="data-action",
            ),
        )
        if self.writable:
            yield Field("Payload", TextArea(id="data-payload"), hint="JSON")
            modes = [(Text(label), key) for key, (label, _, _) in MODES.items()]
            yield Field("How to write", Select(modes, allow_blank=False, id="data-mode"))
        else:
            yield Static(Text(READ_ONLY_NOTE), id="data-read-only")
        yield Answer(id="data-answer")

    def on_mount(self) -> None:
        # Textual also runs the base class's `on_mount` (focus, preview) by itself.
        self._show_action()

    @on(Select.Changed, "#data-action")
    def _show_action(self) -> None:
        setting = self.choice("data-action") == "set"
        for field in self.query("#field-data-payload, #field-data-mode"):
            field.display = setting
        self.query_one("#form-submit", Button).label = "Set" if setting else "Get"

    def build(self) -> Call:
        path = self.value("data-path").strip()
        if not path:
            raise Invalid("data-path", "Enter the field path.")
        if not PATH.fullmatch(path):
            raise Invalid(
                "data-path", "A path is keys joined by dots, with [i] for list items: a.b[0].c"
            )
        task_id = self.task_id
        if self.choice("data-action") != "set":
            return Call(
                "tasks.data.get",
                {"task_id": task_id, "fields": [path]},
                lambda client: read_field(client, task_id, path),
            )
        if not self.writable:
            raise Invalid("data-action", READ_ONLY_NOTE)
        payload = json_value(self.value("data-payload"), "data-payload", allow_empty=False)
        _, append, recursive = MODES[self.choice("data-mode")]
        if recursive and not isinstance(payload, dict):
            raise Invalid("data-payload", "A deep merge takes a JSON object.")
        arguments = {
            "task_id": task_id,
            "field": path,
            "payload": payload,
            "append": append,
            "recursive": recursive,
        }
        return Call(
            "tasks.data.set, then tasks.data.get",
            arguments,
            lambda client: write_field(client, task_id, path, payload, append, recursive),
        )

    def show_result(self, result: Any) -> None:
        reading: Reading = result
        verb = "is now" if reading.written else "is"
        self.query_one(Answer).show(f"{reading.path} {verb}:", reading.value)
