"""Exit codes of the headless commands, and the one sentence each failure prints.

Scripts branch on the exit code, so it must say *what kind* of failure happened without
parsing text: 3 means "could not talk to the server as this user" (a retry later or a new
token may help), 1 means the server answered and the thing asked for did not happen.
"""

from __future__ import annotations

from sly_tui.api import ApiError, AuthError, PermissionDenied
from sly_tui.api.sentences import failure_sentence, is_transient

EXIT_OK = 0
EXIT_FAILED = 1  # the server answered no (or the task ended in error, for `wait`)
EXIT_USAGE = 2  # bad flags or configuration (argparse uses 2 as well)
EXIT_TIMEOUT = 2  # `wait --timeout` ran out: the issue fixes 2, shared with usage errors
EXIT_CONNECTION = 3  # no usable answer: unreachable, server failing, token refused


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
    # No answer can be had, for now (is_transient) or with these credentials.
    if is_transient(exc) or isinstance(exc, (AuthError, PermissionDenied)):
        return EXIT_CONNECTION
    return EXIT_FAILED


def describe(exc: BaseException) -> str | None:
    """One line for stderr, or None for a failure that is not ours (the caller frames it).

    API errors are told as everywhere (`failure_sentence`), after the method, since a
    script may run several (`tasks.stop: … Server said: task 5 has already ended`).
    """
    if isinstance(exc, ApiError):
        sentence = failure_sentence(exc)
        if exc.method and exc.method not in sentence:  # "Read-only mode: tasks.stop would …"
            sentence = f"{exc.method}: {sentence}"
        return sentence
    if isinstance(exc, CommandError):
        return exc.sentence
    return None
