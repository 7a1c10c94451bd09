"""The top line of every screen: where we are and how fresh the data is.

`sly-tui [prod] · Team / Workspace · alice@sly.example.com   ● live 2s   READ-ONLY`
(the profile in brackets when one is in use).
It re-renders once a second from the app's state so "stale for 12s" and "retrying in 4s"
count by themselves between events, and only repaints when its text changed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

from sly_tui.monitor.events import ConnectionState, Phase
from sly_tui.text import one_line
from sly_tui.ui.widgets.styling import text_style


@dataclass(frozen=True, slots=True)
class Place:
    """What the user is connected to, for the status bar (all plain, cleaned text)."""

    server: str = ""
    user: str = ""
    team: str = ""
    workspace: str = ""
    profile: str = ""  # the saved profile in use, if any


def health_text(state: ConnectionState, interval: float, now: float) -> tuple[str, str]:
    """(text, style class) for the connection indicator, without the error's reason."""
    retry = (
        "" if state.retry_at is None else f", retrying in {max(0, round(state.retry_at - now))}s"
    )
    age = "" if state.last_ok is None else f" {max(0, round(now - state.last_ok))}s ago"
    match state.phase:
        case Phase.LIVE:
            return f"● live · every {interval:g}s", "live"
        case Phase.PAUSED:
            return f"❚❚ paused (data from{age or ' never'})", "paused"
        case Phase.RETRYING:
            return f"▲ stale, updated{age or ' never'}{retry}", "stale"
        case Phase.DISCONNECTED:
            return f"✖ disconnected{retry}", "down"
    return "… connecting", "paused"


PLACE_KEPT = 24  # cells of "sly-tui · team / workspace" kept before the error's reason


class StatusBar(Widget):
    """One line: place on the left, connection health and modes on the right."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--live",
        "status-bar--paused",
        "status-bar--stale",
        "status-bar--down",
        "status-bar--mode",
    }
    DEFAULT_CSS = """
    StatusBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $text;
    }
    StatusBar > .status-bar--live { color: $success; }
    StatusBar > .status-bar--paused { color: $warning; }
    StatusBar > .status-bar--stale { color: $warning; text-style: bold; }
    StatusBar > .status-bar--down { color: $error; text-style: bold; }
    StatusBar > .status-bar--mode { color: $warning; text-style: bold reverse; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: Text | None = None

    def on_mount(self) -> None:
        self.set_interval(1.0, self.update_now)
        # Under another screen the bar is not seen: it skips its ticks, and catches up
        # when its screen is shown again (Textual counts each resume in `stack_updates`).
        self.watch(self.screen, "stack_updates", self._shown_again, init=False)

    def _shown_again(self) -> None:
        """Composed afresh when next drawn: on the screen's first showing, before its
        layout, the width is not known yet."""
        self._shown = None
        self.refresh()

    def update_now(self) -> None:
        if self.screen in self.app.screen_stack[:-1]:  # covered (not one being opened)
            return
        text = self._compose_text()
        if text != self._shown:
            self._shown = text
            self.refresh()

    def render(self) -> Text:
        if self._shown is None:
            self._shown = self._compose_text()
        return self._shown

    def _compose_text(self) -> Text:
        app = self.app
        place: Place = getattr(app, "place", Place())
        state: ConnectionState = getattr(app, "connection_state", ConnectionState(Phase.CONNECTING))
        interval = getattr(getattr(app, "monitor", None), "interval", 2.0)
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(" sly-tui", "bold")
        if place.profile:
            left.append(f" [{one_line(place.profile)}]", "bold")
        where = " / ".join(p for p in (place.team, place.workspace) if p)
        if where:
            left.append(" · ")
            left.append(one_line(where), "bold")
        server = place.server.removeprefix("https://").removeprefix("http://")
        who = f"{place.user}@{server}" if place.user else server
        if who:
            left.append(" · ")
            left.append(one_line(who))
        health, kind = health_text(state, interval, time.monotonic())
        right = Text(no_wrap=True, overflow="ellipsis")
        if getattr(app, "read_only", False):
            right.append(" READ-ONLY ", text_style(self, "status-bar--mode"))
            right.append(" ")
        style = text_style(self, f"status-bar--{kind}")
        right.append(health, style)
        # What must show at 80 columns: the state and its countdown first, then enough of
        # the place to know which dashboard this is, then as much of the reason as fits.
        width = self.size.width or 80
        room = max(0, width - right.cell_len - 2)
        reason = Text(f": {one_line(state.error)}" if state.error else "", style)
        fit(reason, room - min(left.cell_len, PLACE_KEPT))
        right.append_text(reason)
        fit(left, room - reason.cell_len)
        left.pad_right(room - reason.cell_len - left.cell_len)
        return Text.assemble(left, " ", right, " ", no_wrap=True, end="")


def fit(text: Text, width: int) -> None:
    """Cut `text` to `width` cells with an ellipsis; nothing at all when there is no room
    (Rich's own truncate still leaves the ellipsis at width 0)."""
    if width <= 1:
        text.plain = ""
    else:
        text.truncate(width, overflow="ellipsis")
