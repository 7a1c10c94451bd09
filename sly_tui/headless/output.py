"""Where the headless commands write, and how.

Data goes to stdout, everything else (notices, prompts) to stderr, so `| jq` and `> file`
get only data. JSON is written with `ensure_ascii`: every control character, escape
sequence and bidi override in task data becomes a `\\u` escape, so the JSON is both exact
and safe to show on a terminal; only a string hiding the API token is changed (masked).
Human text is built from `sly_tui.text`-cleaned strings and handed to Rich as `Text`, never
as markup. Colours (and bold) appear only on a terminal and never with `NO_COLOR`; stdout
is flushed after each batch so follow modes stream through pipes.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

from sly_tui.text import redacted

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

# Status colours of the tables and watch lines (Rich style names: the terminal's palette).
STATUS_STYLES = {
    "queued": "yellow",
    "consumed": "yellow",
    "started": "cyan",
    "deployed": "blue",
    "terminating": "magenta",
    "finished": "green",
    "error": "bold red",
    "stopped": "dim",
}
_PIPE_WIDTH = 1000  # piped: the console's width; a wider table gets its own width


def to_json(value: Any, *, indent: int | None = None) -> str:
    return json.dumps(_redacted(value), ensure_ascii=True, indent=indent)


def _redacted(value: Any) -> Any:
    """`value` with every string that hides the API token cleaned and masked; the rest,
    which is nearly everything, exactly as the server sent it."""
    if isinstance(value, str):
        return redacted(value)
    if isinstance(value, dict):
        return {_redacted(key): _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value


class Output:
    """stdout for data, stderr for the rest; the streams are looked up when created, so a
    test's capture of `sys.stdout` is honoured."""

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self._console: Console | None = None

    @property
    def is_terminal(self) -> bool:
        try:
            return self.stdout.isatty()
        except (AttributeError, ValueError):
            return False

    def line(self, text: str) -> None:
        self.stdout.write(text + "\n")

    def json(self, value: Any) -> None:
        self.line(to_json(value, indent=2))

    def jsonl(self, value: Any) -> None:
        self.line(to_json(value))

    def flush(self) -> None:
        self.stdout.flush()

    def notice(self, sentence: str) -> None:
        """A one-line remark on stderr (the caller cleans any untrusted part)."""
        self.stderr.write(f"sly-tui: {sentence}\n")
        self.stderr.flush()

    def to_terminal(self, text: str) -> bool:
        """Write control sequences (the bell, a desktop notification) to the terminal:
        stderr if it is one (stdout may be captured: `status=$(sly-tui wait 7 --notify)`),
        else stdout if it is one; False when neither is, and nothing was written."""
        for stream in (self.stderr, self.stdout):
            try:
                if stream.isatty():
                    stream.write(text)
                    stream.flush()
                    return True
            except (AttributeError, ValueError):
                continue
        return False

    def show(self, renderable: RenderableType) -> None:
        """Print a Rich table or `Text` (imported only by the commands that draw)."""
        if self._console is None:
            from rich.console import Console

            # NO_COLOR: Rich alone would drop the colours but keep bold and dim.
            plain = bool(os.environ.get("NO_COLOR"))
            self._console = Console(
                file=self.stdout,
                width=None if self.is_terminal else _PIPE_WIDTH,
                color_system=None if plain else "auto",
                highlight=False,
                soft_wrap=True,
            )
        if not self.is_terminal:
            self._console.width = self._content_width(renderable)
        with self._console.capture() as capture:
            self._console.print(renderable)
        for line in capture.get().splitlines():
            self.line(line.rstrip())  # Rich pads cells to the column's width

    def _content_width(self, renderable: RenderableType) -> int:
        """Piped, a table is as wide as its longest row: a cell is never wrapped onto a
        second line (a script reads one task per line), however long a name is."""
        from rich.measure import Measurement

        assert self._console is not None
        options = self._console.options.update_width(10**6)
        return max(_PIPE_WIDTH, Measurement.get(self._console, options, renderable).maximum)
