"""List semantics shared by every `*.list`: envelope, pages, filters, sorting."""

from __future__ import annotations

import itertools
import math
import re
import time
from typing import Any

import pytest

from sly_tui.demo.filters import MAX_LIKE_PATTERN, like_matcher

from .conftest import Rpc, error_message

WS = 201


async def tasks(rpc: Rpc, **body: Any) -> dict[str, Any]:
    return await rpc("tasks.list", {"workspaceId": WS, **body})


async def ids(rpc: Rpc, *filters: dict[str, Any], **body: Any) -> list[int]:
    reply = await tasks(rpc, filter=list(filters), **body)
    return [t["id"] for t in reply["entities"]]


# tasks.list filters only on id, type and status by equality (as the API reference says), so
# order and text operators are checked on a list of tasks that accepts them: one app's.
APP = {"teamId": 101, "appId": 507}


async def app_tasks(rpc: Rpc, **body: Any) -> dict[str, Any]:
    return await rpc("apps.tasks.list", {**APP, **body})


async def app_ids(rpc: Rpc, *filters: dict[str, Any]) -> list[int]:
    return [t["id"] for t in (await app_tasks(rpc, filter=list(filters)))["entities"]]


async def test_envelope_and_defaults(rpc: Rpc) -> None:
    reply = await tasks(rpc)
    assert set(reply) == {"total", "perPage", "pagesCount", "entities"}
    assert reply["perPage"] == 500
    assert reply["pagesCount"] == 1
    assert reply["total"] == len(reply["entities"]) > 50
    got = [t["id"] for t in reply["entities"]]
    assert got == sorted(got)
    assert all(t["workspaceId"] == WS for t in reply["entities"])


async def test_pages_deliver_exactly_total(rpc: Rpc) -> None:
    first = await tasks(rpc, per_page=7)
    assert first["perPage"] == 7
    assert first["pagesCount"] == math.ceil(first["total"] / 7)
    seen = [t["id"] for t in first["entities"]]
    for page in range(2, first["pagesCount"] + 1):
        reply = await tasks(rpc, page=page, per_page=7)
        assert reply["total"] == first["total"]
        seen += [t["id"] for t in reply["entities"]]
    assert len(seen) == len(set(seen)) == first["total"]
    past = await tasks(rpc, page=first["pagesCount"] + 1, per_page=7)
    assert past["entities"] == []


async def test_per_page_is_capped_and_checked(rpc: Rpc) -> None:
    assert (await tasks(rpc, per_page=100_000))["perPage"] == 1000
    await rpc("tasks.list", {"workspaceId": WS, "per_page": 0}, status=400)
    await rpc("tasks.list", {"workspaceId": WS, "page": 0}, status=400)


async def test_empty_list(rpc: Rpc) -> None:
    reply = await tasks(rpc, filter=[{"field": "id", "operator": "=", "value": -1}])
    assert reply == {"total": 0, "perPage": 500, "pagesCount": 0, "entities": []}


async def test_equality_operators(rpc: Rpc) -> None:
    everything = set(await ids(rpc))
    finished = set(await ids(rpc, {"field": "status", "operator": "=", "value": "finished"}))
    assert finished and finished < everything
    assert (
        set(await ids(rpc, {"field": "status", "operator": "eq", "value": "finished"})) == finished
    )
    for op in ("!=", "not"):
        other = set(await ids(rpc, {"field": "status", "operator": op, "value": "finished"}))
        assert other == everything - finished
    either = set(
        await ids(rpc, {"field": "status", "operator": "in", "value": ["finished", "error"]})
    )
    errors = set(await ids(rpc, {"field": "status", "operator": "=", "value": "error"}))
    assert either == finished | errors
    rest = set(
        await ids(rpc, {"field": "status", "operator": "!in", "value": ["finished", "error"]})
    )
    assert rest == everything - either


async def test_order_operators_on_ids_and_dates(rpc: Rpc) -> None:
    everything = await app_ids(rpc)
    pivot = everything[len(everything) // 2]
    assert await app_ids(rpc, {"field": "id", "operator": "<", "value": pivot}) == [
        i for i in everything if i < pivot
    ]
    assert await app_ids(rpc, {"field": "id", "operator": "<=", "value": pivot}) == [
        i for i in everything if i <= pivot
    ]
    assert await app_ids(rpc, {"field": "id", "operator": ">", "value": pivot}) == [
        i for i in everything if i > pivot
    ]
    assert await app_ids(rpc, {"field": "id", "operator": ">=", "value": pivot}) == [
        i for i in everything if i >= pivot
    ]
    info = await rpc("tasks.info", {"id": pivot})
    later = await app_ids(rpc, {"field": "createdAt", "operator": ">", "value": info["createdAt"]})
    assert pivot not in later and later and min(later) > pivot
    not_a_date = {"field": "createdAt", "operator": ">", "value": "yesterday"}
    reply = await rpc("apps.tasks.list", {**APP, "filter": [not_a_date]}, status=400)
    assert "ISO-8601" in error_message(reply)


async def test_like_operators_on_names(rpc: Rpc) -> None:
    first = (await app_tasks(rpc))["entities"][0]["id"]
    await rpc("tasks.meta.update", {"id": first, "name": "train-live-1"})
    reply = await app_tasks(rpc)
    names = {t["id"]: t["meta"]["name"] for t in reply["entities"]}
    like = set(await app_ids(rpc, {"field": "name", "operator": "like", "value": "%-live-%"}))
    assert like == {i for i, n in names.items() if "-live-" in n}
    assert like
    assert (
        set(await app_ids(rpc, {"field": "name", "operator": "!like", "value": "%-live-%"}))
        == set(names) - like
    )
    assert not await app_ids(rpc, {"field": "name", "operator": "like", "value": "%-LIVE-%"})
    ilike = {"field": "name", "operator": "ilike", "value": "%-LIVE-%"}
    assert set(await app_ids(rpc, ilike)) == like
    assert (
        set(await app_ids(rpc, {"field": "name", "operator": "!ilike", "value": "%-LIVE-%"}))
        == set(names) - like
    )
    one = next(iter(like))
    pattern = names[one][:-1] + "_"  # `_` is exactly one character
    assert one in await app_ids(rpc, {"field": "name", "operator": "like", "value": pattern})


def _like_by_regex(pattern: str, text: str) -> bool:
    """The textbook translation, exponential in the worst case: a reference for tiny inputs."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.DOTALL) is not None


def test_like_matcher_agrees_with_the_regex_translation() -> None:
    for pattern in map("".join, itertools.product("a%_b", repeat=4)):
        like = like_matcher(pattern, ignore_case=False)
        for text in map("".join, itertools.product("ab", repeat=5)):
            assert like(text) is _like_by_regex(pattern, text), (pattern, text)
    assert like_matcher("100\\%", ignore_case=False)("100%")
    assert not like_matcher("100\\%", ignore_case=False)("1000")
    assert like_matcher("%A_c%", ignore_case=True)("xxabcxx")


async def test_like_cannot_freeze_the_server(rpc: Rpc) -> None:
    """A backtracking regex took minutes on these (QA #1); each must take milliseconds."""
    task = (await app_tasks(rpc))["entities"][0]["id"]
    await rpc("tasks.meta.update", {"id": task, "name": "a" * 3000})
    started = time.perf_counter()
    for value in ("%" * 12 + "#", "%a" * 5 + "%b", "%" + "_%" * 400 + "#"):
        assert not await app_ids(rpc, {"field": "name", "operator": "like", "value": value})
        assert not await app_ids(rpc, {"field": "name", "operator": "ilike", "value": value})
    assert time.perf_counter() - started < 1.0
    too_long = {"field": "name", "operator": "ilike", "value": "z" * (MAX_LIKE_PATTERN + 1)}
    reply = await rpc("apps.tasks.list", {**APP, "filter": [too_long]}, status=400)
    assert "limited to" in error_message(reply)


async def test_sort_by_fields_and_order(rpc: Rpc) -> None:
    desc = await tasks(rpc, sort="id", sort_order="desc")
    got = [t["id"] for t in desc["entities"]]
    assert got == sorted(got, reverse=True)
    started = await tasks(rpc, sort="startedAt", sort_order="asc")
    stamps = [t["startedAt"] for t in started["entities"]]
    present = [s for s in stamps if s is not None]
    assert present == sorted(present)
    assert stamps[: len(present)] == present  # nulls last when ascending
    by_status = await tasks(rpc, sort="status")
    statuses = [t["status"] for t in by_status["entities"]]
    assert statuses == sorted(statuses)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"filter": [{"field": "token", "operator": "=", "value": 1}]}, "cannot filter by field"),
        ({"filter": [{"field": "id", "operator": "~", "value": 1}]}, "not supported"),
        ({"filter": [{"field": "id", "operator": "like", "value": "1%"}]}, "not supported"),
        ({"filter": [{"field": "status", "operator": "in", "value": "finished"}]}, "list value"),
        ({"filter": [{"field": "id", "operator": "="}]}, "no 'value'"),
        ({"filter": [{"field": "id", "operator": "=", "value": "7"}]}, "must be an integer"),
        ({"filter": "status=finished"}, "must be a list"),
        ({"sort": "meta"}, "cannot sort by field"),
        # Fields, operators and sort keys the API reference does not give tasks.list.
        ({"filter": [{"field": "id", "operator": ">", "value": 1}]}, "not supported"),
        ({"filter": [{"field": "status", "operator": "ilike", "value": "fin%"}]}, "not supported"),
        ({"filter": [{"field": "name", "operator": "=", "value": "x"}]}, "cannot filter by"),
        ({"filter": [{"field": "startedAt", "operator": "=", "value": "x"}]}, "cannot filter by"),
        ({"filter": [{"field": "createdAt", "operator": ">", "value": "x"}]}, "cannot filter by"),
        ({"sort": "createdAt"}, "cannot sort by field"),
        ({"sort": "name"}, "cannot sort by field"),
        ({"sort_order": "up"}, "'asc' or 'desc'"),
    ],
)
async def test_bad_filters_and_sorts_are_400(rpc: Rpc, body: dict[str, Any], fragment: str) -> None:
    reply = await rpc("tasks.list", {"workspaceId": WS, **body}, status=400)
    assert fragment in error_message(reply)


async def test_neighbour_lists_filter_too(rpc: Rpc) -> None:
    teams = await rpc(
        "teams.list", {"filter": [{"field": "name", "operator": "ilike", "value": "demo%"}]}
    )
    assert [t["id"] for t in teams["entities"]] == [101]
    agents = await rpc(
        "agents.list",
        {"teamId": 101, "filter": [{"field": "status", "operator": "=", "value": "running"}]},
    )
    assert [a["status"] for a in agents["entities"]] == ["running"]
    modules = await rpc(
        "ecosystem.list",
        {
            "filter": [
                {"field": "slug", "operator": "=", "value": "supervisely-ecosystem/serve-yolov8"}
            ]
        },
    )
    assert modules["total"] == 1
