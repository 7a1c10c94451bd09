"""How tasks come into being. One place builds a task record, whether the seeded history,
the simulator's spawner or a `tasks.run.*` request asks for it, so all three look alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sly_tui.demo.logs import digest
from sly_tui.demo.scripts import KIND_BY_TYPE
from sly_tui.demo.world import App, Module, Task, World
from sly_tui.enums import AgentStatus, RestartPolicy, Status


def pick_agent(world: World, team_id: int, salt: int) -> int | None:
    """A running agent of the team (the one an unpinned task would land on), if any."""
    running = sorted(
        a.id
        for a in world.agents.values()
        if a.team_id == team_id and a.status == AgentStatus.RUNNING
    )
    return running[salt % len(running)] if running else None


def installed_app(world: World, module: Module, team_id: int, user_id: int) -> App:
    """The team's installation of `module`, installing it on first use as the web UI does."""
    for app in world.apps.values():
        if app.module_id == module.id and app.team_id == team_id:
            return app
    app_id = max(world.apps, default=500) + 1
    world.apps[app_id] = App(app_id, module.id, team_id, user_id)
    return world.apps[app_id]


def new_task(
    world: World,
    *,
    type: str,
    workspace_id: int,
    user_id: int,
    created_at: datetime,
    name: str = "",
    description: str = "",
    agent_id: int | None = None,
    meta: dict[str, Any] | None = None,
    simulated: bool = True,
) -> Task:
    """A new `queued` task in a workspace, registered in the world. A simulated task
    without an agent of its own lands on one of the team's running agents; a task that
    is not simulated (a detached script) runs on none."""
    workspace = world.workspace(workspace_id)
    task_id = world.new_task_id()
    if agent_id is None and simulated:
        agent_id = pick_agent(world, workspace.team_id, task_id)
    task = Task(
        id=task_id,
        type=type,
        status=Status.QUEUED,
        workspace_id=workspace_id,
        team_id=workspace.team_id,
        user_id=user_id,
        created_at=created_at,
        description=description,
        agent_id=agent_id,
        meta={"name": name, **(meta or {})},
        simulated=simulated,
    )
    world.tasks[task_id] = task
    return task


def new_app_task(
    world: World,
    *,
    module: Module,
    workspace_id: int,
    user_id: int,
    created_at: datetime,
    name: str,
    params: dict[str, Any] | None = None,
    description: str = "",
    agent_id: int | None = None,
    version: str = "",
    is_branch: bool = False,
    log_level: str = "info",
    restart_policy: str = RestartPolicy.NEVER,
    extra_meta: dict[str, Any] | None = None,
) -> Task:
    """A task of type `app` started from an ecosystem module, with the meta the web UI and
    the SDK read: `meta.app`, `meta.params.state`, `restartPolicy`, `sessionToken`."""
    team_id = world.workspace(workspace_id).team_id
    app = installed_app(world, module, team_id, user_id)
    state = params if params is not None else {"state": dict(module.config["modalTemplateState"])}
    task = new_task(
        world,
        type="app",
        workspace_id=workspace_id,
        user_id=user_id,
        created_at=created_at,
        name=name,
        description=description,
        agent_id=agent_id,
        meta={
            "app": {
                "id": app.id,
                "name": module.name,
                "version": version or module.releases[0],
                "isBranch": is_branch,
                "logLevel": log_level,
                "moduleId": module.id,
            },
            "params": state,
            "restartPolicy": restart_policy,
            **(extra_meta or {}),
        },
    )
    task.meta["sessionToken"] = f"{digest('session', world.seed, task.id):016x}"
    if module.category == "train":
        task.meta["hasMetrics"] = True  # a training app reports `tasks.train-metrics`
    task.app_id = app.id
    task.module_id = module.id
    return task


def kind_of(world: World, task: Task) -> str:
    """Which simulated behaviour a task follows (see `scripts.KIND_BY_TYPE`)."""
    if task.type == "app" and task.module_id is not None:
        return world.modules[task.module_id].category
    return KIND_BY_TYPE.get(task.type, "custom")


ERROR_OUTPUT: dict[str, Any] = {
    "general": {
        "icon": {
            "className": "zmdi zmdi-alert-octagon",
            "color": "#ff83a6",
            "backgroundColor": "#ffeae9",
        },
        "title": "Task failed",
        "description": "See the task log for the traceback",
        "showLogs": True,
        "isError": True,
    }
}


def planned_output(world: World, task: Task, kind: str, *, failed: bool) -> dict[str, Any]:
    """What a task publishes with `tasks.output.set` at its end, by kind and outcome."""
    if failed:
        return ERROR_OUTPUT
    if kind in ("import", "inference", "dtl"):
        projects = sorted(
            p.id for p in world.projects.values() if p.workspace_id == task.workspace_id
        )
        if not projects:
            return {}
        project = world.projects[projects[task.id % len(projects)]]
        return {"project": {"id": project.id, "title": project.name}}
    if kind == "export":
        name = f"export_{task.id}.tar"
        return {
            "general": _file_output(
                f"/exports/{task.id}/{name}",
                name,
                "Download archive",
                "zmdi zmdi-archive",
                download=True,
            )
        }
    if kind == "train":
        path = f"/experiments/{task.id}/"
        return {
            "general": _file_output(path, path, "Directory", "zmdi zmdi-folder", download=False)
        }
    return {}


def _file_output(
    url: str, title: str, description: str, icon: str, *, download: bool
) -> dict[str, Any]:
    return {
        "icon": {"className": icon, "color": "#33c94c", "backgroundColor": "#d9f7e4"},
        "title": title,
        "titleUrl": url,
        "download": download,
        "description": description,
    }
