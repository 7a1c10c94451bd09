"""What every API family (`client.tasks`, `client.teams` …) shares: one transport and the
SDK's two reading patterns, "info by id, None when absent" and "every page of a list"."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sly_tui.api.errors import NotFound
from sly_tui.api.pagination import PageProgress, collect
from sly_tui.api.transport import Transport

T = TypeVar("T")


class Namespace:
    """Base of the API families; each is a thin set of typed methods over `Transport`."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._t!r})"

    async def _info(
        self,
        rpc: str,
        id: int,
        parse: Callable[[Any], T],
        *,
        id_field: str = "id",
        extra: Mapping[str, Any] | None = None,
    ) -> T | None:
        """`rpc` for one object; a 404 means "no such object" and becomes None, as in the SDK."""
        try:
            return await self._t.call(rpc, {id_field: id, **(extra or {})}, parse=parse)
        except NotFound:
            return None

    async def _list(
        self,
        rpc: str,
        body: Mapping[str, Any],
        parse: Callable[[Any], T],
        progress_cb: PageProgress | None = None,
    ) -> list[T]:
        return await collect(self._t, rpc, body, parse, progress_cb)
