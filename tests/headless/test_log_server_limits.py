"""`sly-tui logs` reading (`LogReader`, the dashboard's topic) against servers unlike the
emulator, as hand-made replies: pages capped below the asked `limit`, entries out of
order, and an older instance without `tasks.log.download`."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from sly_tui.api import SlyClient
from sly_tui.headless.errors import CommandError
from sly_tui.headless.reading import LogReader
from sly_tui.monitor.events import LogsUnavailable
from sly_tui.monitor.service import Next

from ..conftest import FAST_RETRY

TASK = 7
START = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
LINES = 3000
SERVER_PAGE = 1000


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


LOG = [
    {
        "level": "info",
        "message": f"line {i}",
        "timestamp": stamp(START + timedelta(milliseconds=i)),
        "task_id": TASK,
    }
    for i in range(LINES)
]
INFO = {"id": TASK, "status": "finished", "type": "app", "workspaceId": 201}
CONTEXT = {"team": {"id": 101, "name": "t"}, "workspace": {"id": 201, "name": "w"}}


def server(*, logs: bool = True) -> httpx.MockTransport:
    """A finished task whose log holds LINES entries; pages hold at most SERVER_PAGE of
    them whatever `limit` asks, shuffled."""
    shuffle = random.Random(5).shuffle

    def handle(request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        if method == "tasks.info":
            return httpx.Response(200, json=INFO)
        if method == "GetTaskContext":
            return httpx.Response(200, json=CONTEXT)
        if method == "tasks.log.download" and logs:
            since = request.url.params.get("sinceTime")
            limit = int(request.url.params.get("limit", LINES))
            after = [e for e in LOG if since is None or e["timestamp"] > since]
            page = after[: min(limit, SERVER_PAGE)]
            shuffle(page)
            return httpx.Response(200, json=page)
        return httpx.Response(404, json={"error": "Not found", "details": {"message": method}})

    return httpx.MockTransport(handle)


def client_for(transport: httpx.MockTransport) -> SlyClient:
    return SlyClient("http://server.test", "t" * 32, transport=transport, retry=FAST_RETRY)


async def test_a_server_capping_pages_still_gives_the_whole_log_in_order() -> None:
    async with client_for(server()) as client:
        reader = LogReader(TASK)
        lines = [entry.message async for page in reader.pages(client) for entry in page]
    assert lines == [f"line {i}" for i in range(LINES)]


async def test_a_server_without_the_log_endpoint_gets_one_sentence() -> None:
    async with client_for(server(logs=False)) as client:
        reader = LogReader(TASK)
        with pytest.raises(CommandError, match="does not offer task logs through the API"):
            [page async for page in reader.pages(client)]
        topic = LogReader(TASK).topic
        events: list[Any] = []
        assert await topic.poll(client, events.append) is Next.WAIT
        assert [e for e in events if isinstance(e, LogsUnavailable)]
        assert topic.task is not None  # the task itself is still read
        assert await topic.poll(client, events.append) is Next.DONE  # ended: no more polls


async def test_odd_entries_are_lines_and_the_cursor_moves_past_them() -> None:
    odd: list[Any] = [LOG[0], "a bare string", {"timestamp": "garbage", "message": 1}, 7, LOG[1]]

    def handle(request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        if method == "tasks.log.download":
            since = request.url.params.get("sinceTime")
            return httpx.Response(200, json=[] if since and since >= LOG[1]["timestamp"] else odd)
        return httpx.Response(200, json=INFO if method == "tasks.info" else CONTEXT)

    async with client_for(httpx.MockTransport(handle)) as client:
        reader = LogReader(TASK)
        lines = [entry.message async for page in reader.pages(client) for entry in page]
        assert sorted(lines) == sorted(["line 0", "a bare string", "1", "7", "line 1"])
        assert reader.topic.cursor.last is not None
        assert stamp(reader.topic.cursor.last) == LOG[1]["timestamp"]
