"""The one way a handler says "no": raise `ApiError`, and the server turns it into the
error body the SDK parses (`{"error": ..., "details": {"message": ...}}`)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A request the emulator refuses, with the HTTP status the real server would use."""

    def __init__(self, status: int, error: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "details": {"message": self.message, **self.details}}


def bad_request(message: str) -> ApiError:
    return ApiError(400, "Bad request", message)


def not_found(kind: str, ident: object) -> ApiError:
    """404 for an unknown id: the SDK turns this into `None` on every `*.info` call."""
    return ApiError(404, "Not found", f"{kind} with id {ident!r} not found")
