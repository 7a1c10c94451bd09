"""Component styles for text drawn by hand (Line API rows, composed status lines)."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def text_style(widget: Widget, component: str) -> Style:
    """What a component class declares, with its colours blended as Textual would draw them.

    `get_component_rich_style(partial=True)` keeps only what the class declares (right for
    text drawn over other backgrounds: a cursor row, a search match), but returns
    translucent theme colours such as `$text-muted` unblended, which vanish on light
    themes. The full style has them blended with the widget's background, so the declared
    properties are taken from the partial style and their colours from the full one.
    """
    partial = widget.get_component_rich_style(component, partial=True)
    full = widget.get_component_rich_style(component)
    return Style(
        color=full.color if partial.color else None,
        bgcolor=full.bgcolor if partial.bgcolor else None,
        bold=partial.bold,
        dim=partial.dim,
        italic=partial.italic,
        underline=partial.underline,
        reverse=partial.reverse,
    )
