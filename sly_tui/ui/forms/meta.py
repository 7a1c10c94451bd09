"""Update a task's meta: a JSON object whose keys the server merges into `meta`.

The editor starts from the task's current name, so the common edit (renaming a session) is
one change away and the shape of the input is obvious. An agent storage folder is two
inputs that go together (`hostDir` and `folder`); the client sends them as
`agentStorageFolder`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from sly_tui.jsontext import editable_json
from sly_tui.ui.forms.base import Field, FormModal, Invalid, json_object
from sly_tui.ui.targets import Call, Target


class UpdateMetaModal(FormModal):
    """A JSON editor for the keys to merge, and the optional agent storage folder."""

    SUBMIT_LABEL = "Update meta"

    DEFAULT_CSS = """
    UpdateMetaModal #field-meta-json > TextArea { height: 8; }
    UpdateMetaModal #meta-note { color: $text-muted; }
    """

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.task_id = target.task.id
        self.heading = f"Update the meta of task {self.task_id}"
        name = target.task.meta.get("name")
        self.start = {"name": name if isinstance(name, str) else ""}

    def compose_fields(self) -> Iterable[Widget]:
        yield Static(
            Text("Top-level keys replace the task's; keys not given stay as they are."),
            id="meta-note",
        )
        yield Field(
            "Meta (JSON object)",
            TextArea(editable_json(self.start), show_line_numbers=True, id="meta-json"),
        )
        yield Field(
            "Agent storage host dir",
            Input(placeholder="e.g. /sly-app-data", id="meta-host-dir"),
            hint="optional, with an app folder",
        )
        yield Field(
            "App folder inside it",
            Input(placeholder="e.g. my-app", id="meta-folder"),
            hint="optional, with a host dir",
        )

    def build(self) -> Call:
        data = json_object(self.value("meta-json"), "meta-json")
        if "id" in data:
            raise Invalid("meta-json", "'id' names the task and cannot be changed here.")
        host_dir = self.value("meta-host-dir").strip() or None
        folder = self.value("meta-folder").strip() or None
        if host_dir is not None and not host_dir.startswith("/"):
            raise Invalid("meta-host-dir", "The host dir is an absolute path (starts with /).")
        if folder is not None and (folder.startswith("/") or ".." in folder.split("/")):
            raise Invalid("meta-folder", "The app folder is a path inside the host dir.")
        if (host_dir is None) != (folder is None):
            missing = "meta-folder" if folder is None else "meta-host-dir"
            raise Invalid(missing, "Give both the host dir and the app folder, or neither.")
        if not data and host_dir is None:
            raise Invalid("meta-json", "Nothing to update: add a key.")
        task_id = self.task_id
        arguments: dict[str, Any] = {"task_id": task_id, "data": data}
        if host_dir is not None:
            arguments.update(agent_storage_folder=host_dir, relative_app_dir=folder)
        return Call(
            "tasks.meta.update",
            arguments,
            lambda client: client.tasks.update_meta(task_id, data, host_dir, folder),
            done=f"Meta of task {task_id} updated.",
        )
