"""The log view's search prompt: one line at the bottom of the screen, the log still visible.

It dismisses with a `SearchRequest` (or None on escape) and the log view runs it; an
invalid regex is told in the prompt, which stays open to be corrected.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from sly_tui.text import one_line
from sly_tui.ui.widgets.log_search import SearchRequest


class SearchPrompt(ModalScreen[SearchRequest | None]):
    """A one-line search prompt at the bottom of the screen; the log stays visible."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="log.search.cancel"),
        Binding("ctrl+r", "toggle_flag('regex')", "Regex", id="log.search.regex"),
        Binding("ctrl+t", "toggle_flag('case')", "Match case", id="log.search.case"),
    ]
    DEFAULT_CSS = """
    SearchPrompt {
        align: left bottom;
        background: transparent;
    }
    SearchPrompt > Horizontal {
        height: 1;
        background: $panel;
    }
    SearchPrompt Label {
        width: auto;
        padding: 0 1;
        color: $text-muted;
    }
    SearchPrompt #search-error {
        color: $text-error;
    }
    SearchPrompt Input, SearchPrompt Input:focus {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0;
        background: $panel;
    }
    """

    def __init__(self, request: SearchRequest) -> None:
        super().__init__()
        self._request = request

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label("/")
            yield Input(self._request.text, placeholder="search the log", id="search-text")
            yield Label("", id="search-error")
            yield Label(self._flags(), id="search-flags")

    def _flags(self) -> str:
        regex = "on" if self._request.regex else "off"
        case = "on" if self._request.case else "off"
        return f"^r regex:{regex}  ^t case:{case}"

    def action_toggle_flag(self, flag: str) -> None:
        request = self._request
        if flag == "regex":
            self._request = replace(request, regex=not request.regex)
        else:
            self._request = replace(request, case=not request.case)
        self.query_one("#search-flags", Label).update(self._flags())

    @on(Input.Changed)
    def _edited(self) -> None:
        self.query_one("#search-error", Label).update("")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        request = replace(self._request, text=one_line(event.value))
        error = request.error()
        if error is not None:
            # Text: the regex and Python's message are shown as typed, never as markup.
            self.query_one("#search-error", Label).update(Text(error))
            return
        self.dismiss(request)
