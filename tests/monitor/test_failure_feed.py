"""The failure feed's reads against the emulator: newest first within the window, the
first error line of each, only documented filters and sort keys, error output as the
fallback."""

from __future__ import annotations

from datetime import timedelta

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator
from sly_tui.demo.seed_data import ROBOTICS_TEAM_ID, ROBOTICS_WORKSPACES
from sly_tui.enums import Status
from sly_tui.monitor.failure_feed import error_output, recent_failures
from sly_tui.monitor.scope import read_places


async def test_recent_failures_newest_first_with_their_error_line(
    client: SlyClient, emulator: Emulator
) -> None:
    since = emulator.clock.now() - timedelta(hours=5)
    failures = await recent_failures(client, list(ROBOTICS_WORKSPACES), since)
    expected = sorted(
        (
            t
            for t in emulator.world.tasks.values()
            if t.team_id == ROBOTICS_TEAM_ID and t.status is Status.ERROR and t.finished_at >= since
        ),
        key=lambda t: t.finished_at,
        reverse=True,
    )
    assert [f.task.id for f in failures] == [t.id for t in expected]
    assert len(failures) == 4  # the one of seven hours ago is left out
    assert all(f.line and "Traceback" not in f.line for f in failures)


async def test_places_of_every_team(client: SlyClient) -> None:
    places = await read_places(client, None)
    assert {p.team_name for p in places.values()} == {"Demo Team", "Research Lab", "Robotics"}
    assert places[207].workspace_name == "Navigation" and places[207].team_id == 103


def test_error_output_reads_set_output_error_only() -> None:
    error = {"general": {"title": "Boom", "description": "disk full", "isError": True}}
    assert error_output(error) == "Boom: disk full"
    assert error_output({"general": {"title": "Done", "isError": False}}) == ""
    assert error_output({"general": "[red]x"}) == ""
    assert error_output({}) == ""
