"""SVG snapshots of the list and detail screens at 80x24 and 160x48.

Deterministic: the emulator runs on a frozen clock, the app reads the same clock, the
time zone is UTC, and polling is slow enough that nothing moves while the picture is taken.
Update with `pytest tests/ui/test_snapshots.py --snapshot-update` after an intended change.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sly_tui.config import ConfigFile, Profile
from sly_tui.secrets import Secret
from sly_tui.state import save_watched
from sly_tui.ui.screens.task_detail import TaskDetailScreen
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.widgets.log_view import LogView

from .helpers import press, settle, wait_for

SIZES = [(80, 24), (160, 48)]
HOSTILE_TASK = 1001  # the seeded task whose name and log carry markup and escapes


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture
def snap_app(make_app, emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


async def list_loaded(pilot) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    await wait_for(pilot, lambda: pilot.app.screen.loaded)
    await settle(pilot)


async def detail_loaded(pilot) -> None:
    await list_loaded(pilot)
    pilot.app.push_screen(TaskDetailScreen(HOSTILE_TASK))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskDetailScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.info is not None and len(screen.spool) > 0)
    await wait_for(pilot, lambda: screen.query_one(LogView).selected_index is not None)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_task_list(snap_compare, snap_app, size) -> None:
    assert snap_compare(snap_app, terminal_size=size, run_before=list_loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_task_detail_logs(snap_compare, snap_app, size) -> None:
    assert snap_compare(snap_app, terminal_size=size, run_before=detail_loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_task_detail_overview(snap_compare, snap_app, size) -> None:
    async def overview(pilot) -> None:
        await detail_loaded(pilot)
        await press(pilot, "1")

    assert snap_compare(snap_app, terminal_size=size, run_before=overview)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_task_list_with_watched_tasks(snap_compare, make_app, emulator, size) -> None:
    """Two running tasks watched in an earlier run: the glyph before their names, the count
    in the filter line."""
    running = sorted(
        t.id for t in emulator.world.tasks.values() if t.workspace_id == 201 and t.status.is_active
    )
    save_watched("http://emulator.test", set(running[-2:]))
    app = make_app(team_id=101, workspace_id=201, clock=emulator.clock.now, remember=True)
    assert snap_compare(app, terminal_size=size, run_before=list_loaded)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_profile_picker(snap_compare, make_app, emulator, size) -> None:
    """`P` over the list of profile "work": the profiles with their servers, no token; the
    status line names the profile."""
    profiles = {
        "work": Profile("work", server="http://emulator.test", token=Secret(emulator.token)),
        "staging": Profile("staging", server="https://staging.example.com", read_only=True),
    }
    config = ConfigFile(path=Path("config.toml"), profiles=profiles)
    app = make_app(
        team_id=101, workspace_id=201, clock=emulator.clock.now, config=config, profile="work"
    )

    async def picker(pilot) -> None:
        await list_loaded(pilot)
        await press(pilot, "P")

    assert snap_compare(app, terminal_size=size, run_before=picker)
