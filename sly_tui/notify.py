"""Telling the user that a watched task ended: the terminal bell and desktop notifications.

Terminals raise a desktop notification when they read OSC 9 (`ESC ] 9 ; text BEL`: iTerm2,
Windows Terminal, kitty, WezTerm, foot …) or OSC 777 (`ESC ] 777 ; notify ; title ; body
BEL`: rxvt-unicode, VTE terminals such as GNOME Terminal, foot, WezTerm). Each is sent only
if `[notify]` in config.toml leaves it on; a terminal that knows neither ignores both.
Inside tmux they are wrapped in its passthrough (`ESC P tmux ; … ESC \\`), or tmux would
swallow them.

Task names are untrusted: a control character (an ESC, a BEL) would end the sequence early
and let the rest of the name reach the terminal as commands; a `;` would shift OSC 777's
fields. `clean` takes them out. Nothing here knows Textual: the dashboard writes the text
through its driver, `sly-tui wait --notify` straight to the terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

BEL = "\a"
ESC = "\x1b"
MAX_TEXT = 200  # characters of a title or body: a notification is a line, not a log
TITLE = "sly-tui"


@dataclass(frozen=True)
class NotifySettings:
    """`[notify]` of config.toml: how an ending is told, and what is watched unasked."""

    toast: bool = True  # the dashboard's own notification (bottom right)
    bell: bool = True
    osc9: bool = True
    osc777: bool = True
    mine: bool = False  # watch every task the token's user starts, without pressing W

    @classmethod
    def from_table(cls, table: Mapping[str, Any], where: str) -> tuple[NotifySettings, list[str]]:
        """The settings of `table`; a value that is no boolean becomes a warning (naming
        `where`) and keeps the default. Unknown keys are skipped here: config.py names them."""
        known = {f.name for f in fields(cls)}
        values: dict[str, bool] = {}
        warnings: list[str] = []
        for key, value in table.items():
            if key not in known:
                continue
            if not isinstance(value, bool):
                warnings.append(f"{where} {key} must be true or false; the default is used.")
            else:
                values[key] = value
        return cls(**values), warnings


def clean(text: str) -> str:
    """`text` safe inside an OSC string: control and format characters (ESC, BEL, C1,
    newlines, bidi overrides) become spaces, `;` a comma, runs of spaces one; cut to
    `MAX_TEXT` characters."""
    chars = [
        "," if char == ";" else " " if unicodedata.category(char)[0] == "C" else char
        for char in text
    ]
    tidy = " ".join("".join(chars).split())
    return tidy if len(tidy) <= MAX_TEXT else tidy[: MAX_TEXT - 1] + "…"


def tmux_passthrough(sequence: str) -> str:
    """`sequence` wrapped so tmux hands it to the outer terminal (its ESCs doubled)."""
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ESC}\\"


def terminal_text(settings: NotifySettings, title: str, body: str, *, tmux: bool) -> str:
    """What to write to the terminal: the bell, then OSC 9, then OSC 777, each as enabled."""
    title, body = clean(title), clean(body)
    sequences = []
    if settings.osc9:
        sequences.append(f"{ESC}]9;{title}: {body}{BEL}")
    if settings.osc777:
        sequences.append(f"{ESC}]777;notify;{title};{body}{BEL}")
    wrapped = "".join(tmux_passthrough(s) if tmux else s for s in sequences)
    return (BEL if settings.bell else "") + wrapped


def ending_sentence(task_id: int, name: str, status: str) -> str:
    """`Task 1163 train yolo: finished`, the body of every notification of an ending."""
    label = clean(name)
    return f"Task {task_id}{' ' + label if label else ''}: {clean(status) or 'ended'}"
