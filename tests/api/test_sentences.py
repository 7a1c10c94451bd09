"""One sentence per failure, whatever shows it (header, form, pane, command line), and one
rule for what may clear by itself. Errors come from a real client where a server can
cause them; the rest (an httpx error that escaped the client, a bug) are raised as is."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from sly_tui.api import (
    ApiError,
    AuthError,
    BadRequest,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
    TaskMissing,
    Unreachable,
)
from sly_tui.api.sentences import failure_sentence, is_transient
from sly_tui.secrets import Secret

from .conftest import LEAKY_TOKEN, MakeClient


def leaking(status: int) -> Any:
    """A server whose refusal repeats the token it was sent."""

    def handler(request: httpx.Request) -> httpx.Response:
        token = request.headers.get("x-api-key", "")
        return httpx.Response(status, json={"error": f"bad key {token}", "details": token})

    return handler


@pytest.mark.parametrize(
    ("status", "kind"),
    [(401, AuthError), (403, PermissionDenied), (400, BadRequest), (500, ServerError)],
)
async def test_a_server_refusal_is_its_sentence_without_the_token(
    mock_client: MakeClient, status: int, kind: type[ApiError]
) -> None:
    client = mock_client(leaking(status))
    with pytest.raises(kind) as caught:
        await client.tasks.get_info_by_id(7)
    sentence = failure_sentence(caught.value, Secret(LEAKY_TOKEN))
    assert LEAKY_TOKEN not in sentence and "LEAKY" not in sentence
    assert sentence.startswith(caught.value.sentence) and "\n" not in sentence


async def test_garbage_json_from_the_server_is_a_protocol_sentence(
    mock_client: MakeClient,
) -> None:
    client = mock_client(lambda request: httpx.Response(200, text="{not json"))
    with pytest.raises(ProtocolError) as caught:
        await client.instance.version()
    assert failure_sentence(caught.value) == caught.value.sentence


def test_the_servers_explanation_is_kept_and_ends_the_sentence() -> None:
    error = BadRequest("The server refused the request (HTTP 400).", detail="name is taken")
    assert failure_sentence(error) == (
        "The server refused the request (HTTP 400). Server said: name is taken."
    )


def test_a_rate_limit_leaves_out_its_retry_countdown() -> None:
    """Shown on a screen that stays, "retry in 9 s" would soon be wrong."""
    error = RateLimited(retry_after=9, method="tasks.list", detail=None)
    assert "Retry in 9 s" in error.sentence
    assert failure_sentence(error) == "The server is limiting the request rate (HTTP 429)."


def test_an_unknown_outcome_warns_against_sending_again() -> None:
    error = OutcomeUnknown(ServerError("The server failed (HTTP 502).", method="tasks.stop"))
    assert failure_sentence(error).endswith("Check the task list before sending it again.")


@pytest.mark.parametrize(
    ("error", "start"),
    [
        (httpx.ConnectError(f"refused for {LEAKY_TOKEN}"), "The server could not be reached"),
        (httpx.ReadTimeout(f"slow {LEAKY_TOKEN}"), "The server did not answer in time"),
        (httpx.RemoteProtocolError(f"closed {LEAKY_TOKEN}"), "The server could not be reached"),
        (RuntimeError(f"boom\n{LEAKY_TOKEN}"), "Unexpected RuntimeError: boom"),
        (KeyError(LEAKY_TOKEN), "Unexpected KeyError:"),
        (FileNotFoundError(2, "No such file or directory"), "No such file or directory"),
    ],
)
def test_every_other_failure_is_one_line_named_by_kind_without_the_token(
    error: BaseException, start: str
) -> None:
    sentence = failure_sentence(error, Secret(LEAKY_TOKEN))
    assert sentence.startswith(start)
    assert LEAKY_TOKEN not in sentence and "\n" not in sentence


def test_json_that_does_not_parse_says_where() -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads('{"a": }')
    assert failure_sentence(caught.value) == (
        "The reply is not valid JSON: Expecting value (line 1, column 7)."
    )


def test_without_a_token_nothing_is_replaced() -> None:
    assert failure_sentence(RuntimeError("x"), None) == "Unexpected RuntimeError: x"
    assert failure_sentence(RuntimeError("x"), Secret("")) == "Unexpected RuntimeError: x"


TRANSIENT = [
    Unreachable("Cannot reach http://h.", address="http://h", method="tasks.list"),
    ServerError("The server failed (HTTP 503)."),
    RateLimited(retry_after=None, method=None, detail=None),
    ProtocolError("The reply is not JSON."),
    TaskMissing(7),
    httpx.ConnectError("refused"),
    httpx.ReadTimeout("slow"),
    httpx.RemoteProtocolError("closed"),
]
LASTING = [
    AuthError("The server rejected the API token."),
    PermissionDenied("The token lacks rights for this action (HTTP 403)."),
    NotFound("No such task."),
    BadRequest("Refused."),
    OutcomeUnknown(ServerError("The server failed (HTTP 502).")),
    httpx.UnsupportedProtocol("ftp"),
    RuntimeError("a bug"),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__)
def test_what_may_clear_by_itself_is_transient(error: BaseException) -> None:
    assert is_transient(error)


@pytest.mark.parametrize("error", LASTING, ids=lambda e: type(e).__name__)
def test_what_only_repeats_its_answer_is_not(error: BaseException) -> None:
    assert not is_transient(error)
