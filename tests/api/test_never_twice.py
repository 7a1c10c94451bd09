"""Calls that act each time are never sent twice once they may have reached the server, and a
start whose reply was lost is looked up instead; Retry-After is obeyed only up to a cap."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from sly_tui.api import ApiError, OutcomeUnknown, RateLimited, RequestRecord, RetryPolicy
from sly_tui.demo import Emulator

from ..lossy import LosingProxy
from .conftest import MakeClient, Sleeps

IMPORT_MODULE = "supervisely-ecosystem/import-images"


async def test_a_lost_start_reply_is_looked_up_not_resent(
    make_client: MakeClient, emulator: Emulator, sleeps: Sleeps, records: list[RequestRecord]
) -> None:
    client = make_client(LosingProxy(emulator, "tasks.run.app"), emulator.token)
    module_id = await client.ecosystem.get_module_id(IMPORT_MODULE)
    before = set(emulator.world.tasks)
    with pytest.raises(OutcomeUnknown) as caught:
        await client.tasks.start(301, module_id=module_id, workspace_id=201, task_name="once")
    created = set(emulator.world.tasks) - before
    assert len(created) == 1  # the server acted exactly once
    assert caught.value.task_id == created.pop()
    assert f"the server may have started it: task {caught.value.task_id}" in str(caught.value)
    assert sleeps == []
    assert [r.method for r in records].count("tasks.run.app") == 1


async def test_with_no_workspace_to_look_in_the_outcome_is_unknown(
    make_client: MakeClient, emulator: Emulator
) -> None:
    client = make_client(LosingProxy(emulator, "tasks.run.app", drop=True), emulator.token)
    with pytest.raises(OutcomeUnknown) as caught:
        await client.tasks.start(301, module_id=401)
    assert caught.value.task_id is None
    assert str(caught.value) == (
        "tasks.run.app: Cannot reach http://server.test: the server closed the connection "
        "unexpectedly; outcome unknown, so it was not sent again."
    )


async def test_log_lines_and_appends_go_out_once(
    make_client: MakeClient, emulator: Emulator, records: list[RequestRecord]
) -> None:
    client = make_client(LosingProxy(emulator, "tasks.logs.add", drop=True), emulator.token)
    with pytest.raises(OutcomeUnknown):
        await client.tasks.submit_logs([{"message": "x", "level": "info", "taskId": 1001}])
    client = make_client(LosingProxy(emulator, "tasks.data.set"), emulator.token)
    with pytest.raises(OutcomeUnknown):
        await client.tasks.set_fields(1001, [{"field": "data.a", "payload": 1, "append": True}])
    sent = [r.method for r in records]
    assert sent.count("tasks.logs.add") == 1 and sent.count("tasks.data.set") == 1


async def test_idempotent_writes_are_still_retried(
    make_client: MakeClient, emulator: Emulator, records: list[RequestRecord]
) -> None:
    client = make_client(LosingProxy(emulator, "tasks.data.set"), emulator.token)
    with pytest.raises(Exception, match="HTTP 502"):
        await client.tasks.set_fields(1001, [{"field": "data.a", "payload": 1}])
    assert [r.method for r in records].count("tasks.data.set") == 3


@pytest.mark.parametrize(
    "refusal",
    [
        lambda request: httpx.Response(429, headers={"Retry-After": "1"}),
        lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused", request=request)),
    ],
    ids=["429", "connect-refused"],
)
async def test_a_start_the_server_never_got_is_retried(
    mock_client: MakeClient, refusal: Callable[[httpx.Request], httpx.Response]
) -> None:
    answers = [refusal]

    def handler(request: httpx.Request) -> httpx.Response:
        if answers:
            return answers.pop()(request)
        return httpx.Response(200, json=[{"taskId": 7, "userId": 1}])

    started = await mock_client(handler).tasks.start(301, app_id=1, workspace_id=201)
    assert started.id == 7


def rate_limited(seconds: str) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(429, headers={"Retry-After": seconds})


async def test_retry_after_is_obeyed_up_to_a_minute(
    mock_client: MakeClient, sleeps: Sleeps
) -> None:
    heard: list[tuple[str, float]] = []
    client = mock_client(
        rate_limited("3600"), on_retry=lambda error, delay: heard.append((error.sentence, delay))
    )
    with pytest.raises(RateLimited):
        await client.teams.get_list()
    assert sleeps == [60.0, 60.0]
    assert heard[0][1] == 60.0 and "HTTP 429" in heard[0][0]


async def test_an_impatient_caller_gets_the_429_at_once(
    mock_client: MakeClient, sleeps: Sleeps
) -> None:
    client = mock_client(
        rate_limited("30"), retry=RetryPolicy(retries=2, sleep=0.5, cap=2.0, patience=2.0)
    )
    with pytest.raises(RateLimited) as caught:
        await client.teams.get_list()
    assert caught.value.retry_after == 30
    assert sleeps == []


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, content=b'[{"taskId": 7'),
        httpx.Response(200, json={"taskId": 7}),
        httpx.Response(501, json={"error": "no"}),
        httpx.Response(404, json={"error": "no such app"}),
    ],
    ids=["broken-200", "odd-200", "501", "404"],
)
async def test_a_200_that_cannot_be_read_is_unknown_a_refusal_is_not(
    mock_client: MakeClient, records: list[RequestRecord], reply: httpx.Response
) -> None:
    client = mock_client(lambda request: reply)
    with pytest.raises(ApiError) as caught:
        await client.tasks.start(301, app_id=1)
    assert isinstance(caught.value, OutcomeUnknown) == (reply.status_code == 200)
    assert len(records) == 1
