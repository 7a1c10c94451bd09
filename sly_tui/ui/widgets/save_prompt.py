"""Asking where a file goes before writing it: a one-field prompt with the path prefilled.

The user sees (and may change) the whole path before anything is written; Enter saves,
Esc cancels. A file that exists already is overwritten only after a second Enter on the
same path, and every problem is one sentence under the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from sly_tui.text import one_line
from sly_tui.ui.widgets.path_picker import local_path, writable_directory


def file_target(text: str) -> Path | str:
    """The file typed, or why it cannot be written."""
    if not text.strip():
        return "Enter a file name."
    path = local_path(text)
    if path.is_dir():
        return f"{one_line(str(path))} is a directory: add a file name."
    folder = writable_directory(str(path.parent))
    return folder if isinstance(folder, str) else path


class SaveFileModal(ModalScreen[Path | None]):
    """Save to which file? Returns the path (new, or confirmed to overwrite), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="save.cancel"),
    ]

    DEFAULT_CSS = """
    SaveFileModal { align: center middle; }
    SaveFileModal > #save-dialog {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    SaveFileModal #save-title { text-style: bold; height: auto; }
    SaveFileModal #save-error { color: $error; height: auto; }
    SaveFileModal #save-buttons { height: 3; align-horizontal: right; }
    SaveFileModal #save-buttons Button { margin-left: 1; }
    """

    def __init__(self, title: str, default: Path) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self._overwrite: Path | None = None  # the existing file a second Enter overwrites

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Static(Text(self.title_text), id="save-title")
            yield Input(str(self.default), id="save-path")
            yield Static(id="save-error")
            with Horizontal(id="save-buttons"):
                yield Button("Cancel", id="save-cancel")
                yield Button("Save", id="save-confirm", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#save-path", Input).focus()

    @on(Button.Pressed, "#save-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Changed, "#save-path")
    def _edited(self) -> None:
        self._overwrite = None
        self.query_one("#save-error", Static).update("")

    @on(Input.Submitted, "#save-path")
    @on(Button.Pressed, "#save-confirm")
    def _save(self) -> None:
        target = file_target(self.query_one("#save-path", Input).value)
        error = self.query_one("#save-error", Static)
        if isinstance(target, str):
            error.update(Text(target))
            return
        if target.exists() and target != self._overwrite:
            self._overwrite = target
            error.update(Text(f"{target.name} exists: Enter again to overwrite it."))
            return
        self.dismiss(target)
