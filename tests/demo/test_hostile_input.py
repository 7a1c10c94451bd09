"""Input the server could store but not send back, or not parse without a 500: each is a
400 at request time, and the task stays readable and writable afterwards (QA #3, #4)."""

from __future__ import annotations

import httpx
import pytest

from sly_tui.demo.errors import MAX_MESSAGE
from sly_tui.demo.storable import MAX_DEPTH

from .conftest import API, Rpc, error_message

TASK = 1001


async def post_raw(http: httpx.AsyncClient, token: str, method: str, body: bytes) -> httpx.Response:
    headers = {"x-api-key": token, "content-type": "application/json"}
    return await http.post(API + method, content=body, headers=headers)


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("tasks.meta.update", b'{"id": 1001, "bad": NaN}', "'bad'"),
        ("tasks.meta.update", b'{"id": 1001, "bad": [-Infinity]}', "'bad[0]'"),
        ("tasks.meta.update", b'{"id": 1001, "big": 1e999}', "'big'"),
        ("tasks.meta.update", b'{"id": 1001, "name": "bad \\ud800 name"}', "'name'"),
        ("tasks.meta.update", b'{"id": 1001, "k\\udfffey": 1}', "'k\\udfffey'"),
        (
            "tasks.logs.add",
            b'{"logs": [{"task_id": 1001, "message": "x\\udc80y"}]}',
            "'logs[0].message'",
        ),
        (
            "tasks.data.set",
            b'{"taskId": 1001, "fields": [{"field": "state.x", "payload": "\\ud800"}]}',
            "'fields[0].payload'",
        ),
    ],
)
async def test_values_json_cannot_carry_are_400(
    http: httpx.AsyncClient, rpc: Rpc, method: str, body: bytes, field: str
) -> None:
    response = await post_raw(http, rpc.token, method, body)
    assert response.status_code == 400, response.text
    assert field in error_message(response.json())
    await rpc("tasks.info", {"id": TASK})
    await rpc("tasks.list", {"workspaceId": 201})
    assert (await rpc("tasks.log.download", {"id": TASK})) is not None


async def test_raw_surrogate_bytes_and_query_json_are_checked_too(
    http: httpx.AsyncClient, rpc: Rpc
) -> None:
    body = b'{"id": 1001, "n": "\xed\xa0\x80"}'  # a surrogate encoded as if it were UTF-8
    assert (await post_raw(http, rpc.token, "tasks.meta.update", body)).status_code == 400
    nan_filter = '[{"field": "id", "operator": "=", "value": NaN}]'
    reply = await rpc.get("tasks.list", {"workspaceId": 201, "filter": nan_filter}, status=400)
    assert "'filter[0].value'" in error_message(reply)


async def test_escaped_surrogate_pairs_are_fine(http: httpx.AsyncClient, rpc: Rpc) -> None:
    body = b'{"id": 1001, "name": "smile \\ud83d\\ude00"}'  # what json.dumps sends for an emoji
    assert (await post_raw(http, rpc.token, "tasks.meta.update", body)).status_code == 200
    assert (await rpc("tasks.info", {"id": TASK}))["meta"]["name"] == "smile \U0001f600"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


async def test_deep_bodies_are_400_not_500(http: httpx.AsyncClient, rpc: Rpc) -> None:
    for body in (nested(100_000), '{"id": 1001, "x": ' + nested(MAX_DEPTH) + "}"):
        response = await post_raw(http, rpc.token, "tasks.meta.update", body.encode())
        assert response.status_code == 400, response.text[:200]
        assert "nested too deeply" in error_message(response.json())
    ok = '{"id": 1001, "x": ' + nested(MAX_DEPTH - 1) + "}"
    assert (await post_raw(http, rpc.token, "tasks.meta.update", ok.encode())).status_code == 200


async def set_field(rpc: Rpc, field: str, payload: object, *, status: int = 200) -> object:
    item = {"field": field, "payload": payload, "append": True}
    return await rpc("tasks.data.set", {"taskId": TASK, "fields": [item]}, status=status)


async def test_writes_cannot_build_data_too_deep_to_write_again(rpc: Rpc) -> None:
    """Two legal writes nested into each other used to leave the task's data unwritable."""
    deep: list[object] = []
    for _ in range(40):
        deep = [deep]
    await set_field(rpc, "state.a", deep)
    reply = await set_field(rpc, "state.a" + "[0]" * 39, deep, status=400)
    assert "nested too deeply" in error_message(reply)  # type: ignore[arg-type]
    await set_field(rpc, "state." + ".b" * 70, 1, status=400)  # a long path builds depth too
    await set_field(rpc, "state.small", 1)
    got = await rpc("tasks.data.get", {"taskId": TASK, "fields": ["state.small", "state.a"]})
    assert got["result"] == {"state.small": 1, "state.a": deep}


@pytest.mark.parametrize(
    "text", ["²", "١٠٠١", "1_001", pytest.param("9" * 5000, id="5000-digits"), "0x10", "12a", ""]
)
async def test_ids_written_as_text_are_ascii_digits_or_400(
    http: httpx.AsyncClient, rpc: Rpc, text: str
) -> None:
    """`int()` took some of these and crashed on others (QA #5, #15)."""
    header = {"x-api-key": rpc.token, "x-task-id": text.encode("latin-1", "replace")}
    if text:
        logs = {"logs": [{"message": "hi"}]}
        response = await http.post(API + "tasks.logs.add", json=logs, headers=header)
        assert response.status_code == 400, response.text[:200]
        assert "must be an integer" in error_message(response.json())
        upload = {"0": (None, '{"fullpath": "a"}'), "0-file": ("a", b"x")}
        response = await http.post(API + "tasks.files.bulk.upload", files=upload, headers=header)
        assert response.status_code == 400, response.text[:200]
    for fields in ({"id": (None, text)}, {"taskId": (None, text)}):
        files = {**fields, "name": (None, "n"), "archive": ("n.tar", b"x")}
        method = "tasks.upload.dtl_archive" if "id" in fields else "tasks.files.bulk.upload"
        response = await http.post(API + method, files=files, headers={"x-api-key": rpc.token})
        assert response.status_code == 400, response.text[:200]
    reply = await rpc.get("tasks.info", {"id": text}, status=400)
    assert len(error_message(reply)) <= MAX_MESSAGE


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"])
async def test_instants_outside_the_years_1_to_9999_are_400(rpc: Rpc, stamp: str) -> None:
    """An offset pushed these out of range in `astimezone`: a 500 before (QA #6)."""
    await rpc.get("tasks.log.download", {"id": TASK, "sinceTime": stamp}, status=400)
    logs = {"logs": [{"task_id": TASK, "message": "x", "timestamp": stamp}]}
    await rpc("tasks.logs.add", logs, status=400)
    after = [{"field": "startedAt", "operator": ">", "value": stamp}]
    await rpc("tasks.list", {"workspaceId": 201, "filter": after}, status=400)


async def test_log_lines_far_in_the_future_are_400(rpc: Rpc) -> None:
    logs = {"logs": [{"task_id": TASK, "message": "x", "timestamp": "9999-12-31T23:59:59.999Z"}]}
    reply = await rpc("tasks.logs.add", logs, status=400)
    assert "after the year 8999" in error_message(reply)
    logs["logs"][0]["timestamp"] = "2099-01-01T00:00:00.000Z"  # what the SDK check sends
    await rpc("tasks.logs.add", logs)
