"""Turning a failed HTTP exchange into a typed error plus the SDK's retry verdict.

Every text copied from the server or from httpx passes through `scrub` first, so the token
cannot leak into an error even if a server (or a proxy) echoes it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from sly_tui.api.errors import (
    ApiError,
    AuthError,
    BadRequest,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
    Unreachable,
)
from sly_tui.api.retry import AGENT_PING_ERROR, RETRY_STATUSES, parse_retry_after
from sly_tui.api.sentences import is_transient

Scrub = Callable[[str], str]

_DETAIL_LIMIT = 300
# Words a 403 body uses when the key itself is the problem rather than the user's rights.
_KEY_WORDS = ("token", "api key", "api-key", "apikey", "unauthori", "authenticat", "credential")
_RIGHTS_WORDS = ("permission", "rights", "not allowed", "forbidden", "access denied", "role")

# Errors raised before a byte of the request left: the server cannot have acted.
_NOT_SENT_EXCEPTIONS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.LocalProtocolError,
    httpx.UnsupportedProtocol,
    httpx.InvalidURL,
)


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed attempt: the error to raise if no retry follows, and whether one may.

    `unsent` is true only when the failure proves the server did not act on the request
    (no connection was made, or it answered 429), so even a call that must not run twice
    may be sent again.
    """

    error: ApiError
    retryable: bool
    retry_after: int | None = None
    unsent: bool = False


def _server_explanation(response: httpx.Response) -> tuple[str | None, str | None]:
    """`error` and `details.message` (or `details[0].message`) of an error body, as the SDK."""
    try:
        body: Any = response.json()
    except (ValueError, RecursionError):
        text = response.text.strip()
        return None, (text if text and not text.startswith("<") else None)
    if not isinstance(body, dict):
        return None, None
    error = body.get("error")
    details = body.get("details")
    if isinstance(details, list) and details:
        details = details[0]
    message = details.get("message") if isinstance(details, dict) else None
    return (
        error if isinstance(error, str) else None,
        message if isinstance(message, str) else None,
    )


def _detail(error: str | None, message: str | None, scrub: Scrub) -> str | None:
    parts = [part for part in (error, message) if part]
    if len(parts) == 2 and parts[0] in parts[1]:
        parts = parts[1:]
    text = scrub(": ".join(parts)) if parts else None
    if text and len(text) > _DETAIL_LIMIT:
        text = text[: _DETAIL_LIMIT - 1] + "…"
    return text


def _forbidden(rpc: str, detail: str | None) -> ApiError:
    """403 means either a key the server does not accept or a valid key without the rights."""
    lowered = (detail or "").lower()
    about_key = any(word in lowered for word in _KEY_WORDS) and not any(
        word in lowered for word in _RIGHTS_WORDS
    )
    if about_key:
        return AuthError(
            "The server rejected the API token (HTTP 403).", method=rpc, status=403, detail=detail
        )
    return PermissionDenied(
        "The token lacks rights for this action (HTTP 403).", method=rpc, status=403, detail=detail
    )


def from_response(rpc: str, response: httpx.Response, *, token_sent: bool, scrub: Scrub) -> Failure:
    """Classify a reply whose status is not 200; the body must already be read."""
    status = response.status_code
    error, message = _server_explanation(response)
    detail = _detail(error, message, scrub)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return Failure(
            RateLimited(retry_after=retry_after, method=rpc, detail=detail),
            retryable=True,
            retry_after=retry_after,
            unsent=True,
        )
    if status in RETRY_STATUSES or status >= 500:
        reason = response.reason_phrase or "server error"
        return Failure(
            ServerError(
                f"The server failed (HTTP {status} {reason}).",
                method=rpc,
                status=status,
                detail=detail,
            ),
            retryable=status in RETRY_STATUSES,
        )
    if status == 401 or (status == 400 and not token_sent):
        sentence = (
            "The server rejected the API token (HTTP 401)."
            if token_sent
            else f"No API token was given, and the server requires one (HTTP {status})."
        )
        return Failure(
            AuthError(sentence, method=rpc, status=status, detail=detail), retryable=False
        )
    if status == 403:
        return Failure(_forbidden(rpc, detail), retryable=False)
    if status == 404:
        return Failure(
            NotFound(
                "The server has no such object (HTTP 404).", method=rpc, status=404, detail=detail
            ),
            retryable=False,
        )
    if 400 <= status < 500:
        return Failure(
            BadRequest(
                f"The server refused the request (HTTP {status}).",
                method=rpc,
                status=status,
                detail=detail,
            ),
            retryable=status == 400 and error == AGENT_PING_ERROR,
            unsent=status == 400 and error == AGENT_PING_ERROR,
        )
    where = response.headers.get("Location")
    hint = f" (redirect to {scrub(where)})" if where else ""
    return Failure(
        ProtocolError(
            f"The server answered HTTP {status}{hint} where 200 was expected.",
            method=rpc,
            status=status,
        ),
        retryable=False,
    )


def _reason(exc: Exception, timeout: float, scrub: Scrub) -> str:
    text = scrub(str(exc)) or type(exc).__name__
    lowered = text.lower()
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server closed the connection unexpectedly"
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return "it is not a valid http(s) address"
    if "refused" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return "the host name does not resolve"
    return text


def from_exception(
    rpc: str, exc: Exception, *, address: str, timeout: float, scrub: Scrub
) -> Failure:
    """Classify an attempt that got no HTTP answer at all."""
    return Failure(
        Unreachable(
            f"Cannot reach {address}: {_reason(exc, timeout, scrub)}.", address=address, method=rpc
        ),
        retryable=is_transient(exc),  # the SDK's connection-error set
        unsent=isinstance(exc, _NOT_SENT_EXCEPTIONS),
    )
