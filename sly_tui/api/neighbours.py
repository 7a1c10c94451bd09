"""The API families around tasks that a dashboard needs: who am I, where, on which agents,
which apps can be started, and the objects that task outputs point at.

Method and argument names follow the SDK (`api.team.get_list` → `client.teams.get_list`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sly_tui.api.errors import NotFound, ProtocolError
from sly_tui.api.models import (
    Agent,
    App,
    FileInfo,
    Model,
    Module,
    Project,
    Team,
    User,
    Workspace,
)
from sly_tui.api.namespace import Namespace
from sly_tui.api.pagination import PageProgress
from sly_tui.api.parsing import expect_list, read_int, read_mapping, read_text

Filters = Sequence[Mapping[str, Any]]


class UsersApi(Namespace):
    async def get_my_info(self) -> User:
        """`users.me`: the owner of the token (also a cheap way to check a token)."""
        return await self._t.call("users.me", {}, parse=User.from_json)

    async def get_info_by_id(self, id: int) -> User | None:
        return await self._info("users.info", id, User.from_json)


class TeamsApi(Namespace):
    async def get_list(
        self, filters: Filters | None = None, progress_cb: PageProgress | None = None
    ) -> list[Team]:
        return await self._list(
            "teams.list", {"filter": list(filters or [])}, Team.from_json, progress_cb
        )

    async def get_info_by_id(self, id: int) -> Team | None:
        return await self._info("teams.info", id, Team.from_json)


class WorkspacesApi(Namespace):
    async def get_list(
        self, team_id: int, filters: Filters | None = None, progress_cb: PageProgress | None = None
    ) -> list[Workspace]:
        body = {"teamId": team_id, "filter": list(filters or [])}
        return await self._list("workspaces.list", body, Workspace.from_json, progress_cb)

    async def get_info_by_id(self, id: int) -> Workspace | None:
        return await self._info("workspaces.info", id, Workspace.from_json)


class AgentsApi(Namespace):
    async def get_list(
        self, team_id: int, filters: Filters | None = None, progress_cb: PageProgress | None = None
    ) -> list[Agent]:
        body = {"teamId": team_id, "filter": list(filters or [])}
        return await self._list("agents.list", body, Agent.from_json, progress_cb)

    async def get_info_by_id(self, id: int) -> Agent | None:
        return await self._info("agents.info", id, Agent.from_json)


class EcosystemApi(Namespace):
    async def get_list(
        self, filters: Filters | None = None, progress_cb: PageProgress | None = None
    ) -> list[Module]:
        body = {"filter": list(filters or [])}
        return await self._list("ecosystem.list", body, Module.from_json, progress_cb)

    async def get_info(self, module_id: int, version: str | None = None) -> Module:
        """`ecosystem.info`; unlike the `*.info` getters the SDK raises on 404 here, so do we."""
        body: dict[str, Any] = {"id": module_id}
        if version is not None:
            body["version"] = version
        return await self._t.call("ecosystem.info", body, parse=Module.from_json)

    async def get_module_id(self, slug: str) -> int:
        """The id of the module with this slug (e.g. `supervisely-ecosystem/export-…`)."""
        modules = await self.get_list([{"field": "slug", "operator": "=", "value": slug}])
        if not modules:
            raise NotFound(f"No ecosystem module has the slug {slug!r}.", method="ecosystem.list")
        if len(modules) > 1:
            raise ProtocolError(
                f"{len(modules)} ecosystem modules share the slug {slug!r}.",
                method="ecosystem.list",
            )
        return modules[0].id


class AppsApi(Namespace):
    async def get_list(
        self,
        team_id: int,
        filter: Filters | None = None,
        context: Sequence[str] | None = None,
        repository_key: str | None = None,
        show_disabled: bool = False,
        integrated_into: Sequence[str] | None = None,
        session_tags: Sequence[str] | None = None,
        only_running: bool = False,
        with_shared: bool = True,
        force_all_sessions: bool = True,
        progress_cb: PageProgress | None = None,
    ) -> list[App]:
        """Apps installed in a team, each with its sessions (`tasks`)."""
        body = {
            "teamId": team_id,
            "filter": list(filter or []),
            "context": list(context or []),
            "repositoryKey": repository_key,
            "integratedInto": list(integrated_into or []),
            "sessionTags": list(session_tags or []),
            "onlyRunning": only_running,
            "showDisabled": show_disabled,
            "withShared": with_shared,
            # The SDK lets only_running win over force_all_sessions.
            "forceAllSessions": force_all_sessions and not only_running,
        }
        return await self._list("apps.list", body, App.from_json, progress_cb)

    async def get_info_by_id(self, id: int) -> App | None:
        return await self._info("apps.info", id, App.from_json)


class ProjectsApi(Namespace):
    async def get_list(
        self,
        workspace_id: int,
        filters: Filters | None = None,
        fields: Sequence[str] | None = None,
        progress_cb: PageProgress | None = None,
    ) -> list[Project]:
        body = {
            "workspaceId": workspace_id,
            "filter": list(filters or []),
            "fields": list(fields or []),
        }
        return await self._list("projects.list", body, Project.from_json, progress_cb)

    async def get_info_by_id(self, id: int) -> Project | None:
        return await self._info("projects.info", id, Project.from_json)


class ModelsApi(Namespace):
    async def get_list(
        self,
        workspace_id: int,
        filters: Filters | None = None,
        progress_cb: PageProgress | None = None,
    ) -> list[Model]:
        body = {"workspaceId": workspace_id, "filter": list(filters or [])}
        return await self._list("models.list", body, Model.from_json, progress_cb)

    async def get_info_by_id(self, id: int) -> Model | None:
        return await self._info("models.info", id, Model.from_json)

    async def get_deploy_tasks(self, model_id: int) -> list[int]:
        """Ids of the tasks currently serving the model (`models.info.deployed`)."""

        def ids(value: Any) -> list[int]:
            tasks = expect_list(value, "the deployed tasks")
            return [read_int(read_mapping(task, "id", "a deployed task"), "'id'") for task in tasks]

        return await self._t.call("models.info.deployed", {"id": model_id}, parse=ids)


class FilesApi(Namespace):
    async def get_info_by_id(self, id: int) -> FileInfo:
        """`file-storage.info`; the SDK does not map 404 to None here, so neither do we."""
        return await self._t.call("file-storage.info", {"id": id}, parse=FileInfo.from_json)

    @staticmethod
    def get_url(file_id: int) -> str:
        """The web UI's link to a team file, computed locally as the SDK does."""
        return f"/files/{file_id}"


class InstanceApi(Namespace):
    async def version(self) -> str:
        """`instance.version`, e.g. `"6.12.5"`."""

        def text(value: Any) -> str:
            return read_text(read_mapping(value, "version", "the reply"), "'version'")

        return await self._t.call("instance.version", {}, parse=text)
