"""Walking a paginated list the way the SDK's `get_list_all_pages` does.

The first request carries no page fields (unless a page size is asked for); later ones add
`page` and the `per_page` the server reported. When the pages together hold a different
number of items than the first page's `total`, the list is wrong and the walk fails
instead of returning a silently short list.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Callable, Mapping
from typing import Any, TypeVar

from sly_tui.api.errors import ProtocolError
from sly_tui.api.models import Page
from sly_tui.api.parsing import each, expect_list, expect_object, read_int
from sly_tui.api.transport import Transport

T = TypeVar("T")
# Called after each page with (pages fetched so far, pages in total).
PageProgress = Callable[[int, int], None]


def _page(value: Any, number: int, parse: Callable[[Any], T]) -> Page[T]:
    envelope = expect_object(value, "the list page")
    entities, skipped = each(parse, expect_list(envelope.get("entities"), "the page's 'entities'"))
    return Page(
        entities=tuple(entities),
        page=number,
        pages_count=read_int(envelope.get("pagesCount"), "the page's 'pagesCount'"),
        total=read_int(envelope.get("total"), "the page's 'total'"),
        per_page=read_int(envelope.get("perPage"), "the page's 'perPage'"),
        skipped=skipped,
    )


async def iter_pages(
    transport: Transport,
    rpc: str,
    body: Mapping[str, Any],
    parse: Callable[[Any], T],
    *,
    per_page: int | None = None,
    strict: bool = True,
) -> AsyncGenerator[Page[T], None]:
    """Yield the pages of `rpc` one by one; raise `ProtocolError` if items went missing.

    `strict=False` skips that final check, for callers that compare counts themselves
    (a live list may change between pages, which is no protocol error).
    """
    query = dict(body)
    if "sort" not in query:
        query.update(sort="id", sort_order="asc")
    if per_page is not None:
        query["per_page"] = per_page
    first = await transport.call(rpc, query, parse=lambda value: _page(value, 1, parse))
    yield first
    seen = len(first.entities) + first.skipped
    if first.pages_count == 1 and seen == first.total:
        return
    for number in range(2, first.pages_count + 1):
        page = await transport.call(
            rpc,
            {**query, "page": number, "per_page": first.per_page},
            parse=functools.partial(_page, number=number, parse=parse),
        )
        seen += len(page.entities) + page.skipped
        yield page
    if strict and seen != first.total:
        raise ProtocolError(
            f"The list is inconsistent: its pages held {seen} items but 'total' said "
            f"{first.total}.",
            method=rpc,
        )


async def collect(
    transport: Transport,
    rpc: str,
    body: Mapping[str, Any],
    parse: Callable[[Any], T],
    progress_cb: PageProgress | None = None,
) -> list[T]:
    """Every item of every page, in order."""
    items: list[T] = []
    async for page in iter_pages(transport, rpc, body, parse):
        items.extend(page.entities)
        if progress_cb is not None:
            progress_cb(page.page, max(page.pages_count, 1))  # an empty list is one page
    return items
