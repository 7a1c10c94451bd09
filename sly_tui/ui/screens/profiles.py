"""Pick a saved profile (`P`, or "Switch profile" in the palette). Dismisses with its name,
or None on Escape.

Each line names the profile and its server, never its token; the one in use is marked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from sly_tui.config import Profile
from sly_tui.text import one_line


def profile_line(profile: Profile, current: bool) -> Text:
    """`● prod  https://sly.example.com  read-only`: what tells the profiles apart."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append("● " if current else "  ", "bold")
    line.append(one_line(profile.name), "bold")
    line.append(f"  {one_line(profile.server or '(no server)')}")
    if profile.read_only:
        line.append("  read-only", "italic")
    return line


class ProfileScreen(ModalScreen["str | None"]):
    """The saved profiles, the current one first under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Back", id="profiles.back"),
    ]

    DEFAULT_CSS = """
    ProfileScreen { align: center middle; }
    ProfileScreen > Vertical {
        width: 80%;
        max-width: 90;
        height: auto;
        max-height: 80%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    ProfileScreen Label { color: $text-muted; }
    ProfileScreen OptionList { height: auto; max-height: 16; border: none; }
    """

    def __init__(self, profiles: Mapping[str, Profile], current: str | None) -> None:
        super().__init__()
        self._profiles = profiles
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Switch to a saved profile (Enter), Escape to stay")
            yield OptionList(
                *(
                    Option(profile_line(profile, name == self._current), id=name)
                    for name, profile in sorted(self._profiles.items())
                ),
                id="profiles",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current is not None and self._current in self._profiles:
            options.highlighted = options.get_option_index(self._current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
