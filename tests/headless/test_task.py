"""`sly-tui task`: info, context, outputs and the latest progress, for people and scripts."""

from __future__ import annotations

import json

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator
from sly_tui.present import duration

from ..demo.test_artifacts import start_training, until_epoch
from .conftest import Sly, start_export
from .test_tasks import check_task_record


async def finished_export(admin: SlyClient, emulator: Emulator) -> int:
    task_id = await start_export(admin)
    for _ in range(40):
        emulator.advance(5)
        info = await admin.tasks.get_info_by_id(task_id)
        if info is not None and not info.is_active:
            return task_id
    raise AssertionError("the export did not finish")


async def test_human_view(sly: Sly, admin: SlyClient, emulator: Emulator) -> None:
    task_id = await finished_export(admin, emulator)
    result = await sly("task", str(task_id))
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert lines[0] == f"Task {task_id}  pythonSpawned"
    fields = [line.split(None, 1) for line in lines[1:]]
    assert ["status", "finished"] in fields
    assert ["team", "Demo Team (101)"] in fields and ["workspace", "Main (201)"] in fields
    assert ["agent", "gpu-node-1 (301)"] in fields
    progress = [text for label, text in fields if label == "progress"]
    assert 0 < len(progress) <= 3 and progress[-1].endswith("100%")


async def test_json_has_fixed_keys_and_the_latest_progress_last(
    sly: Sly, admin: SlyClient, emulator: Emulator
) -> None:
    task_id = await finished_export(admin, emulator)
    record = json.loads((await sly("task", str(task_id), "--json")).out)
    assert set(record) == {"task", "context", "outputs", "progress", "meta"}
    check_task_record(record["task"])
    assert record["task"]["status"] == "finished"
    assert record["context"] == {
        "team": {"id": 101, "name": "Demo Team"},
        "workspace": {"id": 201, "name": "Main"},
    }
    for output in record["outputs"]:
        assert set(output) == {"kind", "text"}
    progress = record["progress"]
    assert progress and all(
        set(p) == {"subtask", "current", "total", "current_label", "total_label"} for p in progress
    )
    log = await admin.tasks.get_logs(task_id)
    last = next(e.progress for e in reversed(log) if e.progress is not None)
    assert progress[-1]["subtask"] == last.subtask and progress[-1]["current"] == last.current
    info = await admin.tasks.get_info_by_id(task_id)
    assert info is not None and record["meta"] == info.meta


async def test_running_task_and_unknown_task(
    sly: Sly, admin: SlyClient, emulator: Emulator
) -> None:
    task_id = await start_export(admin)
    emulator.advance(30)
    running = await sly("task", str(task_id), "--json")
    assert json.loads(running.out)["task"]["status"] == "started"
    missing = await sly("task", "999999")
    assert missing.code == 1 and "Task 999999 does not exist" in missing.err


async def test_a_running_training_shows_its_epoch_of_epochs_and_an_eta(
    sly: Sly, emulator: Emulator
) -> None:
    task = start_training(emulator)
    emulator.advance(until_epoch(emulator, task, 3) + 1)
    epochs = emulator.simulator.plan_of(task).steps
    result = await sly("task", str(task.id))
    assert result.code == 0
    fields = dict(line.split(None, 1) for line in result.out.splitlines()[1:])
    percent = round(3 / epochs * 100)
    assert fields["training"].startswith(f"epoch 3/{epochs} ({percent}%), ETA ")
    assert task.started_at is not None  # the pace so far (by the server's clock) goes on
    elapsed = (emulator.clock.now() - task.started_at).total_seconds()
    eta = elapsed * (epochs - 3) / 3
    close = {duration(eta + skew) for skew in range(-3 * epochs, 3 * epochs)}  # Date: 1 s steps
    assert fields["training"].split("ETA ")[1] in close
