"""Small helpers shared by the Pilot tests."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget


async def wait_for(pilot: Pilot, predicate: Callable[[], bool], tries: int = 150) -> None:
    """Let the app run until `predicate()` holds (workers and polls are asynchronous)."""
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


def strip_text(strip: Strip) -> str:
    return "".join(segment.text for segment in strip)


def widget_lines(widget: Widget) -> list[str]:
    """The text a Line API widget shows right now, line by line."""
    return [strip_text(widget.render_line(y)) for y in range(widget.size.height)]


def screen_text(pilot: Pilot) -> str:
    """Everything on screen as plain text (from the compositor's last frame)."""
    return "\n".join(strip_text(strip) for strip in pilot.app.screen._compositor.render_strips())
