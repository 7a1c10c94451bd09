"""Typed errors of the client, each with one human sentence for a status bar.

Callers branch on the class (re-authenticate on `AuthError`, back off on `Unreachable`,
show `sentence` for the rest) instead of parsing HTTP details. No message here ever holds
the API token: the transport scrubs every text it copies from the server or from httpx
before it reaches an error.
"""

from __future__ import annotations


class ApiError(Exception):
    """Base of every error the client raises.

    `sentence` is complete on its own ("The server rejected the API token."); `method` is
    the RPC name (`tasks.info`) when one was involved; `status` the HTTP status when the
    server answered; `detail` the server's own explanation, if it gave one.
    """

    def __init__(
        self,
        sentence: str,
        *,
        method: str | None = None,
        status: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.method = method
        self.status = status
        self.detail = detail

    def __str__(self) -> str:
        text = f"{self.method}: {self.sentence}" if self.method else self.sentence
        if self.detail and self.detail not in self.sentence:
            text = f"{text} Server said: {self.detail}"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class AuthError(ApiError):
    """The API token is missing or the server does not accept it (400/401/403)."""


class PermissionDenied(ApiError):
    """The token is valid but lacks rights for this action (403)."""


class NotFound(ApiError):
    """The object does not exist (404) where the SDK does not turn that into `None`."""


class TaskMissing(ApiError):
    """A task seen a moment ago now answers 404: taken for a blip (a failover, a proxy in
    front of a restarting server) and retried until it has lasted long enough to believe."""

    def __init__(self, task_id: int) -> None:
        super().__init__(
            f"Task {task_id} was there a moment ago, but the server now says it does not "
            "exist (HTTP 404); checking again.",
            method="tasks.info",
            status=404,
        )
        self.task_id = task_id


class RateLimited(ApiError):
    """The server kept answering 429 until the retry budget was spent."""

    def __init__(self, *, retry_after: int | None, method: str | None, detail: str | None) -> None:
        self.reason = "The server is limiting the request rate (HTTP 429)."
        wait = f" Retry in {retry_after} s." if retry_after is not None else ""
        super().__init__(self.reason + wait, method=method, status=429, detail=detail)
        self.retry_after = retry_after


class ServerError(ApiError):
    """The server failed (5xx, or a retryable status that never cleared)."""


class BadRequest(ApiError):
    """The server refused the request for a reason of its own (other 4xx)."""


class Unreachable(ApiError):
    """No HTTP answer at all: connection refused, name not resolved, timeout, dropped link."""

    def __init__(self, sentence: str, *, address: str, method: str | None) -> None:
        super().__init__(sentence, method=method)
        self.address = address


class OutcomeUnknown(ApiError):
    """A call that must not run twice failed after its request may have reached the server.

    It was not sent again. `cause` is the failure seen; `task_id`, when a look-up found
    one, is the task the server may have started anyway.
    """

    def __init__(self, cause: ApiError, *, task_id: int | None = None) -> None:
        found = (
            f"the server may have started it: task {task_id}."
            if task_id is not None
            else "outcome unknown, so it was not sent again."
        )
        super().__init__(
            f"{cause.sentence.removesuffix('.')}; {found}",
            method=cause.method,
            status=cause.status,
            detail=cause.detail,
        )
        self.cause = cause
        self.task_id = task_id


class ProtocolError(ApiError):
    """The server answered, but not with what the protocol promises (status, JSON, shape)."""


class ReadOnlyError(ApiError):
    """A state-changing method was refused locally because the client is read-only."""


class TaskFinishedWithError(ApiError):
    """`wait` saw the task end in `error`."""

    def __init__(self, task_id: int) -> None:
        super().__init__(f"Task {task_id} finished with an error.", method="tasks.info")
        self.task_id = task_id


class WaitingTimeExceeded(ApiError):
    """`wait` ran out of attempts before the task reached the target status."""

    def __init__(self, task_id: int, target: str, attempts: int, delay: float) -> None:
        super().__init__(
            f"Task {task_id} did not reach status {target!r} "
            f"within {attempts} checks {delay:g} s apart.",
            method="tasks.info",
        )
        self.task_id = task_id
