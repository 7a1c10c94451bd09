"""`?`: every key that works right now, this view's first, then the global ones.

Built from the live bindings (after the user's keymap), so it can never disagree with
what the keys do. Keys hidden from the footer are listed too: the footer only has room
for the most important.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def key_table(screen: Screen[object]) -> Table:
    """Two sections of (keys, what they do): the focused view's, then the app's."""
    app = screen.app
    local: dict[str, list[str]] = {}
    everywhere: dict[str, list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        target = everywhere if isinstance(active.node, App) else local
        label = binding.description if active.enabled else f"{binding.description} (off)"
        target.setdefault(label, []).append(app.get_key_display(binding))
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column()
    for title, section in (("This view", local), ("Everywhere", everywhere)):
        if not section:
            continue
        table.add_row(Text(title, "bold underline"), Text(""))
        for label, keys in section.items():
            table.add_row(Text(" / ".join(dict.fromkeys(keys))), Text(label))
        table.add_row(Text(""), Text(""))
    return table


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, table: Table) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Keys  (Esc closes; ctrl+p finds any action by name)", "italic"))
            yield Static(self.table)
