"""The emulator's state: plain records for every object the API serves, and their JSON.

Nothing here decides *how* the world changes (that is `simulator.py` and the handlers);
it only holds what exists and renders it the way the SDK expects to read it. Every object
carries all the keys the SDK converts strictly, so older SDKs never meet a KeyError.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sly_tui.demo.clock import iso
from sly_tui.demo.errors import not_found
from sly_tui.demo.logs import LogSource
from sly_tui.enums import ACTIVE_STATUSES, Status


def _iso_or_none(instant: datetime | None) -> str | None:
    return None if instant is None else iso(instant)


@dataclass(slots=True)
class User:
    id: int
    login: str
    name: str
    email: str | None
    roles: dict[int, str]  # team id → role name ("admin", "developer", "viewer", …)
    created_at: datetime
    last_login: datetime

    @property
    def read_only(self) -> bool:
        return all(role == "viewer" for role in self.roles.values())

    def to_json(self, teams: dict[int, Team]) -> dict[str, Any]:
        return {
            "id": self.id,
            "login": self.login,
            "name": self.name,
            "email": self.email,
            "logins": 17,
            "disabled": False,
            "lastLogin": iso(self.last_login),
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.last_login),
            "teams": [
                {"id": tid, "roleId": ROLE_IDS[role], "role": role, "name": teams[tid].name}
                for tid, role in self.roles.items()
            ],
        }


ROLE_IDS = {"admin": 1, "developer": 2, "annotator": 3, "viewer": 4, "manager": 5}


@dataclass(slots=True)
class Team:
    id: int
    name: str
    description: str
    created_at: datetime

    def to_json(self, role: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "role": role,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.created_at),
            "usage": {"plan": "enterprise"},
        }


@dataclass(slots=True)
class Workspace:
    id: int
    team_id: int
    name: str
    description: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "teamId": self.team_id,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.created_at),
        }


@dataclass(slots=True)
class Agent:
    id: int
    team_id: int
    user_id: int
    name: str
    token: str  # an agent token (32 chars), not an API token: it authenticates nothing here
    status: str
    gpus: list[dict[str, Any]]
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        task_types = ("app", "app_gpu", "train", "inference", "import", "export", "python")
        return {
            "id": self.id,
            "name": self.name,
            "token": self.token,
            "status": self.status,
            "userId": self.user_id,
            "teamId": self.team_id,
            "capabilities": {
                "types": {
                    kind: {"enabled": True, "concurrency": 4, "allowedDockerImagesRegex": []}
                    for kind in task_types
                },
                "allowedDockerImagesRegex": [],
            },
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.created_at),
            "isPublic": False,
            "type": "agent",
            "disabled": False,
            "version": "agent:6.7.12",
            "gpuInfo": {"device_count": len(self.gpus), "devices": self.gpus},
            "host": {
                "platform": {"os": "Linux", "version": "6.8.0", "architecture": "x86_64"},
                "cpu": {"model": "AMD EPYC 7543", "cores": 32},
                "gpu": self.gpus,
            },
        }


@dataclass(slots=True)
class Module:
    """An ecosystem module (an app in the catalogue); `category` drives its simulation."""

    id: int
    slug: str
    name: str
    category: str  # "import", "export", "train", "serve", "inference", "custom"
    config: dict[str, Any]
    releases: list[str]  # newest first
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "type": "app",
            "config": self.config,
            "readme": f"# {self.name}\n\nA demo module of the sly-tui emulator.",
            "repositoryModuleUrl": f"https://github.com/{self.slug}",
            "repo": f"https://github.com/{self.slug}",
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.created_at),
            "meta": {
                "releases": [
                    {"version": v, "name": f"{self.name} {v}", "createdAt": iso(self.created_at)}
                    for v in self.releases
                ]
            },
        }


@dataclass(slots=True)
class App:
    """A module installed into a team; tasks started from it point back here."""

    id: int
    module_id: int
    team_id: int
    created_by: int


@dataclass(slots=True)
class Project:
    id: int
    workspace_id: int
    team_id: int
    name: str
    kind: str
    images: int
    datasets: int
    created_by: int
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": "",
            "size": str(self.images * 183_457),
            "readme": "",
            "workspaceId": self.workspace_id,
            "imagesCount": self.images,
            "itemsCount": self.images,
            "datasetsCount": self.datasets,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.created_at),
            "type": self.kind,
            "referenceImageUrl": None,
            "customData": {},
            "backupArchive": {},
            "teamId": self.team_id,
            "settings": {},
            "importSettings": {},
            "version": None,
            "createdBy": self.created_by,
        }


@dataclass(slots=True)
class Model:
    id: int
    workspace_id: int
    team_id: int
    user_id: int
    name: str
    plugin_id: int
    task_id: int | None
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": f"{self.name} weights",
            "config": {"input_size": {"width": 640, "height": 640}},
            "hash": f"model-{self.id}-hash",
            "onlyTrain": False,
            "pluginId": self.plugin_id,
            "pluginVersion": "latest",
            "size": "102400000",
            "weightsLocation": "uploaded",
            "readme": "",
            "taskId": self.task_id,
            "userId": self.user_id,
            "teamId": self.team_id,
            "workspaceId": self.workspace_id,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.created_at),
        }


@dataclass(slots=True)
class TeamFile:
    id: int
    team_id: int
    user_id: int
    path: str
    hash: str
    size: int
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        name = self.path.rstrip("/").rsplit("/", 1)[-1]
        ext = name.rsplit(".", 1)[-1] if "." in name else ""
        return {
            "teamId": self.team_id,
            "id": self.id,
            "userId": self.user_id,
            "name": name,
            "hash": self.hash,
            "path": self.path,
            "storagePath": f"/team-files/{self.team_id}{self.path}",
            "meta": {"ext": ext, "mime": "application/octet-stream", "size": self.size},
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.created_at),
            "fullStorageUrl": f"/storage/team-files/{self.team_id}{self.path}",
            "isDir": self.path.endswith("/"),
        }


@dataclass(slots=True)
class ImportFile:
    """A file attached to a task for import: seeded, or uploaded through
    `tasks.files.bulk.*`. Seeded content is generated again on each download.
    `breaks_at` simulates a storage fault: downloads announce the full size but end
    after that many bytes."""

    path: str
    hash: str
    size: int
    load: Callable[[], bytes]
    breaks_at: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.path.rsplit("/", 1)[-1],
            "path": self.path,
            "hash": self.hash,
            "size": self.size,
        }


@dataclass(slots=True)
class Task:
    id: int
    type: str
    status: Status
    workspace_id: int
    team_id: int
    user_id: int
    created_at: datetime
    description: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    agent_id: int | None = None
    app_id: int | None = None
    module_id: int | None = None
    model_id: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    log: LogSource | None = None  # None until first needed (see World.log_of)
    metrics: list[dict[str, Any]] | None = None
    checkpoints: list[dict[str, Any]] | None = None
    import_files: list[ImportFile] = field(default_factory=list)
    simulated: bool = True  # False: the task changes only through requests

    @property
    def name(self) -> str:
        return str(self.meta.get("name") or "")


@dataclass
class World:
    """Every object of the emulated instance, by id, plus the id counters."""

    seed: int
    users: dict[int, User] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)  # API token → user id
    teams: dict[int, Team] = field(default_factory=dict)
    workspaces: dict[int, Workspace] = field(default_factory=dict)
    agents: dict[int, Agent] = field(default_factory=dict)
    modules: dict[int, Module] = field(default_factory=dict)
    apps: dict[int, App] = field(default_factory=dict)
    projects: dict[int, Project] = field(default_factory=dict)
    models: dict[int, Model] = field(default_factory=dict)
    files: dict[int, TeamFile] = field(default_factory=dict)
    tasks: dict[int, Task] = field(default_factory=dict)
    known_hashes: dict[str, Callable[[], bytes]] = field(default_factory=dict)  # hash → content
    extra_log_lines: dict[int, list[tuple[str, str, dict[str, Any]]]] = field(default_factory=dict)
    spawn_workspaces: list[int] = field(default_factory=list)  # where new tasks appear
    next_task_id: int = 1
    big_log_task_id: int | None = None
    load_test_workspace_id: int | None = None

    def new_task_id(self) -> int:
        task_id = self.next_task_id
        self.next_task_id += 1
        return task_id

    # --- lookups that 404 -----------------------------------------------------------------

    def task(self, task_id: int) -> Task:
        try:
            return self.tasks[task_id]
        except KeyError:
            raise not_found("Task", task_id) from None

    def team(self, team_id: int) -> Team:
        try:
            return self.teams[team_id]
        except KeyError:
            raise not_found("Team", team_id) from None

    def workspace(self, workspace_id: int) -> Workspace:
        try:
            return self.workspaces[workspace_id]
        except KeyError:
            raise not_found("Workspace", workspace_id) from None

    def get(self, kind: str, table: dict[int, Any], ident: int) -> Any:
        try:
            return table[ident]
        except KeyError:
            raise not_found(kind, ident) from None

    # --- rendering ------------------------------------------------------------------------

    def task_json(self, task: Task, *, with_progress: bool = False) -> dict[str, Any]:
        """A task as `tasks.info` / `tasks.list` show it.

        `with_progress` (the `withProgress` request flag) adds the latest progress record
        of a running task as `progress: {subtask, current, total}`; the real server's
        shape for it is undocumented, so this is the emulator's choice.
        """
        user = self.users.get(task.user_id)
        agent = self.agents.get(task.agent_id) if task.agent_id is not None else None
        info = {
            "id": task.id,
            "type": task.type,
            "status": str(task.status),
            "description": task.description,
            "workspaceId": task.workspace_id,
            "teamId": task.team_id,
            "userId": task.user_id,
            "userLogin": user.login if user else None,
            "createdBy": task.user_id,
            "agentId": task.agent_id,
            "agentName": agent.name if agent else None,
            "createdAt": iso(task.created_at),
            "startedAt": _iso_or_none(task.started_at),
            "finishedAt": _iso_or_none(task.finished_at),
            "settings": task.settings,
            "meta": task.meta,
            "nodeId": None,
            "attempt": 1,
            "archived": False,
            "isShared": False,
            "size": "0",
        }
        record = getattr(task.log, "progress", None)
        if with_progress and record is not None and task.status in ACTIVE_STATUSES:
            info["progress"] = {key: record.get(key) for key in ("subtask", "current", "total")}
        return info

    def app_json(self, app: App, tasks: list[Task]) -> dict[str, Any]:
        module = self.modules[app.module_id]
        creator = self.users.get(app.created_by)
        return {
            "id": app.id,
            "createdBy": app.created_by,
            "moduleId": module.id,
            "disabled": False,
            "userLogin": creator.login if creator else None,
            "config": module.config,
            "name": module.name,
            "slug": module.slug,
            "isShared": False,
            "tasks": [self.task_json(t) for t in tasks],
            "repo": f"https://github.com/{module.slug}",
            "teamId": app.team_id,
            "moduleDisabled": False,
            "provider": "sly_gitea",
            "repositoryId": module.id,
            "pathPrefix": "",
            "baseUrl": None,
            "repoKey": module.slug,
            "githubModuleUrl": f"https://github.com/{module.slug}",
            "repositoryModuleUrl": f"https://github.com/{module.slug}",
        }
