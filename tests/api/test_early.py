"""Opening calls sent early, on threads, before the client exists: the client takes each
reply as the first attempt of the same call, so nothing is asked twice, and anything
unusual (another body, another token, a failure) ends as if they had never been sent."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import pytest

from sly_tui.api import AuthError, RetryPolicy, SlyClient, Unreachable
from sly_tui.api.early import EarlyReplies
from sly_tui.api.tasks import TaskApi
from sly_tui.config import Settings
from sly_tui.demo import Emulator
from sly_tui.demo.seed_data import MAIN_TEAM_ID, MAIN_WORKSPACE_ID
from sly_tui.monitor.opening import opening_calls, send_early, start_ids
from sly_tui.secrets import Secret
from tests.conftest import FAST_RETRY

START = (MAIN_TEAM_ID, MAIN_WORKSPACE_ID)


def early_replies(url: str, token: str, **kwargs: object) -> EarlyReplies:
    options: dict[str, object] = {"timeout": 5.0, "max_bytes": 1 << 20, **kwargs}
    return EarlyReplies(f"{url}/public/api", Secret(token), opening_calls(START), **options)  # type: ignore[arg-type]


async def answered(early: EarlyReplies) -> None:
    """Until every early call has its reply (the emulator answers on this event loop)."""
    futures = [asyncio.wrap_future(future) for future in list(early._replies.values())]
    await asyncio.gather(*futures, return_exceptions=True)


async def open_workspace(client: SlyClient) -> tuple[str, str, str, int]:
    """What the dashboard asks when it opens the start workspace."""
    me = await client.users.get_my_info()
    team = await client.teams.get_info_by_id(MAIN_TEAM_ID)
    workspace = await client.workspaces.get_info_by_id(MAIN_WORKSPACE_ID)
    pages = client.tasks.iter_list_pages(MAIN_WORKSPACE_ID, newest_first=True, strict=False)
    first = await anext(pages)
    await pages.aclose()
    assert team is not None and workspace is not None
    return me.login, team.name or "", workspace.name or "", len(first.entities)


async def test_each_opening_call_reaches_the_server_once(live_url: str, emulator: Emulator) -> None:
    early = early_replies(live_url, emulator.token)
    await answered(early)
    sent_early = dict(emulator.requests)
    assert sent_early == {"users.me": 1, "teams.info": 1, "workspaces.info": 1, "tasks.list": 1}
    async with SlyClient(live_url, emulator.token, retry=FAST_RETRY, early=early) as client:
        seen = await open_workspace(client)
    assert dict(emulator.requests) == sent_early  # all four answered from the early replies
    assert early.untaken == 0
    emulator.requests.clear()
    async with SlyClient(live_url, emulator.token, retry=FAST_RETRY) as plain:
        assert await open_workspace(plain) == seen  # the same answers as a plain client's


async def test_a_reply_still_on_its_way_is_awaited_not_asked_again(
    live_url: str, emulator: Emulator
) -> None:
    early = early_replies(live_url, emulator.token)
    async with SlyClient(live_url, emulator.token, retry=FAST_RETRY, early=early) as client:
        me = await client.users.get_my_info()  # at once: the early call may not be back yet
    assert me.id == 1
    await answered(early)
    assert emulator.requests["users.me"] == 1


async def test_other_calls_and_bodies_go_out_as_usual(live_url: str, emulator: Emulator) -> None:
    early = early_replies(live_url, emulator.token)
    await answered(early)
    async with SlyClient(live_url, emulator.token, retry=FAST_RETRY, early=early) as client:
        await client.tasks.get_list(MAIN_WORKSPACE_ID)  # sorted another way: another body
        await client.workspaces.get_info_by_id(MAIN_WORKSPACE_ID + 1)
    assert emulator.requests["tasks.list"] >= 2
    assert emulator.requests["workspaces.info"] == 2
    assert early.untaken == 4  # none of the four was asked for


async def test_another_token_or_server_ignores_them(live_url: str, emulator: Emulator) -> None:
    early = early_replies(live_url, emulator.token)
    await answered(early)
    async with SlyClient(live_url, emulator.viewer_token, retry=FAST_RETRY, early=early) as client:
        me = await client.users.get_my_info()
    assert me.id != 1  # the viewer's own answer, not the admin's early one
    assert early.untaken == 4


async def test_a_refusal_is_the_first_attempts_and_is_not_asked_again(
    live_url: str, emulator: Emulator
) -> None:
    bad = "x" * 40
    early = early_replies(live_url, bad)
    await answered(early)
    async with SlyClient(live_url, bad, retry=FAST_RETRY, early=early) as client:
        with pytest.raises(AuthError):
            await client.users.get_my_info()
    assert emulator.requests["users.me"] == 1


async def test_a_failed_early_call_is_simply_sent(live_url: str, emulator: Emulator) -> None:
    early = early_replies(live_url, emulator.token, max_bytes=10)  # every reply is too large
    await answered(early)
    async with SlyClient(live_url, emulator.token, retry=FAST_RETRY, early=early) as client:
        me = await client.users.get_my_info()
    assert me.id == 1
    assert emulator.requests["users.me"] == 2  # early (thrown away), then by the client


async def test_an_https_servers_certificates_are_loaded_once(
    live_url: str, emulator: Emulator, tls_contexts: list[ssl.SSLContext]
) -> None:
    # The emulator speaks plain HTTP: every handshake fails, the early ones and the
    # client's, which reuses the certificate store the early calls loaded.
    https_url = live_url.replace("http://", "https://")
    early = early_replies(https_url, emulator.token)
    await answered(early)
    retry = RetryPolicy(retries=1)
    async with SlyClient(https_url, emulator.token, retry=retry, early=early) as client:
        with pytest.raises(Unreachable):
            await client.users.get_my_info()
        with pytest.raises(Unreachable):
            await client.tasks.get_list(MAIN_WORKSPACE_ID)  # never sent early
    assert len(tls_contexts) == 1
    assert tls_contexts[0].verify_mode == ssl.CERT_REQUIRED


def test_only_reads_may_be_sent_early() -> None:
    with pytest.raises(ValueError, match=r"tasks\.stop"):
        EarlyReplies(
            "http://127.0.0.1:9/public/api",
            Secret("x" * 40),
            [("tasks.stop", {"ids": [1]})],
            timeout=1.0,
            max_bytes=1,
        )


def test_the_newest_first_page_is_asked_with_the_clients_body() -> None:
    calls = dict(opening_calls((None, 7)))
    assert calls["tasks.list"] == TaskApi.list_query(7, newest_first=True)
    assert "teams.info" not in calls  # an unknown team is read after the workspace names it


@pytest.mark.parametrize(
    ("server", "token", "workspace", "sent"),
    [
        ("http://127.0.0.1:9", "x" * 40, 7, True),  # loopback: no https probe
        ("https://127.0.0.1:9", "x" * 40, 7, True),
        ("http://192.0.2.1:9", "x" * 40, 7, False),  # probed on https:// first
        ("http://127.0.0.1:9", "x" * 40, None, False),  # nothing to open yet: the picker
        ("http://127.0.0.1:9", "bad token\n", 7, False),
        ("http://127.0.0.1:abc", "x" * 40, 7, False),
    ],
)
def test_sent_only_where_the_client_would_send_the_same(
    server: str,
    token: str,
    workspace: int | None,
    sent: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLY_TUI_CONFIG_DIR", str(tmp_path))
    settings = Settings(server=server, token=Secret(token), workspace_id=workspace)
    assert start_ids(settings, remember=True) == (None if workspace is None else (None, workspace))
    assert (send_early(settings) is not None) is sent
