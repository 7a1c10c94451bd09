"""Training artifacts in the emulator: checkpoints that grow, a clear that keeps the newest
and the best, import files that download the same bytes every time (or break off on
purpose), and uploads that join the import list."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sly_tui.api import ProtocolError, SlyClient
from sly_tui.demo import Emulator
from sly_tui.demo.factory import new_task
from sly_tui.demo.scripts import Plan
from sly_tui.demo.seed_data import ADMIN_USER_ID, file_hash
from sly_tui.demo.world import Task

from .conftest import Rpc


def entries(directory: Path) -> list[str]:
    """What a directory holds, temporary parts included."""
    return sorted(p.name for p in directory.iterdir())


def start_training(emulator: Emulator, workspace_id: int = 201, plan: Plan | None = None) -> Task:
    """A legacy train task that starts now and lives by the emulator's clock (following
    `plan` if given, else the one its id draws)."""
    task = new_task(
        emulator.world,
        type="train",
        workspace_id=workspace_id,
        user_id=ADMIN_USER_ID,
        created_at=emulator.clock.now(),
        name="train-live",
    )
    emulator.simulator.start(task, plan)
    return task


def until_epoch(emulator: Emulator, task: Task, epoch: int) -> float:
    """Seconds from the task's creation to the end of `epoch`."""
    plan = emulator.simulator.plan_of(task)
    return plan.queue_s + plan.consume_s + epoch * plan.step_s


def ended_train_tasks(emulator: Emulator) -> list[Task]:
    tasks = emulator.world.tasks.values()
    return [t for t in tasks if t.type == "train" and t.status in ("finished", "error")]


async def test_checkpoints_grow_as_epochs_pass(rpc: Rpc, emulator: Emulator) -> None:
    task = start_training(emulator)
    plan = emulator.simulator.plan_of(task)
    assert await rpc("tasks.checkpoints.list", {"id": task.id}) == []
    emulator.advance(until_epoch(emulator, task, plan.ckpt_every))
    early = await rpc("tasks.checkpoints.list", {"id": task.id})
    assert [c["epoch"] for c in early] == [plan.ckpt_every]
    emulator.advance(plan.run_s)
    late = await rpc("tasks.checkpoints.list", {"id": task.id})
    epochs = [c["epoch"] for c in late]
    assert epochs == sorted(epochs) and len(epochs) > 1 and epochs[-1] == plan.steps
    assert late[0]["id"] == early[0]["id"]
    for checkpoint in late:
        assert set(checkpoint) == {"id", "name", "epoch", "path", "size", "createdAt", "isBest"}
        assert checkpoint["size"].isdigit()  # sizes travel as strings


async def test_one_checkpoint_is_best(emulator: Emulator) -> None:
    for task in ended_train_tasks(emulator):
        checkpoints = emulator.simulator.checkpoints_of(task)
        if checkpoints:
            assert sum(c["isBest"] for c in checkpoints) <= 1, task.id


async def test_clear_keeps_the_newest_and_the_best(rpc: Rpc, emulator: Emulator) -> None:
    tasks = ended_train_tasks(emulator)
    # some runs peak before their last epoch: their best checkpoint is not the newest
    peaked = [t for t in tasks if not emulator.simulator.checkpoints_of(t)[-1]["isBest"]]
    task = next(t for t in peaked if len(emulator.simulator.checkpoints_of(t)) > 2)
    before = await rpc("tasks.checkpoints.list", {"id": task.id})
    best = [c for c in before if c["isBest"]]
    assert len(best) == 1
    cleared = await rpc("tasks.checkpoints.clear", {"id": task.id})
    assert cleared == {"success": True, "deleted": len(before) - 2}
    assert await rpc("tasks.checkpoints.list", {"id": task.id}) == [best[0], before[-1]]
    again = await rpc("tasks.checkpoints.clear", {"id": task.id})
    assert again == {"success": True, "deleted": 0}


async def test_import_files_are_deterministic(emulator: Emulator, rpc: Rpc) -> None:
    task = next(t for t in emulator.world.tasks.values() if t.import_files)
    listed = await rpc("tasks.import.files_list", {"id": task.id})
    assert listed and all(set(f) == {"name", "path", "hash", "size"} for f in listed)
    twin = Emulator(seed=emulator.seed, clock=emulator.clock)
    for item, same in zip(task.import_files, twin.world.tasks[task.id].import_files, strict=True):
        content = item.load()
        assert content == same.load() and len(content) == item.size
        assert file_hash(content) == item.hash


async def test_client_downloads_import_files_byte_for_byte(
    client: SlyClient, emulator: Emulator, tmp_path: Path
) -> None:
    task = next(t for t in emulator.world.tasks.values() if t.import_files)
    for item in task.import_files:
        target = tmp_path / item.path.rsplit("/", 1)[-1]
        await client.tasks.download_import_file(task.id, item.path, target)
        assert target.read_bytes() == item.load()


async def test_downloads_get_the_mode_of_new_files(
    client: SlyClient, emulator: Emulator, tmp_path: Path
) -> None:
    task = next(t for t in emulator.world.tasks.values() if t.import_files)
    previous = os.umask(0o022)
    try:
        await client.tasks.download_import_file(task.id, task.import_files[0].path, tmp_path / "f")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o644  # not a temp file's 0o600


async def test_a_download_that_breaks_off_saves_nothing(
    client: SlyClient, emulator: Emulator, tmp_path: Path
) -> None:
    task = next(t for t in emulator.world.tasks.values() if t.import_files)
    item = task.import_files[0]
    item.breaks_at = item.size // 2
    target = tmp_path / "broken.bin"
    with pytest.raises(ProtocolError, match=f"ended after {item.size // 2} of {item.size} bytes"):
        await client.tasks.download_import_file(task.id, item.path, target)
    assert entries(tmp_path) == []


async def test_uploads_join_the_import_list(
    client: SlyClient, emulator: Emulator, tmp_path: Path
) -> None:
    task = start_training(emulator)
    source = tmp_path / "notes.txt"
    source.write_bytes(b"uploaded by a test\n")
    await client.tasks.upload_files(task.id, [str(source)], ["inbox/notes.txt"])
    listed = await client.tasks.get_import_files_list(task.id)
    assert [f["path"] for f in listed] == ["inbox/notes.txt"]
    await client.tasks.download_import_file(task.id, "inbox/notes.txt", tmp_path / "back.txt")
    assert (tmp_path / "back.txt").read_bytes() == source.read_bytes()


async def test_dtl_archive_is_stored(client: SlyClient, emulator: Emulator, tmp_path: Path) -> None:
    task = start_training(emulator)
    archive = tmp_path / "graph.tar"
    archive.write_bytes(b"tar bytes")
    await client.tasks.upload_dtl_archive(task.id, str(archive))
    stored = emulator.world.tasks[task.id].meta["archive"]
    assert stored == {"name": "graph", "size": 9, "hash": file_hash(b"tar bytes")}
    assert [f.path for f in emulator.world.tasks[task.id].import_files] == ["graph.tar"]
