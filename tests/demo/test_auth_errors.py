"""Auth and error replies: statuses, the `{"error", "details"}` body, no token leaks."""

from __future__ import annotations

import httpx
import pytest

from sly_tui.demo import Emulator
from sly_tui.demo.errors import MAX_MESSAGE
from sly_tui.demo.handlers_team import HANDLERS
from sly_tui.enums import MUTATING_METHODS

from .conftest import API, Rpc, error_message


async def test_missing_token_is_400(http: httpx.AsyncClient) -> None:
    response = await http.post(API + "users.me", json={})
    assert response.status_code == 400
    assert "x-api-key" in error_message(response.json())


async def test_unknown_token_is_403(rpc: Rpc) -> None:
    body = await rpc("users.me", token="x" * 128, status=403)
    assert "not valid" in error_message(body)


async def test_viewer_reads_but_cannot_write(rpc: Rpc, emulator: Emulator) -> None:
    me = await rpc("users.me", token=emulator.viewer_token)
    assert me["login"] == "viewer"
    assert {t["role"] for t in me["teams"]} == {"viewer"}
    await rpc("tasks.info", {"id": 1001}, token=emulator.viewer_token)
    for method in sorted(MUTATING_METHODS):
        body = await rpc(method, {"id": 1001}, token=emulator.viewer_token, status=403)
        assert "read-only" in error_message(body)


async def test_unknown_method_and_unknown_id_are_404(rpc: Rpc) -> None:
    assert "does not exist" in error_message(await rpc("tasks.nope", status=404))
    for method in (
        "tasks.info",
        "workspaces.info",
        "agents.info",
        "apps.info",
        "users.info",
        "projects.info",
        "models.info",
        "file-storage.info",
        "ecosystem.info",
    ):
        assert "not found" in error_message(await rpc(method, {"id": 987654}, status=404))
    await rpc("tasks.train-metrics", {"taskId": 987654}, status=404)
    await rpc("teams.info", {"id": 987654}, status=404)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"id": "5"}', "must be an integer"),
        (b'{"id": true}', "must be an integer"),
        (b"{}", "'id' is required"),
    ],
)
async def test_bad_requests_are_400_with_a_reason(
    http: httpx.AsyncClient, emulator: Emulator, body: bytes, fragment: str
) -> None:
    response = await http.post(
        API + "tasks.info",
        content=body,
        headers={"x-api-key": emulator.token, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert fragment in error_message(response.json())


async def test_stray_task_id_is_ignored(rpc: Rpc) -> None:
    info = await rpc("tasks.info", {"id": 1001, "taskId": 7})
    assert info["id"] == 1001


async def test_v3_alias_and_get_with_query(http: httpx.AsyncClient, emulator: Emulator) -> None:
    headers = {"x-api-key": emulator.token}
    alias = await http.post("/v3/tasks.info", json={"id": 1001}, headers=headers)
    via_get = await http.get(API + "tasks.info", params={"id": "1001"}, headers=headers)
    assert alias.status_code == via_get.status_code == 200
    assert alias.json() == via_get.json()
    bad = await http.get(API + "tasks.info", params={"id": "abc"}, headers=headers)
    assert bad.status_code == 400


async def test_root_answers_200(http: httpx.AsyncClient) -> None:
    response = await http.get("/")
    assert response.status_code == 200


async def test_a_bug_becomes_a_500_json_body_without_tokens(
    rpc: Rpc, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(call: object, params: object) -> None:
        raise RuntimeError(f"boom {emulator.token} {emulator.viewer_token}")

    monkeypatch.setitem(HANDLERS, "users.me", broken)
    fresh = Emulator(seed=1, clock=emulator.clock)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=fresh.app), base_url="http://t")
    async with client:
        response = await client.post(API + "users.me", json={}, headers={"x-api-key": fresh.token})
    assert response.status_code == 500
    message = error_message(response.json())
    assert "boom" not in message and "RuntimeError" not in message  # only the log has them
    assert fresh.token not in response.text and fresh.viewer_token not in response.text


async def test_success_is_exactly_200_json(http: httpx.AsyncClient, emulator: Emulator) -> None:
    response = await http.post(
        API + "tasks.meta.update", json={"id": 1001, "k": 1}, headers={"x-api-key": emulator.token}
    )
    assert response.status_code == 200
    assert response.json() == {"success": True}


@pytest.mark.parametrize(
    ("verb", "path", "status"),
    [
        ("PUT", API + "tasks.info", 405),
        ("DELETE", API + "tasks.info", 405),
        ("POST", API, 404),
        ("POST", "/public/api/v4/tasks.info", 404),
        ("GET", "/elsewhere", 404),
    ],
)
async def test_no_route_answers_the_api_error_shape(
    http: httpx.AsyncClient, verb: str, path: str, status: int
) -> None:
    response = await http.request(verb, path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert error_message(response.json())


async def test_quoted_input_is_scrubbed_then_cut_short(rpc: Rpc, emulator: Emulator) -> None:
    """A token in the wrong field never comes back, whole or in part (QA #13)."""
    for token in (emulator.token, emulator.viewer_token):
        reply = await rpc.get("tasks.info", {"id": token}, status=400)
        assert token[:20] not in str(reply)
        reply = await rpc("ecosystem.info", {"slug": token}, status=404)
        assert token[:20] not in str(reply)
    reply = await rpc("ecosystem.info", {"slug": "x" * 2**20}, status=404)
    assert len(error_message(reply)) <= MAX_MESSAGE
