"""Fault injection: deterministic failures, 429 with Retry-After, garbage bodies, latency,
the method filter, and the admin endpoint that flips them from another process."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from sly_tui.demo import Emulator, Faults, ManualClock
from sly_tui.demo.errors import ApiError

from ..conftest import FROZEN_NOW
from .conftest import API, Rpc, error_message


async def test_fail_next_fails_exactly_n_requests(rpc: Rpc, emulator: Emulator) -> None:
    emulator.faults.fail_next = 2
    emulator.faults.error_status = 503
    for _ in range(2):
        body = await rpc("users.me", status=503)
        assert "injected" in error_message(body)
    await rpc("users.me")
    assert emulator.faults.fail_next == 0


async def test_method_filter_and_exempt_calls(
    rpc: Rpc, http: httpx.AsyncClient, emulator: Emulator
) -> None:
    emulator.faults = Faults(fail_next=1, methods=["tasks.info"])
    await rpc("users.me")
    await rpc("instance.version")
    assert (await http.get("/")).status_code == 200
    await rpc("tasks.info", {"id": 1001}, status=500)
    await rpc("tasks.info", {"id": 1001})
    emulator.faults = Faults(error_rate=1.0)
    assert await rpc("instance.version") == {"version": "6.18.3"}  # never faulted


async def test_rate_limit_carries_integer_retry_after(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    emulator.faults.update({"rate_limit_rate": 1.0, "retry_after": 7})
    response = await http.post(API + "users.me", json={}, headers={"x-api-key": emulator.token})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert error_message(response.json())


async def test_malformed_bodies_are_200_but_not_the_expected_json(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    emulator.faults.malformed_rate = 1.0
    for _ in range(8):
        response = await http.post(
            API + "tasks.info", json={"id": 1001}, headers={"x-api-key": emulator.token}
        )
        assert response.status_code == 200
        try:
            body = json.loads(response.content)
        except ValueError:
            continue
        assert not isinstance(body, dict)


async def test_error_rate_is_seeded() -> None:
    def outcomes() -> list[int]:
        emulator = Emulator(seed=5, clock=ManualClock(FROZEN_NOW), faults=Faults(error_rate=0.5))
        return [emulator.injector.verdict("users.me") is not None for _ in range(40)]

    first = outcomes()
    assert first == outcomes()
    assert 5 < sum(first) < 35


async def test_latency_delays_requests(rpc: Rpc, emulator: Emulator) -> None:
    emulator.faults.latency = 0.05
    started = time.perf_counter()
    await rpc("users.me")
    assert time.perf_counter() - started >= 0.05


async def test_admin_endpoint_reads_and_sets_faults(
    http: httpx.AsyncClient, emulator: Emulator
) -> None:
    headers = {"x-api-key": emulator.token}
    current = await http.get("/demo/faults", headers=headers)
    assert current.json() == Faults().to_json()
    changed = await http.post(
        "/demo/faults", json={"fail_next": 1, "error_status": 502}, headers=headers
    )
    assert changed.status_code == 200 and changed.json()["fail_next"] == 1
    assert (
        await http.get("/demo/faults", headers=headers)
    ).status_code == 200  # admin is never faulted
    assert (await http.post(API + "users.me", json={}, headers=headers)).status_code == 502
    bad = await http.post("/demo/faults", json={"error_rate": 2}, headers=headers)
    assert bad.status_code == 400
    assert (await http.post("/demo/faults", json={"nope": 1}, headers=headers)).status_code == 400
    assert (await http.get("/demo/faults")).status_code == 400
    viewer = await http.get("/demo/faults", headers={"x-api-key": emulator.viewer_token})
    assert viewer.status_code == 403


@pytest.mark.parametrize(
    "bad", [{"retry_after": -1}, {"error_status": 200}, {"methods": "tasks.info"}]
)
def test_fault_settings_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ApiError):
        Faults().update(bad)


async def test_requests_endpoint_counts_calls_per_method(
    http: httpx.AsyncClient, rpc: Rpc, emulator: Emulator
) -> None:
    await rpc("users.me")
    await rpc("users.me")
    await rpc("tasks.info", {"id": 999_999_999}, status=404)
    counts = await http.get("/demo/requests", headers={"x-api-key": emulator.viewer_token})
    assert counts.status_code == 200
    assert counts.json() == {"users.me": 2, "tasks.info": 1}
    assert (await http.get("/demo/requests")).status_code == 400
