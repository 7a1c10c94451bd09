"""Small helpers shared by the Pilot tests.

Every wait here is for a condition. The deadline only bounds a failure: on a busy 2-core
machine a worker or a poll may take seconds, and a test must still pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Button

from sly_tui.ui.screens.connect import ConnectScreen

DEADLINE = 30.0  # seconds; reached only when the condition will never hold


class Notes:
    """What the app told the user: every notification it posted (`App.notify` posts a
    `Notify` message), seen through `app.run_test(message_hook=notes)` as harlequin's
    tests see messages. Unlike what is on screen, a note that timed out is still here."""

    def __init__(self) -> None:
        self.posted: list[Notification] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.posted.append(message.notification)

    @property
    def messages(self) -> list[str]:
        return [str(note.message) for note in self.posted]

    def said(self, text: str) -> bool:
        """Whether some notification so far contains `text`."""
        return any(text in message for message in self.messages)


async def wait_for(pilot: Pilot, predicate: Callable[[], bool]) -> None:
    """Let the app run until `predicate()` holds (workers and polls are asynchronous)."""
    give_up = time.monotonic() + DEADLINE
    while not predicate():
        if time.monotonic() > give_up:
            raise AssertionError(f"condition not reached within {DEADLINE:.0f} s")
        await pilot.pause(0.02)


async def settle(pilot: Pilot) -> None:
    """Let the messages already posted be handled, and those they post in turn (a Button's
    Pressed bubbles up one widget per hop, so one `pause()` is not enough), and the screen
    be laid out again (a click aims at where a widget is drawn).

    Textual has no public way to ask whether a layout or repaint is pending, so this
    reads its flags; they are the one place the tests lean on Textual's internals for
    timing, and a Textual upgrade that renames them fails here, loudly."""
    app = pilot.app

    def quiet() -> bool:
        screen = app.screen
        nodes = [app, *(n for s in app.screen_stack for n in s.walk_children(with_self=True))]
        return not (
            any(node.message_queue_size for node in nodes)
            or any(w._layout_required or w._repaint_required for w in screen.walk_children())
            or screen._layout_required
            or screen._dirty_widgets
        )

    await pilot.pause()
    await wait_for(pilot, quiet)


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys and let what they set off (bubbling messages, actions) be handled."""
    await pilot.press(*keys)
    await settle(pilot)


async def click(
    pilot: Pilot, target: str | type[Widget] | Widget, offset: tuple[int, int] = (0, 0)
) -> None:
    """Click `target` once it can take the click, and check the click landed on it.

    A Button ignores clicks during its press effect (0.2 s by a timer); on a busy machine
    that can outlast the reply the previous click brought, so a second click would be lost.
    """
    widget = target if isinstance(target, Widget) else pilot.app.screen.query_one(target)
    if isinstance(widget, Button):
        await wait_for(pilot, lambda: not widget.has_class("-active"))
    await settle(pilot)
    if not await pilot.click(widget, offset=offset):  # it landed on the widget, or in it
        hit, _ = pilot.app.get_widget_at(*pilot.app.mouse_position)
        assert widget in hit.ancestors, f"the click missed {target}"
    await settle(pilot)


def strip_text(strip: Strip) -> str:
    return "".join(segment.text for segment in strip)


def widget_lines(widget: Widget) -> list[str]:
    """The text a Line API widget shows right now, line by line."""
    return [strip_text(widget.render_line(y)) for y in range(widget.size.height)]


def screen_text(pilot: Pilot) -> str:
    """Everything on screen as plain text (from the compositor's last frame; Textual
    offers the frame publicly only as an SVG screenshot)."""
    return "\n".join(strip_text(strip) for strip in pilot.app.screen._compositor.render_strips())


async def every_field_comes_into_view(pilot: Pilot, form: Widget) -> None:
    """Tab from the first field to the buttons: each field focused on the way is wholly
    on screen, not under the title or the docked preview and buttons."""
    box = form.query_one("#form").content_region
    title, footer = form.query_one("#form-title"), form.query_one("#form-footer")
    seen: list[str] = []
    for _ in range(40):
        await pilot.press("tab")
        focused = pilot.app.focused
        if focused is None or focused.id in ("form-cancel", "form-submit"):
            break
        seen.append(str(focused.id))

        def in_view(widget=focused) -> bool:
            region = widget.region
            return (
                box.contains_region(region)
                and not region.overlaps(footer.region)
                and not region.overlaps(title.region)
            )

        await wait_for(pilot, in_view)
    assert len(seen) >= 3, seen


async def connect_shown(pilot: Pilot) -> ConnectScreen:
    """The connect screen on top with its widgets mounted (it is on the stack, and so
    `app.screen`, a moment before they are)."""
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, ConnectScreen) and pilot.app.screen.is_mounted,
    )
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ConnectScreen)
    return screen
