"""Model parsing: tolerant of extra and missing keys, strict about wrong shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from sly_tui.api import (
    Agent,
    App,
    Checkpoint,
    LogEntry,
    Module,
    Project,
    ProtocolError,
    StartedTask,
    TaskContext,
    TaskInfo,
    User,
)
from sly_tui.enums import AgentStatus, LogLevel, Status

from .conftest import MakeClient

TASK = {
    "id": 121230,
    "workspaceId": 23821,
    "teamId": 16087,
    "userId": 16154,
    "userLogin": "alexxx",
    "description": "",
    "type": "app",
    "status": "finished",
    "startedAt": "2019-12-19T12:13:09.702Z",
    "finishedAt": "2019-12-19T12:20:01.101Z",
    "agentId": None,
    "agentName": None,
    "settings": {},
    "meta": {"app": {"id": 10370, "name": "Auto Import"}, "output": {"project": {"id": 1}}},
}


def test_task_reads_the_documented_keys() -> None:
    task = TaskInfo.from_json(TASK)
    assert task.id == 121230
    assert task.status is Status.FINISHED
    assert task.started_at == datetime(2019, 12, 19, 12, 13, 9, 702000, tzinfo=UTC)
    assert task.agent_id is None
    assert task.app["name"] == "Auto Import"
    assert task.output == {"project": {"id": 1}}
    assert not task.is_active


def test_extra_keys_are_kept_in_raw_but_not_shown() -> None:
    task = TaskInfo.from_json({**TASK, "nodeId": 3, "attempt": 1})
    assert task.raw["nodeId"] == 3
    assert "nodeId" not in repr(task)
    assert task != TaskInfo.from_json(TASK)  # what the server sent differs


def test_missing_optional_keys_become_none() -> None:
    task = TaskInfo.from_json({"id": 1})
    assert (task.status, task.type, task.started_at, task.meta, task.app) == (
        None,
        None,
        None,
        {},
        {},
    )


def test_unknown_status_is_kept_as_text() -> None:
    task = TaskInfo.from_json({"id": 1, "status": "paused"})
    assert task.status == "paused"
    assert task.is_active  # unknown: it may still change
    assert Agent.from_json({"id": 1, "status": "network_issue"}).status == "network_issue"
    assert Agent.from_json({"id": 1, "status": "running"}).status is AgentStatus.RUNNING


@pytest.mark.parametrize(
    ("payload", "complaint"),
    [
        ([TASK], "TaskInfo is a list, expected an object"),
        ({"type": "app"}, "TaskInfo 'id' is missing"),
        ({"id": "twelve"}, "TaskInfo 'id' is a string 'twelve', expected an integer"),
        ({"id": True}, "TaskInfo 'id' is a boolean True, expected an integer"),
        ({"id": 1.5}, "TaskInfo 'id' is a number 1.5, expected an integer"),
    ],
)
def test_only_an_entity_without_an_id_is_refused(payload: Any, complaint: str) -> None:
    with pytest.raises(ProtocolError, match="wrong shape") as caught:
        TaskInfo.from_json(payload)
    assert complaint in caught.value.sentence


def test_odd_values_are_coerced_or_kept_raw_and_the_task_shown() -> None:
    """One odd value must not cost the entity (nor its page): what is unambiguous is
    coerced, the rest reads as unknown and stays in `raw`."""
    task = TaskInfo.from_json(
        {
            "id": "12",
            "workspaceId": 3.0,
            "userId": "-",
            "status": 3,
            "description": {"x": 1},
            "agentName": 7,
            "startedAt": "",
            "finishedAt": "1970-01-01T00:00:00Z",
            "createdAt": 1700000000,
            "settings": [],
            "meta": ["not", "an", "object"],
        }
    )
    assert (task.id, task.workspace_id, task.user_id) == (12, 3, None)
    assert (task.status, task.description, task.agent_name) == ("3", None, "7")
    assert (task.started_at, task.finished_at, task.created_at) == (None, None, None)
    assert (task.settings, task.meta, task.app) == ({}, {}, {})
    assert task.raw["meta"] == ["not", "an", "object"]
    assert TaskInfo.from_json({"id": 5, "startedAt": "yesterday"}).started_at is None


async def test_one_odd_task_does_not_fail_its_page(mock_client: MakeClient) -> None:
    entities = [TASK, {**TASK, "id": "7", "settings": []}, {"status": "started"}, [1], 3]
    envelope = {"total": 5, "perPage": 500, "pagesCount": 1.0, "entities": entities}
    client = mock_client(lambda request: httpx.Response(200, json=envelope))
    tasks = await client.tasks.get_list(1)
    assert [t.id for t in tasks] == [121230, 7]  # those without an id are left out, counted


def test_naive_times_are_taken_as_utc() -> None:
    task = TaskInfo.from_json({"id": 1, "startedAt": "2026-01-02T03:04:05"})
    assert task.started_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_context_reads_nested_objects() -> None:
    context = TaskContext.from_json({"team": {"id": 1, "name": "t"}, "workspace": {"id": 2}})
    assert (context.team_id, context.team_name, context.workspace_id) == (1, "t", 2)
    assert TaskContext.from_json({}).team_id is None
    with pytest.raises(ProtocolError, match="expected an object"):
        TaskContext.from_json({"team": [1]})


def test_started_task_falls_back_to_task_id() -> None:
    started = StartedTask.from_json({"taskId": 21012, "userId": 6, "moduleId": 83, "appId": 578})
    assert (started.id, started.module_id, started.app_id) == (21012, 83, 578)
    assert StartedTask.from_json({"id": 5, "taskId": 7}).id == 5


def test_log_entries_tolerate_odd_levels_and_messages() -> None:
    entry = LogEntry.from_json({"message": 42, "level": "WARNING", "task_id": 5})
    assert (entry.message, entry.level, entry.task_id, entry.timestamp) == (
        "42",
        LogLevel.WARN,
        5,
        None,
    )
    assert LogEntry.from_json({"level": "notice"}).level == "notice"
    assert LogEntry.from_json({}).message == ""
    assert LogEntry.from_json({"level": 40}).level is LogLevel.ERROR  # Python's numbers
    assert LogEntry.from_json({"level": 25}).level == "25"
    assert LogEntry.from_json({"task_id": "5", "timestamp": ""}).task_id == 5
    bare = LogEntry.from_json("just a line")  # still a line, not a failed log
    assert (bare.message, bare.timestamp) == ("just a line", None)


def test_progress_records_are_recognised() -> None:
    entry = LogEntry.from_json(
        {
            "message": "progress",
            "level": "info",
            "event_type": "EventType.PROGRESS",
            "subtask": "Downloading",
            "current": 3,
            "total": 6,
            "current_label": "3.0 MiB",
            "total_label": "6.0 MiB",
        }
    )
    progress = entry.progress
    assert progress is not None
    assert (progress.subtask, progress.current, progress.total, progress.fraction) == (
        "Downloading",
        3,
        6,
        0.5,
    )
    assert progress.total_label == "6.0 MiB"
    assert LogEntry.from_json({"message": "hello"}).progress is None


def test_hostile_progress_records_degrade_to_unknowns() -> None:
    entry = LogEntry.from_json(
        {"message": "x", "event_type": "EventType.PROGRESS", "current": "3", "total": True}
    )
    progress = entry.progress
    assert progress is not None
    assert (progress.current, progress.total, progress.fraction) == (None, None, None)
    zero = LogEntry.from_json({"message": "progress", "current": 0, "total": 0}).progress
    assert zero is not None and zero.fraction is None
    odd = LogEntry.from_json(
        json.loads('{"message": "progress", "current": NaN, "total": -Infinity}')
    )
    assert odd.progress is not None and (odd.progress.current, odd.progress.total) == (None, None)


def test_users_carry_their_teams() -> None:
    user = User.from_json(
        {"id": 1, "login": "me", "teams": [{"id": 7, "name": "t", "role": "admin", "roleId": 1}]}
    )
    assert user.teams[0].role == "admin"
    assert User.from_json({"id": 1, "teams": {"id": 7}}).teams == ()


def test_module_latest_version_and_renamed_keys() -> None:
    module = Module.from_json(
        {
            "id": 81,
            "slug": "supervisely-ecosystem/x",
            "repositoryModuleUrl": "https://github.com/x",
            "repo": "x",
            "meta": {"releases": [{"version": "v1.2.0"}, {"version": "v1.1.0"}]},
        }
    )
    assert (module.repo, module.github_repo, module.latest_version) == (
        "https://github.com/x",
        "x",
        "v1.2.0",
    )
    assert Module.from_json({"id": 1, "meta": {"releases": "no"}}).latest_version is None


def test_apps_parse_their_sessions() -> None:
    app = App.from_json({"id": 1, "createdBy": 4, "tasks": [{"id": 9, "status": "started"}]})
    assert app.created_by_id == 4
    assert app.tasks[0].status is Status.STARTED
    odd = App.from_json({"id": 1, "tasks": [{"status": "started"}, {"id": 2}]})
    assert [t.id for t in odd.tasks] == [2]  # a session without an id is left out


def test_sizes_may_be_strings() -> None:
    assert Project.from_json({"id": 1, "size": "1024", "imagesCount": 3}).size == 1024
    assert Project.from_json({"id": 1, "imagesCount": 3}).items_count == 3
    assert Project.from_json({"id": 1, "size": 2048.0}).size == 2048
    for odd in ("lots", "²", "-1", "", [1]):
        assert Project.from_json({"id": 1, "size": odd}).size is None


def test_checkpoints_accept_several_spellings() -> None:
    a = Checkpoint.from_json(
        {"name": "e1", "epoch": 1, "isBest": True, "created": "2026-01-01T00:00:00Z"}
    )
    b = Checkpoint.from_json({"title": "e2", "iteration": 20, "size": "10"})
    assert (a.name, a.epoch, a.best, a.created_at is not None) == ("e1", 1, True, True)
    assert (b.name, b.step, b.size, b.best) == ("e2", 20, 10, None)
