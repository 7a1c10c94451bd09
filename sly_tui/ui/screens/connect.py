"""First run: connect to a server (validated with users.me, saved as a profile) or open the demo.

The token field is a password input and is never echoed anywhere else; errors name what
failed without repeating what was typed. What went wrong is the first line of the screen,
and the buttons stay in view at 80x24: the fields scroll between them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from sly_tui.api import address_problem, normalize_server_address
from sly_tui.api.sentences import failure_sentence
from sly_tui.config import ConfigError, Profile, Settings, save_profile
from sly_tui.secrets import Secret, token_problem
from sly_tui.text import one_line
from sly_tui.ui.keymap import eager_tab
from sly_tui.ui.widgets.key_footer import KeyFooter

INTRO = (
    "No Supervisely server is configured. Enter the server's address and an API token, "
    "or open the demo: a simulated instance built into sly-tui."
)
TOKEN_LABEL = "API token (Supervisely → your avatar → Account settings → API token)"


class ConnectScreen(Screen[None]):
    """Ask for a server and token, check them, save them as a profile."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "Quit", id="connect.quit"),
        # The app's `q` would quit from a focused button, losing what was typed.
        Binding("q", "how_to_quit", show=False, id="connect.q"),
        *eager_tab("connect"),  # address, Tab and token may arrive in one read
    ]

    DEFAULT_CSS = """
    ConnectScreen { align: center middle; }
    ConnectScreen #connect-box { width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 0 1; }
    ConnectScreen #error { dock: top; height: auto; margin-bottom: 1; }
    ConnectScreen #error.-failed { color: $error; text-style: bold; }
    ConnectScreen #connect-fields { height: auto; }
    ConnectScreen Label { color: $text-muted; }
    ConnectScreen Input > .input--placeholder { color: $text-disabled; text-style: italic; }
    ConnectScreen #connect-buttons { dock: bottom; height: 3; }
    ConnectScreen Button { margin-right: 1; }
    """

    def __init__(self, settings: Settings, *, error: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="connect-box"):
            yield Static(id="error")
            with VerticalScroll(id="connect-fields"):
                yield Label("Server address")
                yield Input(
                    self.settings.server or "",
                    placeholder="e.g. https://app.supervisely.com",
                    id="server",
                )
                yield Label(TOKEN_LABEL)
                yield Input(password=True, placeholder="128 characters", id="token")
                yield Label("Save as profile")
                yield Input(self.settings.profile or "default", id="profile")
            with Horizontal(id="connect-buttons"):
                yield Button("Connect", variant="primary", id="connect")
                yield Button("Open demo", id="demo")
                yield Button("Quit", id="quit")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.error:
            where = self.settings.server or "the server"
            self._say(f"Could not connect to {where}: {self.error}", failed=True)
        else:
            self._say(INTRO)
        self.query_one("#token" if self.settings.server else "#server", Input).focus()

    def _say(self, text: str, *, failed: bool = False) -> None:
        """The screen's first line: the intro, progress, or what failed (in the error colour)."""
        status = self.query_one("#error", Static)
        status.set_class(failed, "-failed")
        status.update(Text(one_line(text)))

    def action_how_to_quit(self) -> None:
        self.notify("To quit, press Escape or Ctrl+C, or choose Quit.", markup=False)

    @on(Button.Pressed, "#quit")
    def _quit(self) -> None:
        self.app.exit()

    @on(Button.Pressed, "#demo")
    def _demo(self) -> None:
        """`run_dashboard` sees this result and starts the demo once this app has ended."""
        self.app.exit("demo")

    @on(Input.Submitted)
    @on(Button.Pressed, "#connect")
    def _submit(self) -> None:
        server = self.query_one("#server", Input).value.strip()
        token = self.query_one("#token", Input).value.strip()
        profile = self.query_one("#profile", Input).value.strip() or "default"
        if not server:
            self._refuse("#server", "Enter the server address.")
        elif problem := address_problem(server):
            self._refuse("#server", f"Not a valid server address: {problem}.")
        elif not token:
            self._refuse("#token", "Enter the API token.")
        elif problem := token_problem(token):
            self._refuse("#token", problem)
        else:
            self.query_one("#connect", Button).disabled = True
            self._say("Connecting…")
            self.check(normalize_server_address(server), Secret(token), profile)

    def _refuse(self, field: str, text: str) -> None:
        self._say(text, failed=True)
        self.query_one(field, Input).focus()

    @work(exclusive=True, group="connect-check", exit_on_error=False)
    async def check(self, server: str, token: Secret, profile: str) -> None:
        app = self.app
        settings = replace(self.settings, server=server, token=token, profile=profile)
        try:
            async with app.make_client(settings) as client:  # type: ignore[attr-defined]
                await client.users.get_my_info()
        except Exception as exc:  # whatever it is, say so and let the user try again
            self._say(f"Could not connect to {server}: {failure_sentence(exc, token)}", failed=True)
            self.query_one("#connect", Button).disabled = False
            return
        try:
            save_profile(Profile(profile, server=server, token=token))
        except (ConfigError, OSError) as exc:
            app.notify(f"Connected, but the profile was not saved: {exc}", markup=False)
        self.dismiss(None)
        app.connect(settings)  # type: ignore[attr-defined]
