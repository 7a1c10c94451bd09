"""Picking local paths: a directory tree that can climb above where it starts, a modal
that asks for a directory (where downloads go) and one that asks for a file to write (a
saved log), both with the path typed or prefilled in one field.

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


def file_target(text: str) -> Path | str:
    """The file typed, or why it cannot be written."""
    if not text.strip():
        return "Enter a file name."
    path = local_path(text)
    if path.is_dir():
        return f"{one_line(str(path))} is a directory: add a file name."
    folder = writable_directory(str(path.parent))
    return folder if isinstance(folder, str) else path


class PathModal(ModalScreen[Path | None]):
    """A dialog that asks for a local path: a title, what a subclass shows above the field
    (`compose_body`), the field, one line for problems, Cancel and a confirm button.
    Subclasses say what a typed path must be (`check`); Esc cancels (their binding)."""

    CONFIRM: ClassVar[str] = "Choose"

    DEFAULT_CSS = """
    PathModal { align: center middle; }
    PathModal > #path-dialog {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    PathModal #path-title { text-style: bold; height: auto; }
    PathModal #path-error { color: $error; height: auto; }
    PathModal #path-buttons { height: 3; align-horizontal: right; }
    PathModal #path-buttons Button { margin-left: 1; }
    """

    def __init__(self, title: str, start: Path) -> None:
        super().__init__()
        self.heading = title
        self.start = start

    def compose_body(self) -> ComposeResult:
        yield from ()

    def check(self, text: str) -> Path | str:
        """The path typed, or a sentence saying what is wrong with it."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="path-dialog"):
            yield Static(Text(self.heading), id="path-title")
            yield from self.compose_body()
            yield Input(str(self.start), id="path-input")
            yield Static(id="path-error")
            with Horizontal(id="path-buttons"):
                yield Button("Cancel", id="path-cancel")
                yield Button(self.CONFIRM, id="path-confirm", variant="primary")

    def show_error(self, message: str) -> None:
        self.query_one("#path-error", Static).update(Text(message))

    @on(Button.Pressed, "#path-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#path-input")
    @on(Button.Pressed, "#path-confirm")
    def _confirm(self) -> None:
        chosen = self.check(self.query_one("#path-input", Input).value)
        if isinstance(chosen, str):
            self.show_error(chosen)
            return
        self.dismiss(chosen)


class PickDirectoryModal(PathModal):
    """Where should the files go? Returns a writable directory, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="picker.cancel"),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__("Save downloads to", start)

    def compose_body(self) -> ComposeResult:
        yield PathPicker(self.start, dirs_only=True)

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    @on(PathPicker.Picked)
    def _picked(self, event: PathPicker.Picked) -> None:
        if event.is_dir:
            self.query_one("#path-input", Input).value = str(event.path)

    @on(Input.Changed, "#path-input")
    def _typed(self, event: Input.Changed) -> None:
        """A directory typed with a final `/` moves the tree there (to jump anywhere)."""
        if event.value.endswith("/") and (path := local_path(event.value)).is_dir():
            self.query_one(PathPicker).go(path)

    def check(self, text: str) -> Path | str:
        return writable_directory(text)


class SaveFileModal(PathModal):
    """Save to which file? The path is prefilled and shown before anything is written.
    Returns the path, new or confirmed to be overwritten (a second Enter on an existing
    file), or None."""

    CONFIRM = "Save"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="save.cancel"),
    ]

    def __init__(self, title: str, default: Path) -> None:
        super().__init__(title, default)
        self._overwrite: Path | None = None  # the existing file a second Enter overwrites

    def on_mount(self) -> None:
        self.query_one("#path-input", Input).focus()

    @on(Input.Changed, "#path-input")
    def _edited(self) -> None:
        self._overwrite = None
        self.show_error("")

    def check(self, text: str) -> Path | str:
        target = file_target(text)
        if isinstance(target, Path) and target.exists() and target != self._overwrite:
            self._overwrite = target
            return f"{target.name} exists: Enter again to overwrite it."
        return target
