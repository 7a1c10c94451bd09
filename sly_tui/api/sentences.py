"""What a failure means for a person: the one sentence it is shown as, and whether it may
clear by itself.

The dashboard's header, its forms, panes and workers, and the command line all word a
failure through `failure_sentence`, and decide whether to keep going through it with
`is_transient`, so the same failure reads the same everywhere and is retried by the
same rule. No Textual here: the monitor and the headless commands use both.
"""

from __future__ import annotations

import json

import httpx

from sly_tui.api.errors import (
    ApiError,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    ServerError,
    TaskMissing,
    Unreachable,
)
from sly_tui.secrets import Secret
from sly_tui.text import one_line

# The client's failures that may clear by themselves (a server restarting, a proxy
# blip, a rate limit), and httpx's own before the client has wrapped them.
_TRANSIENT = (
    Unreachable,
    ServerError,
    RateLimited,
    ProtocolError,
    TaskMissing,
    httpx.NetworkError,
    httpx.TimeoutException,
    httpx.ProtocolError,
)


def is_transient(exc: BaseException) -> bool:
    """Whether trying the same thing again later may succeed without anyone acting.

    A refused token, missing rights, a refusal of the request itself or a bug are not:
    retrying them only repeats the answer.
    """
    return isinstance(exc, _TRANSIENT)


def failure_sentence(exc: BaseException, token: Secret | None = None) -> str:
    """One line that tells a person what went wrong, never showing `token`.

    The client's errors carry their sentence, and the server's own explanation when it
    gave one. Anything else (an httpx error that escaped the client, a reply that is not
    JSON, a bug) is named by its type, so a report of it can be traced.
    """
    text = one_line(_sentence(exc))
    if token:
        text = text.replace(token.reveal(), str(token))
    return text


def _sentence(exc: BaseException) -> str:
    if isinstance(exc, ApiError):
        # A 429's "retry in N s" would be stale on a screen that stays: the header counts
        # down to its own retry, and a form or a command is retried by the person.
        sentence = exc.reason if isinstance(exc, RateLimited) else exc.sentence
        if exc.detail and exc.detail not in sentence:
            said = exc.detail if exc.detail.endswith((".", "!", "?")) else f"{exc.detail}."
            sentence = f"{sentence} Server said: {said}"
        if isinstance(exc, OutcomeUnknown):  # sending again might do it twice
            sentence = f"{sentence} Check the task list before sending it again."
        return sentence
    if isinstance(exc, httpx.TimeoutException):
        return f"The server did not answer in time ({type(exc).__name__})."
    if isinstance(exc, httpx.TransportError):
        return f"The server could not be reached ({type(exc).__name__}): {exc}"
    if isinstance(exc, json.JSONDecodeError):
        return f"The reply is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc} ({type(exc).__name__})."
    return f"Unexpected {type(exc).__name__}: {exc}"
