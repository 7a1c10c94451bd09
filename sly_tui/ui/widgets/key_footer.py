"""The footer of every screen: `? Help` first and always there, then as many keys as fit.

Textual's footer lists the keys of the focused widget, its screen and the app in that
order and cuts the row at the screen's edge, so at 80 columns `? Help` (an app key, so
last) fell off and the last key shown was cut mid-word. Here the help key is docked at
the left, and a key that would not fit whole is hidden with all after it; the help
screen lists every key anyway.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not re-exported by textual.widgets

HELP_ACTION = "help"  # the app's `?` binding


class KeyFooter(Footer):
    """A `Footer` that never cuts a key and always shows the help key."""

    DEFAULT_CSS = """
    KeyFooter FooterKey.-help { dock: left; }
    KeyFooter FooterKey.-cut { display: none; }
    """

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action == HELP_ACTION:
                widget.add_class("-help")
            yield widget
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Hide the first key that would not fit whole beside the help and palette keys,
        and every key after it (measured, not laid out: hidden keys keep their width)."""
        keys = list(self.query(FooterKey))
        if not self.size.width or not keys:
            return
        room = self.size.width - sum(_width(key) for key in keys if _pinned(key))
        cut = False
        for key in keys:
            if _pinned(key):
                continue
            room -= _width(key)
            cut = cut or room < 0
            key.set_class(cut, "-cut")


def _pinned(key: FooterKey) -> bool:
    return key.has_class("-help") or key.has_class("-command-palette")


def _width(key: FooterKey) -> int:
    """The cells a key takes in the row: its label and its own padding, border, margin."""
    return key.render().cell_len + key.styles.gutter.width + key.styles.margin.width
