"""The one way a handler says "no": raise `ApiError`, and the server turns it into the
error body the SDK parses (`{"error": ..., "details": {"message": ...}}`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Error messages may quote the request: a token sent in the wrong field, or a megabyte slug.
MAX_MESSAGE = 300


class ApiError(Exception):
    """A request the emulator refuses, with the HTTP status the real server would use."""

    def __init__(self, status: int, error: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.details = details

    def body(self, scrub: Callable[[str], str] = str) -> dict[str, Any]:
        """The wire body; `scrub` removes secrets before the message is cut short, so a
        cut can never leave part of a token behind."""
        message = scrub(self.message)
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        return {"error": self.error, "details": {"message": message, **self.details}}


def bad_request(message: str) -> ApiError:
    return ApiError(400, "Bad request", message)


def not_found(kind: str, ident: object) -> ApiError:
    """404 for an unknown id: the SDK turns this into `None` on every `*.info` call."""
    return ApiError(404, "Not found", f"{kind} with id {ident!r} not found")
