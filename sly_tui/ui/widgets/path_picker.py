"""Picking local paths: a directory tree that can climb above where it starts, and a
modal that asks for a directory (where downloads go).

`DirectoryTree` cannot leave its root, so the picker re-roots it: Backspace goes to the
parent directory, and typing an existing directory with a final `/` into the modal's
input moves the tree there. Enter on a node (or a click) reports the path with
`PathPicker.Picked`; what that means (fill a field, add to a list) is the owner's
business.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Static

from sly_tui.text import one_line


def local_path(text: str) -> Path:
    """A path as typed: `~` expanded, relative to the working directory."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


class DirectoriesOnly(DirectoryTree):
    """A tree that lists only directories (for choosing where files go)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [path for path in paths if path.is_dir()]


class PathPicker(Vertical):
    """The current root on top, the tree below; Backspace climbs one level."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace", "parent", "Parent directory", id="picker.parent"),
    ]

    DEFAULT_CSS = """
    PathPicker { height: 10; border: round $primary-muted; }
    PathPicker > #picker-root { height: 1; color: $text-muted; }
    PathPicker > DirectoryTree { height: 1fr; }
    """

    class Picked(Message):
        """Enter (or a click) on a file or a directory of the tree."""

        def __init__(self, path: Path, is_dir: bool) -> None:
            super().__init__()
            self.path = path
            self.is_dir = is_dir

    def __init__(self, start: Path, *, dirs_only: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.start = start if start.is_dir() else Path.cwd()
        self.dirs_only = dirs_only

    def compose(self) -> ComposeResult:
        yield Static(id="picker-root")
        tree = DirectoriesOnly if self.dirs_only else DirectoryTree
        yield tree(self.start)

    def on_mount(self) -> None:
        self._show_root()

    @property
    def root(self) -> Path:
        return Path(self.query_one(DirectoryTree).path)

    def go(self, path: Path) -> None:
        """Show `path` (an existing directory) as the tree's root."""
        if path.is_dir() and path != self.root:
            self.query_one(DirectoryTree).path = path
            self._show_root()

    def action_parent(self) -> None:
        self.go(self.root.parent)

    def _show_root(self) -> None:
        label = Text(f"{one_line(str(self.root))}  (Backspace: parent directory)")
        self.query_one("#picker-root", Static).update(label)

    @on(DirectoryTree.FileSelected)
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.post_message(self.Picked(event.path, is_dir=False))

    @on(DirectoryTree.DirectorySelected)
    def _directory(self, event: DirectoryTree.DirectorySelected) -> None:
        event.stop()
        self.post_message(self.Picked(event.path, is_dir=True))


def writable_directory(text: str) -> Path | str:
    """The directory typed, or why it cannot take files."""
    if not text.strip():
        return "Enter a directory."
    path = local_path(text)
    if not path.is_dir():
        return f"{one_line(str(path))} is not an existing directory."
    if not os.access(path, os.W_OK | os.X_OK):
        return f"{one_line(str(path))} is not writable."
    return path


class PickDirectoryModal(ModalScreen[Path | None]):
    """Where should the files go? Returns a writable directory, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="picker.cancel"),
    ]

    DEFAULT_CSS = """
    PickDirectoryModal { align: center middle; }
    PickDirectoryModal > #picker-dialog {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    PickDirectoryModal #picker-title { text-style: bold; height: 1; }
    PickDirectoryModal #picker-error { color: $error; height: auto; }
    PickDirectoryModal #picker-buttons { height: 3; align-horizontal: right; }
    PickDirectoryModal #picker-buttons Button { margin-left: 1; }
    """

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog"):
            yield Static(Text("Save downloads to"), id="picker-title")
            yield PathPicker(self.start, dirs_only=True)
            yield Input(str(self.start), id="picker-path")
            yield Static(id="picker-error")
            with Horizontal(id="picker-buttons"):
                yield Button("Cancel", id="picker-cancel")
                yield Button("Choose", id="picker-choose", variant="primary")

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    @on(PathPicker.Picked)
    def _picked(self, event: PathPicker.Picked) -> None:
        if event.is_dir:
            self.query_one("#picker-path", Input).value = str(event.path)

    @on(Input.Changed, "#picker-path")
    def _typed(self, event: Input.Changed) -> None:
        """A directory typed with a final `/` moves the tree there (to jump anywhere)."""
        if event.value.endswith("/") and (path := local_path(event.value)).is_dir():
            self.query_one(PathPicker).go(path)

    @on(Button.Pressed, "#picker-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#picker-path")
    @on(Button.Pressed, "#picker-choose")
    def _choose(self) -> None:
        chosen = writable_directory(self.query_one("#picker-path", Input).value)
        if isinstance(chosen, str):
            self.query_one("#picker-error", Static).update(Text(chosen))
            return
        self.dismiss(chosen)
