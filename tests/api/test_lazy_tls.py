"""The certificate store is built for the first https request, not for the client: a
plain-HTTP server never pays for it, an https address still gets verified TLS."""

from __future__ import annotations

import ssl

import pytest

from sly_tui.api import RetryPolicy, SlyClient, Unreachable
from sly_tui.demo import Emulator


async def test_plain_http_builds_no_certificate_store(
    live_url: str, emulator: Emulator, tls_contexts: list[ssl.SSLContext]
) -> None:
    async with SlyClient(live_url, emulator.token) as client:
        me = await client.users.get_my_info()
    assert me.id == 1
    assert tls_contexts == []


async def test_https_gets_one_verifying_context_on_first_use(
    live_url: str, emulator: Emulator, tls_contexts: list[ssl.SSLContext]
) -> None:
    # The emulator speaks plain HTTP, so a handshake with it fails: that it was attempted
    # (with a verifying context) is what this shows.
    https_url = live_url.replace("http://", "https://")
    async with SlyClient(https_url, emulator.token, retry=RetryPolicy(retries=1)) as client:
        assert tls_contexts == []
        for _ in range(2):
            with pytest.raises(Unreachable):
                await client.users.get_my_info()
    assert len(tls_contexts) == 1  # built once, then kept
    assert tls_contexts[0].verify_mode == ssl.CERT_REQUIRED
    assert tls_contexts[0].check_hostname
