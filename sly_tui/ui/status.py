"""Task statuses as people read them: a few colour groups, a symbol and a sort order.

The symbol makes the status readable without colour (colour-blind users, NO_COLOR, odd
terminals); the colour comes from theme variables named after the group
(`$status-running` …), so every theme can restyle statuses.
"""

from __future__ import annotations

from enum import Enum

from sly_tui.enums import Status
from sly_tui.text import one_line


class StatusGroup(Enum):
    """(sort order, symbol); the member name is the theme variable suffix."""

    failed = (0, "✖")
    running = (1, "▶")
    serving = (2, "◆")
    stopping = (3, "◼")
    pending = (4, "◷")
    unknown = (5, "?")
    stopped = (6, "■")
    done = (7, "✔")

    @property
    def order(self) -> int:
        return self.value[0]

    @property
    def symbol(self) -> str:
        return self.value[1]


_GROUPS: dict[str, StatusGroup] = {
    Status.QUEUED: StatusGroup.pending,
    Status.CONSUMED: StatusGroup.pending,
    Status.STARTED: StatusGroup.running,
    Status.DEPLOYED: StatusGroup.serving,
    Status.TERMINATING: StatusGroup.stopping,
    Status.FINISHED: StatusGroup.done,
    Status.ERROR: StatusGroup.failed,
    Status.STOPPED: StatusGroup.stopped,
}

# Defaults for the theme variables; themes may override any of them.
STATUS_COLOURS = {
    "status-pending": "#9aa5b1",
    "status-running": "#3fa7ff",
    "status-serving": "#b57bff",
    "status-stopping": "#ffb454",
    "status-done": "#4cc38a",
    "status-failed": "#ff5c6c",
    "status-stopped": "#c0a36e",
}
# The same for light themes (Textual's textual-light, solarized-light …, which set none):
# dark enough for 3:1 contrast on their background, surface and panel.
STATUS_COLOURS_LIGHT = {
    "status-pending": "#525868",
    "status-running": "#1A5FB4",
    "status-serving": "#6A32BA",
    "status-stopping": "#8F4A00",
    "status-done": "#0F663E",
    "status-failed": "#B01E35",
    "status-stopped": "#6B4E1A",
}


def status_group(status: Status | str | None) -> StatusGroup:
    return (
        _GROUPS.get(status, StatusGroup.unknown)
        if isinstance(status, str)
        else (StatusGroup.unknown)
    )


def status_label(status: Status | str | None) -> str:
    """`▶ started`: symbol and the server's own word (unknown words shown as sent)."""
    group = status_group(status)
    return f"{group.symbol} {one_line(str(status)) if status else 'unknown'}"


WATCHED_GLYPH = "◎"  # before the name of a watched task (`W`), in the list and task view
