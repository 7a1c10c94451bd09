"""Component styles for text drawn by hand (Line API rows, composed status lines)."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def text_style(widget: Widget, component: str) -> Style:
    """A component's text style without its background.

    `get_component_rich_style(partial=True)` returns translucent theme colours such as
    `$text-muted` unblended, which vanish on light themes; the full style has them blended
    with the widget's background, so its foreground is taken and its background dropped.
    """
    full = widget.get_component_rich_style(component)
    return Style(
        color=full.color,
        bold=full.bold,
        dim=full.dim,
        italic=full.italic,
        underline=full.underline,
        reverse=full.reverse,
    )
