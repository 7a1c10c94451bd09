"""The server's clock, read from the Date header of its replies (the emulator's world
time runs ahead of ours when it is sped up)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from sly_tui.api import SlyClient
from sly_tui.api.server_clock import ServerClock
from sly_tui.demo import Emulator


def test_a_gap_beyond_the_header_noise_is_followed() -> None:
    clock = ServerClock()
    clock.observe(format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True))
    assert abs(clock.now() - (datetime.now(UTC) + timedelta(hours=1))) < timedelta(seconds=2)
    clock.observe(format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True))
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(milliseconds=100)  # noise


@pytest.mark.parametrize("header", [None, "", "yesterday", "Fri, 99 Nov 2026 25:61:00 GMT"])
def test_a_missing_or_broken_date_changes_nothing(header: str | None) -> None:
    clock = ServerClock()
    clock.observe(format_datetime(datetime.now(UTC) - timedelta(hours=3), usegmt=True))
    clock.observe(header)
    assert abs(clock.offset + timedelta(hours=3)) < timedelta(seconds=2)


async def test_the_client_reads_the_emulators_world_time(emulator: Emulator) -> None:
    client = SlyClient("http://x", emulator.token, transport=httpx.ASGITransport(app=emulator.app))
    try:
        emulator.advance(3600)
        await client.instance.version()
        world_now = emulator.clock.now()
        assert abs(client.server_clock.now() - world_now) < timedelta(seconds=2)
    finally:
        await client.aclose()
