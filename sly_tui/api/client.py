"""`SlyClient`: one server, one token, one connection pool, every API family."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Self

import httpx

from sly_tui.api.address import api_root
from sly_tui.api.early import EarlyReplies
from sly_tui.api.neighbours import (
    AgentsApi,
    AppsApi,
    EcosystemApi,
    FilesApi,
    InstanceApi,
    ModelsApi,
    ProjectsApi,
    TeamsApi,
    UsersApi,
    WorkspacesApi,
)
from sly_tui.api.retry import RetryPolicy
from sly_tui.api.tasks import TaskApi
from sly_tui.api.transport import (
    MAX_RESPONSE_BYTES,
    OnRetry,
    RequestRecord,
    Sleep,
    Transport,
)
from sly_tui.secrets import Secret


class SlyClient:
    """Async client of a Supervisely instance's public API.

    `server` is the instance address as users type it (`app.supervisely.com`,
    `http://10.0.0.5:8080/`); `api_server_address`, when given, replaces
    `<server>/public/api` as the API root. `read_only` refuses every state-changing RPC
    before it is sent. `task_id` adds the `x-task-id` header apps send. `on_request` sees
    every HTTP attempt; `on_retry` hears of every failure about to be retried and the pause
    before it (a command says "rate limited, retrying in 60 s" with it). `sleep` is what
    retries and `tasks.wait` wait with (tests pass a recorder instead of the real clock).
    `timeout` bounds each request as a whole, and a reply's body may be at most
    `max_response_bytes` once decoded. `check_https`: an http:// address is probed once on
    https:// and switched when that answers, as the SDK does (off: talk as told).
    `early`: replies to calls sent before the client existed, used as the first attempt of
    the same calls (see `EarlyReplies`).

    Use as `async with SlyClient(...) as client:` or call `aclose()` when done.
    """

    def __init__(
        self,
        server: str,
        token: str | Secret | None,
        *,
        api_server_address: str | None = None,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen, shared safely
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        read_only: bool = False,
        task_id: int | None = None,
        on_request: Callable[[RequestRecord], None] | None = None,
        sleep: Sleep = asyncio.sleep,
        on_retry: OnRetry | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        check_https: bool = True,
        early: EarlyReplies | None = None,
    ) -> None:
        secret = Secret(token) if isinstance(token, str) else token
        self._t = Transport(
            api_root(server, api_server_address),
            secret or None,
            retry=retry,
            transport=transport,
            timeout=timeout,
            read_only=read_only,
            task_id=task_id,
            on_request=on_request,
            sleep=sleep,
            max_response_bytes=max_response_bytes,
            on_retry=on_retry,
            check_https=check_https,
            early=early,
        )
        self.server_clock = self._t.server_clock
        self.users = UsersApi(self._t)
        self.teams = TeamsApi(self._t)
        self.workspaces = WorkspacesApi(self._t)
        self.agents = AgentsApi(self._t)
        self.ecosystem = EcosystemApi(self._t)
        self.apps = AppsApi(self._t)
        self.projects = ProjectsApi(self._t)
        self.models = ModelsApi(self._t)
        self.files = FilesApi(self._t)
        self.instance = InstanceApi(self._t)
        self.tasks = TaskApi(self._t, files=self.files, projects=self.projects, models=self.models)

    @property
    def api_root(self) -> str:
        """Where `/v3/<method>` is appended (no secrets in it)."""
        return self._t.root

    @property
    def read_only(self) -> bool:
        return self._t.read_only

    def __repr__(self) -> str:
        return f"SlyClient({self._t.root!r}, read_only={self._t.read_only})"

    async def aclose(self) -> None:
        await self._t.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
