"""Every state-changing method against the emulator; results are read back through the
API or straight from the emulator's world."""

from __future__ import annotations

from pathlib import Path

import pytest

from sly_tui.api import (
    BadRequest,
    NotFound,
    RequestRecord,
    SlyClient,
    TaskFinishedWithError,
    WaitingTimeExceeded,
)
from sly_tui.api.transfer import file_hash
from sly_tui.demo import Emulator
from sly_tui.enums import LogLevel, Status

from .test_reads import first_task

SERVE_MODULE = "supervisely-ecosystem/serve-yolov8"
IMPORT_MODULE = "supervisely-ecosystem/import-images"


async def test_start_from_a_module_and_from_an_app(api: SlyClient, emulator: Emulator) -> None:
    module_id = await api.ecosystem.get_module_id(IMPORT_MODULE)
    started = await api.tasks.start(
        agent_id=301,
        module_id=module_id,
        workspace_id=201,
        params={"state": {"slyFolder": "/in/"}},
        task_name="from-test",
        description="started by a test",
        redirect_requests={"x": 1},
    )
    task = emulator.world.tasks[started.id]
    assert (started.module_id, started.app_id) == (module_id, task.app_id)
    assert (task.module_id, task.agent_id, task.workspace_id) == (module_id, 301, 201)
    assert task.description == "started by a test"
    info = await api.tasks.get_info_by_id(started.id)
    assert info is not None and info.status is Status.QUEUED
    assert info.meta["params"] == {"state": {"slyFolder": "/in/"}}
    again = await api.tasks.start(agent_id=None, app_id=started.app_id, workspace_id=201)
    assert emulator.world.tasks[again.id].app_id == started.app_id
    with pytest.raises(ValueError, match="exactly one"):
        await api.tasks.start(1, app_id=1, module_id=2)
    with pytest.raises(NotFound):
        await api.tasks.start(301, module_id=999_999, workspace_id=201)


async def test_stop_then_wait_for_stopped(sim_client: SlyClient, emulator: Emulator) -> None:
    module_id = await sim_client.ecosystem.get_module_id(SERVE_MODULE)
    started = await sim_client.tasks.start(301, module_id=module_id, workspace_id=201)
    assert await sim_client.tasks.wait(started.id, Status.STARTED) in (
        Status.STARTED,
        Status.DEPLOYED,
    )
    assert await sim_client.tasks.stop(started.id) is Status.TERMINATING
    assert await sim_client.tasks.wait(started.id, Status.STOPPED) is Status.STOPPED
    assert emulator.world.tasks[started.id].status is Status.STOPPED
    with pytest.raises(BadRequest, match="already ended"):
        await sim_client.tasks.stop(started.id)


async def test_wait_reports_errors_and_timeouts(
    sim_client: SlyClient, emulator: Emulator, records: list[RequestRecord]
) -> None:
    failed = first_task(emulator, status=Status.ERROR)
    with pytest.raises(TaskFinishedWithError) as caught:
        await sim_client.tasks.wait(failed, Status.FINISHED)
    assert caught.value.task_id == failed
    detached = await sim_client.tasks.create_task_detached(201)  # never moves by itself
    records.clear()
    with pytest.raises(WaitingTimeExceeded, match="within 3 checks 2 s apart"):
        await sim_client.tasks.wait(detached, Status.FINISHED, attempts=3, attempt_delay_sec=2)
    assert len(records) == 3


async def test_update_status(api: SlyClient, emulator: Emulator) -> None:
    task_id = await api.tasks.create_task_detached(202)
    task = emulator.world.tasks[task_id]
    assert (task.type, task.status, task.workspace_id) == ("python", Status.STARTED, 202)
    await api.tasks.update_status(task_id, Status.FINISHED)
    assert await api.tasks.get_status(task_id) is Status.FINISHED
    with pytest.raises(ValueError, match="not a task status"):
        await api.tasks.update_status(task_id, "paused")


async def test_outputs_land_in_meta_output(api: SlyClient, emulator: Emulator) -> None:
    task_id = await api.tasks.create_task_detached(201)
    world = emulator.world
    project = world.projects[601]

    async def output() -> dict:
        info = await api.tasks.get_info_by_id(task_id)
        assert info is not None
        return info.output

    assert await api.tasks.set_output_project(task_id, 601) == {"success": True}
    assert await output() == {"project": {"id": 601, "title": project.name}}
    await api.tasks.set_output_project(task_id, 602, "named", "https://x/preview.png")
    assert await output() == {
        "project": {"id": 602, "title": "named", "preview": "https://x/preview.png"}
    }

    green = {"color": "#33c94c", "backgroundColor": "#d9f7e4"}
    await api.tasks.set_output_report(task_id, 801, "quality.html")
    assert await output() == {
        "general": {
            "icon": {"className": "zmdi zmdi-receipt", **green},
            "title": "quality.html",
            "titleUrl": "/files/801",
            "download": False,
            "description": "Report",
        }
    }
    await api.tasks.set_output_archive(task_id, 802, "street.tar")
    general = (await output())["general"]
    assert general["titleUrl"] == (await api.files.get_info_by_id(802)).storage_path
    assert (general["download"], general["description"]) == (True, "Download archive")
    assert general["icon"]["className"] == "zmdi zmdi-archive"
    await api.tasks.set_output_file_download(task_id, 802, "f.bin", file_url="/x", download=False)
    general = (await output())["general"]
    assert (general["titleUrl"], general["download"], general["description"]) == (
        "/x",
        False,
        "Download file",
    )
    await api.tasks.set_output_directory(task_id, 803, "/experiments/yolov8/")
    general = (await output())["general"]
    assert (general["title"], general["titleUrl"], general["icon"]["className"]) == (
        "/experiments/yolov8/",
        "/files/803",
        "zmdi zmdi-folder",
    )
    await api.tasks.set_output_error(task_id, "Failed", "disk full")
    assert await output() == {
        "general": {
            "icon": {
                "className": "zmdi zmdi-alert-octagon",
                "color": "#ff83a6",
                "backgroundColor": "#ffeae9",
            },
            "title": "Failed",
            "showLogs": True,
            "isError": True,
            "description": "disk full",
        }
    }
    await api.tasks.set_output_text(task_id, "Done", zmdi_icon="zmdi-check")
    assert await output() == {
        "general": {
            "icon": {"className": "zmdi zmdi-check", **green},
            "title": "Done",
            "showLogs": False,
            "isError": False,
        }
    }
    await api.tasks.set_output_experiment(task_id, {"name": "exp", "mAP": 0.5})
    assert await output() == {"experiment": {"data": {"name": "exp", "mAP": 0.5}}}
    assert world.tasks[task_id].meta["output"] == await output()
    with pytest.raises(NotFound):
        await api.tasks.set_output_project(task_id, 999_999)


async def test_meta_and_data_fields(api: SlyClient, emulator: Emulator) -> None:
    task_id = await api.tasks.create_task_detached(201)
    data = {"name": "renamed", "templateRootDirectory": "/tpl"}
    await api.tasks.update_meta(
        task_id, data, agent_storage_folder="/agent", relative_app_dir="app"
    )
    assert data == {"name": "renamed", "templateRootDirectory": "/tpl"}  # not mutated
    meta = emulator.world.tasks[task_id].meta
    assert meta["name"] == "renamed" and meta["templateRootDirectory"] == "/tpl"
    assert meta["agentStorageFolder"] == {"hostDir": "/agent", "folder": "app"}
    with pytest.raises(ValueError, match="both"):
        await api.tasks.update_meta(task_id, {}, agent_storage_folder="/agent")

    await api.tasks.set_fields_from_dict(task_id, {"state": {"a": 1, "b": {"c": 2}}, "data": {}})
    await api.tasks.set_field(task_id, "state.b", {"d": 3}, append=True, recursive=True)
    await api.tasks.set_field(task_id, "data.series", [1, 2])
    await api.tasks.set_field(task_id, "data.series", [3], append=True)
    assert await api.tasks.get_fields(task_id, ["state", "data.series"]) == {
        "state": {"a": 1, "b": {"c": 2, "d": 3}},
        "data.series": [1, 2, 3],
    }
    await api.tasks.set_fields(task_id, [{"field": "state.a", "payload": 5}])
    assert await api.tasks.get_field(task_id, "state.a") == 5
    with pytest.raises(ValueError, match=r"fields\[0\] lacks payload"):
        await api.tasks.set_fields(task_id, [{"field": "state.a"}])


async def test_submitted_logs_come_back(api: SlyClient, emulator: Emulator) -> None:
    task_id = await api.tasks.create_task_detached(201)
    await api.tasks.submit_logs(
        [
            {
                "task_id": task_id,
                "message": "hello",
                "level": "info",
                "timestamp": "2026-11-27T12:00:00.000Z",
            },
            {
                "task_id": task_id,
                "message": "careful",
                "level": "warn",
                "timestamp": "2026-11-27T12:00:01.000Z",
                "extra": 1,
            },
        ]
    )
    entries = await api.tasks.get_logs(task_id)
    tail = entries[-2:]
    assert [(e.message, e.level) for e in tail] == [
        ("hello", LogLevel.INFO),
        ("careful", LogLevel.WARN),
    ]
    assert tail[1].raw["extra"] == 1


async def test_send_request_to_a_running_app(sim_client: SlyClient, emulator: Emulator) -> None:
    module_id = await sim_client.ecosystem.get_module_id(SERVE_MODULE)
    started = await sim_client.tasks.start(301, module_id=module_id, workspace_id=201)
    assert not await sim_client.tasks.is_running(started.id)  # still queued
    # A serving app stays `started` (only legacy plugin deploys become `deployed`).
    assert await sim_client.tasks.wait(started.id, Status.STARTED) == Status.STARTED
    assert await sim_client.tasks.is_running(started.id)
    assert await sim_client.tasks.is_ready(started.id)
    echoed = await sim_client.tasks.send_request(started.id, "predict", {"image": 7})
    assert echoed == {"image": 7}
    skipped = await sim_client.tasks.send_request(started.id, "x", {}, skip_response=True)
    assert skipped == {"success": True}
    with pytest.raises(TypeError):
        await sim_client.tasks.send_request(started.id, "x", [1])  # type: ignore[arg-type]


async def test_legacy_runs(sim_client: SlyClient, emulator: Emulator) -> None:
    world = emulator.world
    train = await sim_client.tasks.run_train(301, 601, 701, "net", {"epochs": 2})
    inference = await sim_client.tasks.run_inference(301, 601, 701, "predictions")
    dtl = await sim_client.tasks.run_dtl(201, [{"action": "data"}], agent_id=301)
    assert (world.tasks[train].type, world.tasks[inference].type, world.tasks[dtl].type) == (
        "train",
        "inference",
        "dtl",
    )
    assert world.tasks[train].meta["config"] == {"epochs": 2}
    assert world.tasks[train].meta["input"]["pluginId"] == world.models[701].plugin_id
    assert world.tasks[dtl].meta["config"] == [{"action": "data"}]
    with pytest.raises(NotFound, match="Model 999999"):
        await sim_client.tasks.run_train(301, 601, 999_999, "net")

    assert await sim_client.models.get_deploy_tasks(702) == []
    deployed = await sim_client.tasks.deploy_model(301, 702)
    assert world.tasks[deployed].status is Status.DEPLOYED
    assert await sim_client.models.get_deploy_tasks(702) == [deployed]
    assert await sim_client.tasks.deploy_model_async(301, 702) == deployed  # reused
    assert await sim_client.tasks.deploy_model(301, 702) == deployed


async def test_delete_unused_checkpoints(api: SlyClient, emulator: Emulator) -> None:
    train = first_task(emulator, type="train", status=Status.FINISHED)
    before = await api.tasks.list_checkpoints(train)
    assert len(before) > 1
    await api.tasks.delete_unused_checkpoints(train)
    assert await api.tasks.list_checkpoints(train) == before[-1:]


async def test_upload_and_download_round_trip(
    api: SlyClient, emulator: Emulator, tmp_path: Path
) -> None:
    task_id = await api.tasks.create_task_detached(201)
    known = emulator.world.tasks[first_task(emulator, type="import")].import_files[0]
    copy = tmp_path / "known.jpg"
    copy.write_bytes(known.load())
    fresh = tmp_path / "fresh.bin"
    fresh.write_bytes(b"new bytes " * 5000)
    progress: list[tuple[int, int]] = []
    await api.tasks.upload_files(
        task_id,
        [str(copy), str(fresh)],
        ["in/known.jpg", "in/fresh.bin"],
        lambda done, total: progress.append((done, total)),
    )
    assert progress[-1] == (2, 2)
    listed = await api.tasks.get_import_files_list(task_id)
    assert {(f["path"], f["hash"]) for f in listed} == {
        ("in/known.jpg", file_hash(copy)),
        ("in/fresh.bin", file_hash(fresh)),
    }
    target = tmp_path / "back" / "fresh.bin"
    got: list[tuple[int, int | None]] = []
    await api.tasks.download_import_file(
        task_id, "in/fresh.bin", target, lambda d, t: got.append((d, t))
    )
    assert target.read_bytes() == fresh.read_bytes()
    assert got[-1] == (50_000, 50_000)
    with pytest.raises(NotFound):
        await api.tasks.download_import_file(task_id, "in/none.bin", tmp_path / "none.bin")
    assert not (tmp_path / "none.bin").exists()


async def test_dtl_archive_upload(api: SlyClient, emulator: Emulator, tmp_path: Path) -> None:
    task_id = await api.tasks.run_dtl(201, [])
    archive = tmp_path / "graph.tar"
    archive.write_bytes(b"tar bytes")
    await api.tasks.upload_dtl_archive(task_id, str(archive))
    assert emulator.world.tasks[task_id].meta["archive"]["name"] == "graph"
