"""Exit codes of the headless commands, and the one sentence each failure prints.

Scripts branch on the exit code, so it must say *what kind* of failure happened without
parsing text: 3 means "could not talk to the server as this user" (a retry later or a new
token may help), 1 means the server answered and the thing asked for did not happen.
"""

from __future__ import annotations

from sly_tui.api import (
    ApiError,
    AuthError,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
    TaskMissing,
    Unreachable,
)
from sly_tui.text import one_line

EXIT_OK = 0
EXIT_FAILED = 1  # the server answered no (or the task ended in error, for `wait`)
EXIT_USAGE = 2  # bad flags or configuration (argparse uses 2 as well)
EXIT_TIMEOUT = 2  # `wait --timeout` ran out: the issue fixes 2, shared with usage errors
EXIT_CONNECTION = 3  # no usable answer: unreachable, server failing, token refused

# Failures that may clear by themselves: follow modes keep going through them.
TRANSIENT = (Unreachable, ServerError, RateLimited, ProtocolError, TaskMissing)
# Failures that mean no answer can be had at all with these credentials.
_NO_ANSWER = (*TRANSIENT, AuthError, PermissionDenied)


class CommandError(Exception):
    """A refusal of the command itself (no workspace, no confirmation, bad JSON …).

    `sentence` is printed as is, so `cli._sentence` treats it like the client's errors.
    """

    def __init__(self, sentence: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.exit_code = exit_code


def exit_code(exc: BaseException) -> int:
    """The exit code for a failure that ended a command."""
    from sly_tui.config import ConfigError

    if isinstance(exc, CommandError):
        return exc.exit_code
    if isinstance(exc, ConfigError):
        return EXIT_USAGE
    if isinstance(exc, _NO_ANSWER):
        return EXIT_CONNECTION
    return EXIT_FAILED


def describe(exc: BaseException) -> str | None:
    """One line for stderr, or None for a failure that is not ours (the caller frames it).

    API errors keep the method and the server's own explanation (`tasks.stop: … Server
    said: task 5 has already ended`); that is untrusted text, so it is folded and stripped
    of escape sequences.
    """
    if isinstance(exc, ApiError):
        text = str(exc)
        if exc.method and exc.method in exc.sentence:  # "Read-only mode: tasks.stop would …"
            text = text.removeprefix(f"{exc.method}: ")
        return one_line(text)
    if isinstance(exc, CommandError):
        return exc.sentence
    return None
