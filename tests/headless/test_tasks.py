"""`sly-tui tasks`: the table, the JSON schema, filters, and `--watch` until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import re
import signal

from sly_tui.api import SlyClient, TaskInfo
from sly_tui.demo import Emulator
from sly_tui.demo.seed_data import FIRST_TASK_ID, HOSTILE_TASK_NAME
from sly_tui.headless.output import Output
from sly_tui.headless.tasks_command import table
from sly_tui.headless.tasks_watch import _Changes
from sly_tui.monitor.events import TasksChanged

from .conftest import WORKSPACE, Sly, start_export

TASK_KEYS = {
    "id",
    "name",
    "type",
    "status",
    "description",
    "app",
    "agent",
    "user",
    "team_id",
    "workspace_id",
    "created_at",
    "started_at",
    "finished_at",
    "output",
    "progress",
}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def check_task_record(record: dict) -> None:
    """The documented shape: every key present, nested objects with fixed keys, ISO times."""
    assert set(record) == TASK_KEYS
    assert isinstance(record["id"], int)
    if record["app"] is not None:
        assert set(record["app"]) == {"id", "module_id", "name", "version"}
    if record["agent"] is not None:
        assert set(record["agent"]) == {"id", "name"}
    if record["user"] is not None:
        assert set(record["user"]) == {"id", "login"}
    if record["progress"] is not None:
        assert set(record["progress"]) == {
            "subtask",
            "current",
            "total",
            "current_label",
            "total_label",
        }
    for key in ("created_at", "started_at", "finished_at"):
        assert record[key] is None or ISO.match(record[key]), record[key]


async def test_json_is_every_task_newest_first_with_fixed_keys(sly: Sly, admin: SlyClient) -> None:
    result = await sly("tasks", "--json")
    assert result.code == 0 and result.err == ""
    records = json.loads(result.out)
    server = await admin.tasks.get_list(WORKSPACE)
    assert [r["id"] for r in records] == sorted((t.id for t in server), reverse=True)
    for record in records:
        check_task_record(record)
    by_id = {task.id: task for task in server}
    sample = next(r for r in records if r["app"] is not None and r["finished_at"])
    task = by_id[sample["id"]]
    assert sample["status"] == str(task.status) and sample["workspace_id"] == WORKSPACE
    assert sample["app"]["name"] == task.app["name"]
    assert sample["agent"] == {"id": task.agent_id, "name": task.agent_name}
    assert any(r["progress"] for r in records if r["status"] == "started")


async def test_jsonl_filters_and_limit_go_to_the_server(sly: Sly, admin: SlyClient) -> None:
    result = await sly("tasks", "--jsonl", "--status", "finished", "error", "--type", "app")
    lines = [json.loads(line) for line in result.out.splitlines()]
    expected = [
        t.id
        for t in await admin.tasks.get_list(WORKSPACE)
        if t.type == "app" and t.status in ("finished", "error")
    ]
    assert sorted(r["id"] for r in lines) == sorted(expected) and expected
    limited = await sly("tasks", "--json", "--limit", "3", "--status", "finished")
    assert [r["id"] for r in json.loads(limited.out)] == sorted(
        (t.id for t in await admin.tasks.get_list(WORKSPACE) if t.status == "finished"),
        reverse=True,
    )[:3]


async def test_table_for_humans_is_plain_in_a_pipe_and_prints_hostile_names_literally(
    sly: Sly, admin: SlyClient
) -> None:
    hostile = await admin.tasks.get_info_by_id(FIRST_TASK_ID)
    assert hostile is not None
    result = await sly("tasks", "--workspace", str(hostile.workspace_id))
    assert result.code == 0
    header = result.out.splitlines()[0].split()
    assert header == ["ID", "STATUS", "TYPE", "NAME", "APP", "AGENT", "STARTED", "TIME", "OUTPUT"]
    assert HOSTILE_TASK_NAME in result.out and str(FIRST_TASK_ID) in result.out
    assert "\x1b" not in result.out


async def test_no_workspace_and_json_watch_are_usage_errors(sly: Sly, monkeypatch) -> None:
    bad = await sly("tasks", "--watch", "--json")
    assert bad.code == 2 and "--jsonl" in bad.err
    monkeypatch.delenv("WORKSPACE_ID")
    missing = await sly("tasks")
    assert missing.code == 2 and missing.err.count("\n") == 1 and "--workspace" in missing.err


async def test_watch_prints_new_tasks_and_status_changes_until_ctrl_c(
    spawn, admin: SlyClient, emulator: Emulator
) -> None:
    watch = await spawn("tasks", "--watch", "--jsonl", "--limit", "2", "--interval", "0.5")
    assert watch.stdout is not None and watch.stderr is not None
    snapshot = [json.loads(await watch.stdout.readline()) for _ in range(2)]
    assert [event["event"] for event in snapshot] == ["snapshot", "snapshot"]
    assert "Watching" in (await watch.stderr.readline()).decode()

    task_id = await start_export(admin)
    events: list[dict] = []
    async with asyncio.timeout(60):  # a bound for a failure only: a busy machine is slow
        while not any(e["event"] == "status" and e["task"]["id"] == task_id for e in events):
            emulator.advance(5)
            try:
                line = await asyncio.wait_for(watch.stdout.readline(), 0.3)
            except TimeoutError:
                continue
            events.append(json.loads(line))
    ours = [e for e in events if e["task"]["id"] == task_id]
    assert ours[0]["event"] == "added" and ours[0]["previous_status"] is None
    change = next(e for e in ours if e["event"] == "status")
    assert change["previous_status"] != change["task"]["status"]
    for event in events:
        assert set(event) == {"event", "at", "previous_status", "task"}
    said = [(e["task"]["id"], e["task"]["status"]) for e in events]
    assert len(said) == len(set(said))  # no event twice

    watch.send_signal(signal.SIGINT)
    async with asyncio.timeout(60):
        _, err = await watch.communicate()
    assert watch.returncode == 130  # 128 + SIGINT, as the README says
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err


def watched(task_id: int, status: str) -> TaskInfo:
    return TaskInfo.from_json({"id": task_id, "status": status, "meta": {"name": f"t{task_id}"}})


def test_watch_says_each_status_once_though_reads_flip_back() -> None:
    """A list a moment behind `tasks.info` can show an ended task as running again, and a
    task can drop out of a sweep and come back: neither is a new event."""
    stdout = io.StringIO()
    args = argparse.Namespace(status=None, type=None, limit=None, jsonl=True)
    changes = _Changes(args, Output(stdout, io.StringIO()))
    changes.apply(TasksChanged(WORKSPACE, added=(watched(1, "started"),), full=True))
    for change in (
        TasksChanged(WORKSPACE, changed=(watched(1, "finished"),)),
        TasksChanged(WORKSPACE, changed=(watched(1, "started"),)),  # stale
        TasksChanged(WORKSPACE, changed=(watched(1, "finished"),)),
        TasksChanged(WORKSPACE, added=(watched(2, "queued"),)),
        TasksChanged(WORKSPACE, removed=(2,)),
        TasksChanged(WORKSPACE, added=(watched(2, "queued"),)),  # back after a sweep
    ):
        changes.apply(change)
    events = [json.loads(line) for line in stdout.getvalue().splitlines()]
    said = [(e["event"], e["task"]["id"], e["task"]["status"]) for e in events]
    assert said == [
        ("snapshot", 1, "started"),
        ("status", 1, "finished"),
        ("added", 2, "queued"),
        ("removed", 2, "queued"),
    ]


def test_a_piped_table_never_wraps_a_cell() -> None:
    stdout = io.StringIO()
    names = ["x" * 1500, "short"]
    tasks = [
        TaskInfo.from_json({"id": i, "status": "finished", "meta": {"name": name}})
        for i, name in enumerate(names, 1)
    ]
    Output(stdout, io.StringIO()).show(table(tasks))
    lines = stdout.getvalue().splitlines()
    assert len(lines) == 2 + len(tasks)  # header, rule, one line per task
    assert lines[2].split()[:3] == ["1", "finished", names[0]]
    assert lines[3].split()[:3] == ["2", "finished", "short"]
