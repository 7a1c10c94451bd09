"""Every reading method against the emulator, in-process and over loopback HTTP.

Expectations come from the emulator's own world, not from constants, so these tests check
that the client reads what the server holds.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from sly_tui.api import BadRequest, NotFound, SlyClient
from sly_tui.demo import Emulator
from sly_tui.enums import Status

MISSING = 999_999


def workspace_tasks(emulator: Emulator, workspace_id: int) -> list[int]:
    return sorted(t.id for t in emulator.world.tasks.values() if t.workspace_id == workspace_id)


def first_task(emulator: Emulator, **wanted: object) -> int:
    for task in sorted(emulator.world.tasks.values(), key=lambda t: t.id):
        if all(getattr(task, key) == value for key, value in wanted.items()):
            return task.id
    raise LookupError(wanted)


async def test_users(api: SlyClient, emulator: Emulator) -> None:
    me = await api.users.get_my_info()
    assert me.id == emulator.world.tokens[emulator.token]
    assert {team.id for team in me.teams} == set(emulator.world.users[me.id].roles)
    other = await api.users.get_info_by_id(3)
    assert other is not None and other.login == emulator.world.users[3].login
    assert await api.users.get_info_by_id(MISSING) is None


# (namespace and world collection, get_list's scope argument, the attribute it filters on)
FAMILIES = [
    ("teams", None, None),
    ("workspaces", 101, "team_id"),
    ("agents", 101, "team_id"),
    ("apps", 101, "team_id"),
    ("projects", 201, "workspace_id"),
    ("models", 201, "workspace_id"),
]


@pytest.mark.parametrize(("family", "scope", "attribute"), FAMILIES)
async def test_lists_and_infos(
    api: SlyClient, emulator: Emulator, family: str, scope: int | None, attribute: str | None
) -> None:
    stored = getattr(emulator.world, family)
    namespace = getattr(api, family)
    listed = await (namespace.get_list() if scope is None else namespace.get_list(scope))
    expected = [
        key
        for key, item in sorted(stored.items())
        if scope is None or getattr(item, attribute) == scope
    ]
    assert [item.id for item in listed] == expected
    one = await namespace.get_info_by_id(expected[0])
    assert one is not None and (one.id, one.name) == (listed[0].id, listed[0].name)
    assert await namespace.get_info_by_id(MISSING) is None


async def test_agents_keep_their_tokens_out_of_sight(api: SlyClient, emulator: Emulator) -> None:
    for agent in await api.agents.get_list(101):
        stored = emulator.world.agents[agent.id]
        assert agent.status == stored.status
        assert stored.token not in repr(agent)


async def test_ecosystem(api: SlyClient, emulator: Emulator) -> None:
    modules = await api.ecosystem.get_list()
    assert {m.id for m in modules} == set(emulator.world.modules)
    module = emulator.world.modules[min(emulator.world.modules)]
    assert await api.ecosystem.get_module_id(module.slug) == module.id
    info = await api.ecosystem.get_info(module.id)
    assert (info.slug, info.latest_version) == (module.slug, module.releases[0])
    assert (await api.ecosystem.get_info(module.id, version=module.releases[-1])).id == module.id
    with pytest.raises(NotFound):
        await api.ecosystem.get_info(MISSING)
    with pytest.raises(NotFound, match="no-such/module"):
        await api.ecosystem.get_module_id("no-such/module")


async def test_app_sessions(api: SlyClient, emulator: Emulator) -> None:
    app = (await api.apps.get_list(101))[0]
    sessions = sorted(t.id for t in emulator.world.tasks.values() if t.app_id == app.id)
    assert [t.id for t in app.tasks] == sessions
    running = await api.apps.get_list(101, only_running=True)
    assert running and all(t.is_active for a in running for t in a.tasks)


async def test_files_and_version(api: SlyClient, emulator: Emulator) -> None:
    stored = emulator.world.files[801]
    file = await api.files.get_info_by_id(801)
    assert (file.path, file.size) == (stored.path, stored.size)
    assert file.storage_path
    with pytest.raises(NotFound):
        await api.files.get_info_by_id(MISSING)
    assert await api.instance.version()


async def test_task_list_and_info(api: SlyClient, emulator: Emulator) -> None:
    tasks = await api.tasks.get_list(201)
    assert [t.id for t in tasks] == workspace_tasks(emulator, 201)
    stored = emulator.world.tasks[tasks[-1].id]
    info = await api.tasks.get_info_by_id(stored.id)
    assert info is not None
    assert (info.type, info.status, info.workspace_id) == (stored.type, stored.status, 201)
    assert await api.tasks.get_status(stored.id) == stored.status
    assert await api.tasks.get_info_by_id(MISSING) is None
    with pytest.raises(NotFound):
        await api.tasks.get_status(MISSING)


async def test_task_context(api: SlyClient, emulator: Emulator) -> None:
    task = emulator.world.tasks[first_task(emulator, workspace_id=203)]
    context = await api.tasks.get_context(task.id)
    assert (context.team_id, context.workspace_id) == (task.team_id, 203)
    assert context.workspace_name == emulator.world.workspaces[203].name
    with pytest.raises(NotFound):
        await api.tasks.get_context(MISSING)


async def test_logs_since_and_limit(api: SlyClient, emulator: Emulator) -> None:
    task_id = first_task(emulator, status=Status.FINISHED, type="train")
    everything = await api.tasks.get_logs(task_id)
    assert len(everything) > 5
    assert all(e.task_id == task_id and e.timestamp is not None for e in everything)
    assert any(e.progress is not None for e in everything)
    assert len(await api.tasks.get_logs(task_id, limit=3)) == 3
    middle = everything[len(everything) // 2].timestamp
    assert middle is not None
    later = await api.tasks.get_logs(task_id, since_time=middle)
    assert later and all(e.timestamp and e.timestamp > middle for e in later)
    assert later == [e for e in everything if e.timestamp and e.timestamp > middle]
    as_text = middle.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert await api.tasks.get_logs(task_id, since_time=as_text) == later
    assert await api.tasks.get_logs(task_id, since_time=middle + timedelta(days=30)) == []
    with pytest.raises(NotFound):
        await api.tasks.get_logs(MISSING)


async def test_training_metrics_and_checkpoints(api: SlyClient, emulator: Emulator) -> None:
    train = first_task(emulator, type="train", status=Status.FINISHED)
    metrics = await api.tasks.get_training_metrics(train)
    assert metrics["metrics"]
    assert await api.tasks.get_training_metrics(MISSING) is None
    checkpoints = await api.tasks.list_checkpoints(train)
    assert checkpoints and all(c.name and c.epoch for c in checkpoints)
    assert [c.raw for c in checkpoints] == emulator.simulator.checkpoints_of(
        emulator.world.tasks[train]
    )
    app = first_task(emulator, type="app")
    with pytest.raises(BadRequest, match="only train tasks have checkpoints"):
        await api.tasks.list_checkpoints(app)
    with pytest.raises(NotFound):
        await api.tasks.list_checkpoints(MISSING)


async def test_import_files_and_data_fields(api: SlyClient, emulator: Emulator) -> None:
    task_id = first_task(emulator, type="import")
    files = await api.tasks.get_import_files_list(task_id)
    assert [f["path"] for f in files] == [
        f.path for f in emulator.world.tasks[task_id].import_files
    ]
    app_id = first_task(emulator, type="app", team_id=101)  # a history task: it has its data
    data = emulator.world.tasks[app_id].data
    fields = await api.tasks.get_fields(app_id, ["state", "data.progress", "data.nothing"])
    assert fields == {
        "state": data["state"],
        "data.progress": data["data"]["progress"],
        "data.nothing": None,
    }
    assert (
        await api.tasks.get_field(app_id, "data.progress.total")
        == data["data"]["progress"]["total"]
    )
