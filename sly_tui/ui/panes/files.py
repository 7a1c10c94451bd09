"""Files of a task: import files to download, uploads (placeholder until implemented)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from sly_tui.ui.panes.base import TaskPane


class FilesPane(TaskPane):
    TAB = "Files"

    def compose(self) -> ComposeResult:
        yield Static("Files will appear here.")
