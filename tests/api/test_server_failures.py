"""Auth failures, read-only refusal and injected faults, against the emulator."""

from __future__ import annotations

import pytest

from sly_tui.api import (
    AuthError,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ReadOnlyError,
    RequestRecord,
    RetryPolicy,
    ServerError,
    SlyClient,
)
from sly_tui.demo import Emulator
from sly_tui.enums import Status

from .conftest import MakeClient, Sleeps
from .test_reads import first_task


async def test_missing_token(emulator_client: MakeClient) -> None:
    client = emulator_client(token="")
    with pytest.raises(AuthError) as caught:
        await client.users.get_my_info()
    assert caught.value.status == 400
    assert "No API token was given" in caught.value.sentence


async def test_invalid_token(emulator_client: MakeClient, records: list[RequestRecord]) -> None:
    client = emulator_client(token="x" * 128)
    with pytest.raises(AuthError) as caught:
        await client.tasks.get_list(201)
    assert caught.value.status == 403
    assert "rejected the API token" in caught.value.sentence
    assert len(records) == 1  # not retried


async def test_viewer_reads_but_may_not_write(
    emulator_client: MakeClient, emulator: Emulator
) -> None:
    viewer = emulator_client(token=emulator.viewer_token)
    assert (await viewer.users.get_my_info()).login == "viewer"
    running = first_task(emulator, status=Status.STARTED)
    with pytest.raises(PermissionDenied) as caught:
        await viewer.tasks.stop(running)
    assert caught.value.status == 403
    assert caught.value.sentence == "The token lacks rights for this action (HTTP 403)."
    assert "read-only (viewer) role" in str(caught.value)
    assert emulator.world.tasks[running].status is Status.STARTED


async def test_read_only_client_sends_no_mutation(
    emulator_client: MakeClient, emulator: Emulator, records: list[RequestRecord]
) -> None:
    client = emulator_client(read_only=True)
    running = first_task(emulator, status=Status.STARTED)
    assert (await client.tasks.get_info_by_id(running)) is not None
    sent = len(records)
    refused = [
        client.tasks.stop(running),
        client.tasks.set_output_text(running, "x"),
        client.tasks.set_output_archive(running, 802, "a.tar"),
        client.tasks.set_output_project(running, 601),
        client.tasks.run_train(301, 601, 701, "net"),
        client.tasks.send_request(running, "is_running", {}),
    ]
    for call in refused:
        with pytest.raises(ReadOnlyError):
            await call
    assert len(records) == sent
    assert emulator.world.tasks[running].status is Status.STARTED
    assert "output" not in emulator.world.tasks[running].meta


async def test_injected_failures_are_retried(
    emulator_client: MakeClient, emulator: Emulator, sleeps: Sleeps, records: list[RequestRecord]
) -> None:
    emulator.faults.fail_next = 2
    tasks = await emulator_client().tasks.get_list(201)
    assert tasks
    assert [(r.status, r.attempt) for r in records] == [(500, 1), (500, 2), (200, 3)]
    assert sleeps == [1.0, 2.0]


async def test_faults_beyond_the_budget_raise_the_typed_error(
    emulator_client: MakeClient, emulator: Emulator, sleeps: Sleeps
) -> None:
    emulator.faults.fail_next = 5
    emulator.faults.error_status = 503
    client = emulator_client(retry=RetryPolicy(retries=4, sleep=0.5, cap=1.5))
    with pytest.raises(ServerError) as caught:
        await client.tasks.get_info_by_id(1001)
    assert caught.value.status == 503
    assert sleeps == [0.5, 1.0, 1.5]
    assert emulator.faults.fail_next == 1


async def test_rate_limits_honour_retry_after(
    emulator_client: MakeClient, emulator: Emulator, sleeps: Sleeps
) -> None:
    emulator.faults.rate_limit_rate = 1.0
    emulator.faults.retry_after = 7
    with pytest.raises(RateLimited) as caught:
        await emulator_client().teams.get_list()
    assert caught.value.retry_after == 7
    assert sleeps == [7.0, 7.0]


async def test_malformed_bodies_are_protocol_errors(
    emulator_client: MakeClient, emulator: Emulator
) -> None:
    emulator.faults.malformed_rate = 1.0
    client = emulator_client()
    for _ in range(8):  # the emulator picks among several kinds of garbage
        with pytest.raises(ProtocolError) as caught:
            await client.tasks.get_info_by_id(1001)
        assert caught.value.method == "tasks.info"


async def test_faults_limited_to_some_methods(
    emulator_client: MakeClient, emulator: Emulator
) -> None:
    emulator.faults.error_rate = 1.0
    emulator.faults.methods = ["tasks.list"]
    client = emulator_client()
    assert await client.users.get_my_info()
    with pytest.raises(ServerError):
        await client.tasks.get_list(201)


async def test_faults_over_loopback(live_client: SlyClient, emulator: Emulator) -> None:
    emulator.faults.fail_next = 2
    assert await live_client.tasks.get_list(201)
    emulator.faults.rate_limit_rate = 1.0
    emulator.faults.retry_after = 0
    with pytest.raises(RateLimited):
        await live_client.teams.get_list()
