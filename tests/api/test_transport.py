"""Transport rules with replies the emulator never gives: status handling, bodies, headers,
read-only refusal and keeping the token out of every text."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from sly_tui.api import (
    ApiError,
    AuthError,
    BadRequest,
    OutcomeUnknown,
    PermissionDenied,
    ProtocolError,
    ReadOnlyError,
    RequestRecord,
    SlyClient,
    Unreachable,
)
from sly_tui.enums import MUTATING_METHODS

from .conftest import LEAKY_TOKEN, MakeClient


def replying(*args: Any, **kwargs: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(*args, **kwargs)


@pytest.mark.parametrize("status", [201, 204, 206])
async def test_only_200_is_success(mock_client: MakeClient, status: int) -> None:
    client = mock_client(replying(status, json={"version": "1"}))
    with pytest.raises(ProtocolError, match=f"HTTP {status} where 200 was expected"):
        await client.instance.version()


async def test_redirects_are_reported_not_followed(mock_client: MakeClient) -> None:
    client = mock_client(replying(301, headers={"Location": "https://server.test/"}))
    with pytest.raises(ProtocolError, match=re.escape("(redirect to https://server.test/)")):
        await client.instance.version()


@pytest.mark.parametrize(
    "body",
    [
        b'{"total": 3, "entities": [{"id": 1',
        b"<html>oops</html>",
        b"",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
async def test_garbage_bodies_are_protocol_errors(mock_client: MakeClient, body: bytes) -> None:
    client = mock_client(replying(200, content=body))
    with pytest.raises(ProtocolError) as caught:
        await client.tasks.get_info_by_id(1)
    assert str(caught.value) == "tasks.info: The server's reply is not valid JSON."


@pytest.mark.parametrize(
    ("call", "reply", "complaint"),
    [
        (lambda c: c.tasks.get_info_by_id(1), [], "TaskInfo is a list"),
        (lambda c: c.tasks.get_list(1), {"total": 1, "entities": []}, "'pagesCount' is missing"),
        (lambda c: c.tasks.get_list(1), {"total": 1, "perPage": 1, "pagesCount": 1}, "'entities'"),
        (lambda c: c.tasks.get_logs(1), {"entries": []}, "the log is an object"),
        (lambda c: c.tasks.start(1, app_id=2), [], "started no task"),
        (lambda c: c.tasks.start(1, app_id=2), {"taskId": 1}, "is an object, expected a list"),
        (lambda c: c.tasks.stop(1), {"state": "x"}, "has no 'status'"),
        (lambda c: c.tasks.run_dtl(1, []), {"id": 5}, "has no 'taskId'"),
        (lambda c: c.tasks.get_fields(1, ["a"]), {"result": []}, "'result' is a list"),
        (lambda c: c.instance.version(), {"version": 6}, "'version' is a number 6"),
        (lambda c: c.models.get_deploy_tasks(1), [{"id": "x"}], "expected an integer"),
    ],
)
async def test_wrong_shapes_name_the_method(
    mock_client: MakeClient, call: Callable[[SlyClient], Any], reply: Any, complaint: str
) -> None:
    with pytest.raises(ApiError) as caught:
        await call(mock_client(replying(200, json=reply)))
    # A start answered 200 may have started something, whatever the reply looks like.
    error = caught.value
    assert isinstance(error.cause if isinstance(error, OutcomeUnknown) else error, ProtocolError)
    assert caught.value.method is not None
    assert str(caught.value).startswith(caught.value.method + ": ")
    assert complaint in str(caught.value)


async def test_pagination_that_loses_items_fails(mock_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = json.loads(request.content).get("page", 1)
        entities = [{"id": 1}, {"id": 2}] if page == 1 else []
        return httpx.Response(
            200, json={"total": 3, "perPage": 2, "pagesCount": 2, "entities": entities}
        )

    with pytest.raises(ProtocolError, match="pages held 2 items but 'total' said 3"):
        await mock_client(handler).tasks.get_list(1)


async def test_headers(mock_client: MakeClient) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"version": "1"})

    await mock_client(handler, task_id=77).instance.version()
    await mock_client(handler, token=None).instance.version()
    with_token, without = seen
    assert with_token.headers["x-api-key"] == LEAKY_TOKEN
    assert with_token.headers["x-task-id"] == "77"
    assert with_token.headers["content-type"] == "application/json"
    assert "x-api-key" not in without.headers
    assert "x-task-id" not in without.headers


@pytest.mark.parametrize(
    ("status", "body", "token", "error", "sentence"),
    [
        (400, {"error": "x"}, None, AuthError, "No API token was given"),
        (400, {"error": "bad id"}, LEAKY_TOKEN, BadRequest, "refused the request (HTTP 400)"),
        (401, {}, LEAKY_TOKEN, AuthError, "rejected the API token (HTTP 401)"),
        (403, {"error": "Invalid api token"}, LEAKY_TOKEN, AuthError, "rejected the API token"),
        (403, {"error": "Permission denied"}, LEAKY_TOKEN, PermissionDenied, "lacks rights"),
        (403, {}, LEAKY_TOKEN, PermissionDenied, "lacks rights"),
    ],
)
async def test_auth_failures(
    mock_client: MakeClient,
    status: int,
    body: dict[str, Any],
    token: str | None,
    error: type[ApiError],
    sentence: str,
) -> None:
    client = mock_client(replying(status, json=body), token=token)
    with pytest.raises(ApiError) as caught:
        await client.users.get_my_info()
    assert type(caught.value) is error
    assert sentence in caught.value.sentence


async def test_server_explanations_are_kept(mock_client: MakeClient) -> None:
    body = {"error": "project already exists", "details": [{"message": "Name is taken"}]}
    with pytest.raises(BadRequest) as caught:
        await mock_client(replying(409, json=body)).instance.version()
    assert caught.value.detail == "project already exists: Name is taken"
    assert "Server said: project already exists: Name is taken" in str(caught.value)


async def test_read_only_refuses_every_mutating_method_unsent(
    mock_client: MakeClient, records: list[RequestRecord], tmp_path: Path
) -> None:
    client = mock_client(replying(200, json={}), read_only=True)
    archive = tmp_path / "graph.tar"
    archive.write_bytes(b"x")
    tasks = client.tasks
    calls = {
        "tasks.run.app": tasks.start(1, app_id=2),
        "tasks.run.plugin": tasks.run_train(1, 2, 3, "net"),
        "tasks.run.dtl": tasks.run_dtl(1, []),
        "tasks.run.python": tasks.create_task_detached(1),
        "tasks.stop": tasks.stop(1),
        "tasks.status.update": tasks.update_status(1, "finished"),
        "tasks.logs.add": tasks.submit_logs([{"message": "x"}]),
        "tasks.output.set": tasks.set_output_project(1, 2),
        "tasks.meta.update": tasks.update_meta(1, {"name": "x"}),
        "tasks.data.set": tasks.set_field(1, "state.x", 1),
        "tasks.request.direct": tasks.send_request(1, "ping", {}),
        "tasks.checkpoints.clear": tasks.delete_unused_checkpoints(1),
        "tasks.files.bulk.add-by-hash": tasks.upload_files(1, [str(archive)], ["a"]),
        "tasks.upload.dtl_archive": tasks.upload_dtl_archive(1, str(archive)),
    }
    for rpc, call in calls.items():
        with pytest.raises(ReadOnlyError) as caught:
            await call
        assert caught.value.method == rpc
        assert "was not sent" in caught.value.sentence
    for call in (
        tasks.set_output_archive(1, 2, "a.tar"),
        tasks.set_output_file_download(1, 2, "a.bin"),
    ):
        with pytest.raises(ReadOnlyError):
            await call
    assert records == []  # not even the preparatory reads went out
    # The rest of MUTATING_METHODS are reached only through the methods above.
    assert set(calls) | {"tasks.run.deploy", "tasks.files.bulk.upload"} == MUTATING_METHODS


async def test_read_only_still_reads(mock_client: MakeClient) -> None:
    client = mock_client(replying(200, json={"version": "1"}), read_only=True)
    assert client.read_only
    assert await client.instance.version() == "1"


async def test_read_only_deploy_of_an_undeployed_model_is_refused(
    mock_client: MakeClient, records: list[RequestRecord]
) -> None:
    client = mock_client(replying(200, json=[]), read_only=True)
    with pytest.raises(ReadOnlyError):
        await client.tasks.deploy_model_async(1, 2)
    assert [r.method for r in records] == ["models.info.deployed"]


# --- the token never shows ------------------------------------------------------------


def leaking_handler(request: httpx.Request) -> httpx.Response:
    """A server (or proxy) that echoes the key back wherever it can."""
    rpc = request.url.path.rsplit("/", 1)[-1]
    key = request.headers["x-api-key"]
    if rpc == "users.me":
        return httpx.Response(403, json={"error": f"token {key} is invalid"})
    if rpc == "teams.info":
        return httpx.Response(400, json={"error": "bad", "details": {"message": key}})
    if rpc == "workspaces.info":
        return httpx.Response(302, headers={"Location": f"https://x/?key={key}"})
    if rpc == "agents.info":
        return httpx.Response(200, json={"id": key})
    if rpc == "instance.version":
        return httpx.Response(200, text=key)
    if rpc == "apps.info":
        return httpx.Response(502, text=f"upstream rejected {key}")
    raise httpx.ConnectError(f"connection to {request.url} with x-api-key: {key} failed")


async def test_token_never_appears_in_errors_or_reprs(mock_client: MakeClient) -> None:
    client = mock_client(leaking_handler)
    calls = [
        client.users.get_my_info(),
        client.teams.get_info_by_id(1),
        client.workspaces.get_info_by_id(1),
        client.agents.get_info_by_id(1),
        client.instance.version(),
        client.apps.get_info_by_id(1),
        client.projects.get_info_by_id(1),
    ]
    texts = [repr(client), str(client), repr(client.tasks), repr(client._t)]
    kinds = set()
    for call in calls:
        with pytest.raises(ApiError) as caught:
            await call
        error = caught.value
        kinds.add(type(error).__name__)
        texts += [str(error), repr(error), error.sentence, str(error.detail), str(error.args)]
        assert error.__cause__ is None
        assert error.__suppress_context__ or error.__context__ is None
    assert kinds == {"AuthError", "BadRequest", "ProtocolError", "ServerError", "Unreachable"}
    for text in texts:
        assert "LEAKY" not in text and LEAKY_TOKEN not in text, text


async def test_token_stays_out_of_request_records(
    mock_client: MakeClient, records: list[RequestRecord]
) -> None:
    with pytest.raises(Unreachable):
        await mock_client(leaking_handler).projects.get_info_by_id(1)
    assert records and all("LEAKY" not in repr(record) for record in records)


@pytest.mark.parametrize("splitter", ["\n", "\r", "\x7f", "\t", "\u2028"])
def test_a_token_with_an_illegal_header_character_is_refused_unquoted(splitter: str) -> None:
    token = LEAKY_TOKEN[:30] + splitter + LEAKY_TOKEN[30:]
    with pytest.raises(ValueError) as caught:
        SlyClient("http://server.test", token)
    assert "copy the token again" in str(caught.value)
    assert LEAKY_TOKEN[:16] not in str(caught.value) and "LEAKY" not in str(caught.value)
