"""RPC methods around the tasks: the caller, teams, workspaces, agents, the ecosystem,
installed apps, projects, models, team files and the instance version."""

from __future__ import annotations

from typing import Any

from sly_tui.demo.errors import not_found
from sly_tui.demo.filters import Field, Fields, date_field, query, text_field
from sly_tui.demo.params import Params
from sly_tui.demo.server import Call, Handler
from sly_tui.demo.world import (
    ROLE_IDS,
    Agent,
    App,
    Model,
    Module,
    Project,
    Team,
    User,
    Workspace,
)
from sly_tui.enums import ACTIVE_STATUSES, AgentStatus

# The newest instance release the official SDK knows (its versions.json: 6.18.3 ↔ SDK
# 6.74.45); an older one makes every SDK client warn "not supported by the SDK".
INSTANCE_VERSION = "6.18.3"


def _common(**extra: Field[Any]) -> Fields:
    return {"id": Field(lambda o: o.id), **extra}


TEAM_FIELDS = _common(
    name=text_field(lambda t: t.name),
    description=text_field(lambda t: t.description),
    createdAt=date_field(lambda t: t.created_at),
    updatedAt=date_field(lambda t: t.created_at),
)
WORKSPACE_FIELDS = _common(
    name=text_field(lambda w: w.name),
    description=text_field(lambda w: w.description),
    teamId=Field(lambda w: w.team_id),
    createdAt=date_field(lambda w: w.created_at),
    updatedAt=date_field(lambda w: w.created_at),
)
AGENT_FIELDS = _common(
    name=text_field(lambda a: a.name),
    status=text_field(lambda a: str(a.status)),
    userId=Field(lambda a: a.user_id),
    createdAt=date_field(lambda a: a.created_at),
    updatedAt=date_field(lambda a: a.created_at),
)
MODULE_FIELDS = _common(
    slug=text_field(lambda m: m.slug),
    name=text_field(lambda m: m.name),
    type=text_field(lambda m: "app"),
)
PROJECT_FIELDS = _common(
    name=text_field(lambda p: p.name),
    type=text_field(lambda p: p.kind),
    createdAt=date_field(lambda p: p.created_at),
    updatedAt=date_field(lambda p: p.created_at),
)
MODEL_FIELDS = _common(
    name=text_field(lambda m: m.name),
    createdAt=date_field(lambda m: m.created_at),
    updatedAt=date_field(lambda m: m.created_at),
)


USER_FIELDS = _common(
    login=text_field(lambda u: u.login),
    name=text_field(lambda u: u.name),
    email=text_field(lambda u: u.email),
    createdAt=date_field(lambda u: u.created_at),
    updatedAt=date_field(lambda u: u.last_login),
    lastLogin=date_field(lambda u: u.last_login),
)


def users_me(call: Call, p: Params) -> Any:
    return call.user.to_json(call.world.teams)


def users_info(call: Call, p: Params) -> Any:
    return call.world.get("User", call.world.users, p.req_int("id")).to_json(call.world.teams)


def users_list(call: Call, p: Params) -> Any:
    """Every user of the instance (`api.user.get_list`)."""
    world = call.world
    return query(world.users.values(), p, USER_FIELDS, lambda u: u.to_json(world.teams))


def members_list(call: Call, p: Params) -> Any:
    """A team's users, each with its role in that team (`api.user.get_team_members`)."""
    world = call.world
    team = _member_team(call, p.req_int("teamId"))
    members = [u for u in world.users.values() if team.id in u.roles]

    def render(user: User) -> dict[str, Any]:
        role = user.roles[team.id]
        return {**user.to_json(world.teams), "role": role, "roleId": ROLE_IDS[role]}

    return query(members, p, USER_FIELDS, render)


def _member_team(call: Call, team_id: int) -> Team:
    """A team the caller belongs to; others do not exist as far as the caller knows."""
    if team_id not in call.user.roles:
        raise not_found("Team", team_id)
    return call.world.team(team_id)


def teams_list(call: Call, p: Params) -> Any:
    teams = [t for t in call.world.teams.values() if t.id in call.user.roles]
    return query(teams, p, TEAM_FIELDS, lambda t: t.to_json(call.user.roles[t.id]))


def teams_info(call: Call, p: Params) -> Any:
    team = _member_team(call, p.req_int("id"))
    return team.to_json(call.user.roles[team.id])


def workspaces_list(call: Call, p: Params) -> Any:
    team = _member_team(call, p.req_int("teamId"))
    items = [w for w in call.world.workspaces.values() if w.team_id == team.id]
    return query(items, p, WORKSPACE_FIELDS, Workspace.to_json)


def workspaces_info(call: Call, p: Params) -> Any:
    return call.world.workspace(p.req_int("id")).to_json()


def agents_list(call: Call, p: Params) -> Any:
    team = _member_team(call, p.req_int("teamId"))
    items = [a for a in call.world.agents.values() if a.team_id == team.id]
    return query(items, p, AGENT_FIELDS, Agent.to_json)


def agents_info(call: Call, p: Params) -> Any:
    return call.world.get("Agent", call.world.agents, p.req_int("id")).to_json()


def agents_available(call: Call, p: Params) -> Any:
    """A plain list (no envelope), as the SDK reads it."""
    team = _member_team(call, p.req_int("teamId"))
    any_status, need_gpu = p.boolean("anyStatus"), p.boolean("needGPU")
    return [
        a.to_json()
        for a in sorted(call.world.agents.values(), key=lambda a: a.id)
        if a.team_id == team.id
        and (any_status or a.status == AgentStatus.RUNNING)
        and (a.gpus or not need_gpu)
    ]


def ecosystem_list(call: Call, p: Params) -> Any:
    modules: list[Module] = list(call.world.modules.values())
    search = (p.opt_str("search") or "").lower()
    if search:
        modules = [m for m in modules if search in m.name.lower() or search in m.slug.lower()]
    categories = p.array("categories", [])
    if categories:
        combine = all if p.opt_str("categoriesOperation", "or") == "and" else any
        modules = [m for m in modules if combine(c in m.config["categories"] for c in categories)]
    return query(modules, p, MODULE_FIELDS, Module.to_json)


def ecosystem_info(call: Call, p: Params) -> Any:
    world = call.world
    if p.has("id"):
        module = world.get("Module", world.modules, p.req_int("id"))
    else:
        slug = p.req_str("slug")
        found = [m for m in world.modules.values() if m.slug == slug]
        if not found:
            raise not_found("Module", slug)
        module = found[0]
    version = p.opt_str("version")
    if version and version not in module.releases:
        raise not_found(f"Release of module {module.id}", version)
    return module.to_json()


APP_FIELDS = _common(
    moduleId=Field(lambda a: a.module_id),
    createdBy=Field(lambda a: a.created_by),
)


def apps_list(call: Call, p: Params) -> Any:
    world = call.world
    team = _member_team(call, p.req_int("teamId"))
    only_running = p.boolean("onlyRunning")
    every_session = p.boolean("forceAllSessions", True) and not only_running

    def sessions(app: App) -> list[Any]:
        tasks = sorted((t for t in world.tasks.values() if t.app_id == app.id), key=lambda t: t.id)
        return tasks if every_session else [t for t in tasks if t.status in ACTIVE_STATUSES]

    apps = [a for a in world.apps.values() if a.team_id == team.id]
    if only_running:
        apps = [a for a in apps if sessions(a)]
    return query(apps, p, APP_FIELDS, lambda a: world.app_json(a, sessions(a)))


def apps_info(call: Call, p: Params) -> Any:
    world = call.world
    app = world.get("App", world.apps, p.req_int("id"))
    return world.app_json(app, [t for t in world.tasks.values() if t.app_id == app.id])


def projects_list(call: Call, p: Params) -> Any:
    workspace = call.world.workspace(p.req_int("workspaceId"))
    items = [x for x in call.world.projects.values() if x.workspace_id == workspace.id]
    return query(items, p, PROJECT_FIELDS, Project.to_json)


def projects_info(call: Call, p: Params) -> Any:
    return call.world.get("Project", call.world.projects, p.req_int("id")).to_json()


def models_list(call: Call, p: Params) -> Any:
    workspace = call.world.workspace(p.req_int("workspaceId"))
    items = [m for m in call.world.models.values() if m.workspace_id == workspace.id]
    return query(items, p, MODEL_FIELDS, Model.to_json)


def models_info(call: Call, p: Params) -> Any:
    return call.world.get("Model", call.world.models, p.req_int("id")).to_json()


def models_info_deployed(call: Call, p: Params) -> Any:
    """The tasks currently serving a model (a plain list of task objects)."""
    world = call.world
    model = world.get("Model", world.models, p.req_int("id"))
    serving = [
        t for t in world.tasks.values() if t.model_id == model.id and t.status in ACTIVE_STATUSES
    ]
    return [world.task_json(t) for t in sorted(serving, key=lambda t: t.id)]


def file_storage_info(call: Call, p: Params) -> Any:
    return call.world.get("File", call.world.files, p.req_int("id")).to_json()


def file_storage_list(call: Call, p: Params) -> Any:
    """Team files under `path` (a plain list): every one whose path starts with it, or
    with `recursive: false` only those directly in that folder. Folders exist only as
    stored entries (a path ending in `/`); none are made up from the files' paths."""
    team = _member_team(call, p.req_int("teamId"))
    prefix = p.req_str("path")
    recursive = p.boolean("recursive", True)
    found = sorted(
        (f for f in call.world.files.values() if f.team_id == team.id),
        key=lambda f: f.path,
    )
    return [
        f.to_json()
        for f in found
        if f.path.startswith(prefix) and (recursive or "/" not in f.path[len(prefix) :].rstrip("/"))
    ]


def instance_version(call: Call, p: Params) -> Any:
    return {"version": INSTANCE_VERSION}


HANDLERS: dict[str, Handler] = {
    "users.me": users_me,
    "users.info": users_info,
    "teams.list": teams_list,
    "teams.info": teams_info,
    "workspaces.list": workspaces_list,
    "workspaces.info": workspaces_info,
    "agents.list": agents_list,
    "agents.info": agents_info,
    "agents.available": agents_available,
    "ecosystem.list": ecosystem_list,
    "ecosystem.info": ecosystem_info,
    "apps.list": apps_list,
    "apps.info": apps_info,
    "projects.list": projects_list,
    "projects.info": projects_info,
    "models.list": models_list,
    "models.info": models_info,
    "models.info.deployed": models_info_deployed,
    "file-storage.info": file_storage_info,
    "file-storage.list": file_storage_list,
    "users.list": users_list,
    "members.list": members_list,
    "instance.version": instance_version,
}
