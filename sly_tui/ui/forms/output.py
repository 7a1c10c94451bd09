"""Set a task's output: the link or message the task list shows for it.

The seven kinds of `tasks.output.set` differ only in their inputs and in the client method
that turns them into a body, so they are one table (`KINDS`): each kind lists its entries,
each entry says which argument of the method it fills and how its text is checked. The
form shows the entries of the chosen kind only; what was typed for another kind stays
there if the user switches back.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.containers import VerticalGroup
from textual.widget import Widget
from textual.widgets import Checkbox, ContentSwitcher, Input, Select

from sly_tui.api import outputs
from sly_tui.api.tasks import TaskApi
from sly_tui.ui.forms.base import Field, FormModal, Invalid, required_text, whole_number
from sly_tui.ui.targets import Call, Target

OutputMethod = Callable[..., Awaitable[Any]]  # an unbound `TaskApi.set_output_*`


@dataclass(frozen=True)
class Entry:
    """One input of an output kind: the client argument it fills and how it is checked.

    A text entry that is not `required` is left out of the call when empty, so the client's
    default applies; `flag` makes the entry a checkbox with that default instead.
    """

    argument: str
    label: str
    hint: str = ""
    placeholder: str = ""
    required: bool = True
    number: bool = False  # a positive id
    flag: bool | None = None
    pattern: re.Pattern[str] | None = None
    pattern_says: str = ""  # what a value matching `pattern` looks like
    needs: str | None = None  # another argument that must be given with this one

    def widget_id(self, kind: str) -> str:
        return f"output-{kind}-{self.argument.replace('_', '-')}"

    def widget(self, kind: str) -> Widget:
        if self.flag is not None:
            return Checkbox(self.label, self.flag, id=self.widget_id(kind))
        return Field(
            self.label,
            Input(placeholder=self.placeholder, id=self.widget_id(kind)),
            hint=self.hint,
        )

    def read(self, form: FormModal, kind: str) -> Any:
        """The argument's value, None when an optional entry is empty."""
        field_id = self.widget_id(kind)
        if self.flag is not None:
            return form.checked(field_id)
        text = form.value(field_id).strip()
        if self.number:
            return whole_number(text, field_id, self.label.lower(), required=self.required)
        if self.required:
            text = required_text(text, field_id, self.label.lower())
        elif not text:
            return None
        if self.pattern is not None and not self.pattern.fullmatch(text):
            raise Invalid(field_id, f"The {self.label.lower()} is {self.pattern_says}.")
        return text


@dataclass(frozen=True)
class Kind:
    """One kind of output: its name, the client method that sets it, and its inputs."""

    label: str
    method: OutputMethod
    entries: tuple[Entry, ...]


FILE_ID = Entry("file_id", "Team file id", placeholder="e.g. 801", number=True)
FILE_NAME = Entry("file_name", "File name", placeholder="e.g. report.html")
FILE_URL = Entry(
    "file_url", "File URL", hint="optional: empty asks the server for its path", required=False
)
TITLE = Entry("title", "Title")
DESCRIPTION = Entry("description", "Description", hint="optional", required=False)
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def colour(argument: str, label: str, default: str) -> Entry:
    """An optional `#rrggbb` colour; empty keeps the SDK's default."""
    return Entry(
        argument,
        label,
        hint=f"optional, default {default}",
        placeholder=default,
        required=False,
        pattern=COLOUR,
        pattern_says="a colour like #33c94c",
    )


KINDS: dict[str, Kind] = {
    "project": Kind(
        "Project",
        TaskApi.set_output_project,
        (
            Entry("project_id", "Project id", placeholder="e.g. 601", number=True),
            Entry(
                "project_name",
                "Project name",
                hint="optional: empty takes name and preview from the project",
                required=False,
            ),
            Entry(
                "project_preview",
                "Preview image URL",
                hint="optional, with a name",
                required=False,
                needs="project_name",
            ),
        ),
    ),
    "report": Kind(
        "Report",
        TaskApi.set_output_report,
        (
            FILE_ID,
            FILE_NAME,
            Entry("description", "Description", hint="optional, default Report", required=False),
        ),
    ),
    "archive": Kind("Archive", TaskApi.set_output_archive, (FILE_ID, FILE_NAME, FILE_URL)),
    "file": Kind(
        "File download",
        TaskApi.set_output_file_download,
        (FILE_ID, FILE_NAME, FILE_URL, Entry("download", "Download when clicked", flag=True)),
    ),
    "directory": Kind(
        "Directory",
        TaskApi.set_output_directory,
        (
            FILE_ID,
            Entry("directory_path", "Directory path", placeholder="e.g. /experiments/run-1/"),
        ),
    ),
    "error": Kind(
        "Error",
        TaskApi.set_output_error,
        (TITLE, DESCRIPTION, Entry("show_logs", "Show logs", flag=True)),
    ),
    "text": Kind(
        "Text",
        TaskApi.set_output_text,
        (
            TITLE,
            DESCRIPTION,
            Entry("show_logs", "Show logs", flag=False),
            Entry(
                "zmdi_icon",
                "Icon",
                hint="optional, default zmdi-comment-alt-text",
                placeholder="zmdi-comment-alt-text",
                required=False,
                pattern=re.compile(r"zmdi-[a-z0-9-]+"),
                pattern_says="a Material icon name like zmdi-comment-alt-text",
            ),
            colour("icon_color", "Icon colour", outputs.GREEN),
            colour("background_color", "Background colour", outputs.GREEN_BACKGROUND),
        ),
    ),
}


FIRST_KIND = "project"


def kind_group(key: str) -> VerticalGroup:
    """The inputs of one kind, shown while that kind is chosen."""
    return VerticalGroup(*(entry.widget(key) for entry in KINDS[key].entries), id=f"output-{key}")


class SetOutputModal(FormModal):
    """Pick a kind, fill in its fields; the task list and detail view show the result."""

    SUBMIT_LABEL = "Set output"

    DEFAULT_CSS = """
    SetOutputModal #output-kinds { height: auto; }
    SetOutputModal #output-kinds Checkbox { border: none; padding: 0; margin-bottom: 1; }
    """

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.task_id = target.task.id
        self.heading = f"Set the output of task {self.task_id}"

    def compose_fields(self) -> Iterable[Widget]:
        choices = [(Text(kind.label), key) for key, kind in KINDS.items()]
        yield Field("Kind", Select(choices, allow_blank=False, value=FIRST_KIND, id="output-kind"))
        yield ContentSwitcher(
            kind_group(FIRST_KIND), initial=f"output-{FIRST_KIND}", id="output-kinds"
        )

    @on(Select.Changed, "#output-kind")
    async def _kind_changed(self, event: Select.Changed) -> None:
        """Show the kind's fields, mounting them the first time (opening stays quick);
        the base class refreshes the preview after this."""
        switcher = self.query_one(ContentSwitcher)
        group_id = f"output-{event.value}"
        if not switcher.query_children(f"#{group_id}"):
            await switcher.add_content(kind_group(str(event.value)))
        switcher.current = group_id

    def build(self) -> Call:
        key = self.choice("output-kind")
        kind = KINDS[key]
        arguments: dict[str, Any] = {}
        for entry in kind.entries:
            value = entry.read(self, key)
            if value is not None:
                arguments[entry.argument] = value
        for entry in kind.entries:
            if entry.argument in arguments and entry.needs and entry.needs not in arguments:
                raise Invalid(
                    entry.widget_id(key), f"Give the {entry.needs.replace('_', ' ')} too."
                )
        task_id = self.task_id
        return Call(
            f"tasks.output.set ({kind.method.__name__})",
            {"task_id": task_id, **arguments},
            lambda client: kind.method(client.tasks, task_id, **arguments),
            done=f"Output of task {task_id} set: {kind.label.lower()}.",
        )
