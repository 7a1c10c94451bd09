"""Start the dashboard: against the configured server, or against the embedded emulator.

`--demo` runs the emulator inside the dashboard's own event loop on a free loopback port,
so the dashboard reaches it over real HTTP exactly as it would reach a server, and any
other client (the SDK included) can use the printed address while it runs.
"""

from __future__ import annotations

import asyncio
import gc
from dataclasses import dataclass, replace
from pathlib import Path

from sly_tui.api.early import EarlyReplies
from sly_tui.config import Settings
from sly_tui.secrets import Secret


@dataclass(frozen=True)
class DemoOptions:
    """The simulated world the demo dashboard shows."""

    seed: int = 0
    speed: float = 1.0
    big_workspace_tasks: int = 0
    big_log_lines: int = 0
    big_team: int = 0


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("sly-tui", appauthor=False))


def _collect_from_now() -> None:
    """Collect garbage again, the app built (`cli.main` paused the collector while the
    modules were imported). What exists now, modules, classes and functions nearly all,
    lives as long as the process: it is frozen out of every later collection, which would
    only walk it again for nothing."""
    gc.freeze()
    gc.enable()


def run_dashboard(
    settings: Settings,
    *,
    demo: DemoOptions | None,
    interval: float | None,
    theme: str | None = None,
    early: EarlyReplies | None = None,
) -> int:
    """Run the app until the user quits; returns the exit code. `early`: the opening calls
    of these settings, already sent (see `sly_tui.monitor.opening.send_early`)."""
    from sly_tui.ui.app import SlyApp

    if demo is None:
        app = SlyApp(settings, interval=interval, cache_dir=_cache_dir(), theme=theme, early=early)
        _collect_from_now()
        app.run()
        if app.return_value == "demo":  # the first-run screen's "Open demo" button
            demo = DemoOptions()
        else:
            return app.return_code or 0
    return asyncio.run(_run_demo(settings, demo, interval, theme))


async def _run_demo(
    settings: Settings, demo: DemoOptions, interval: float | None, theme: str | None
) -> int:
    from sly_tui.demo import Emulator, serve
    from sly_tui.demo.seed_data import MAIN_TEAM_ID, MAIN_WORKSPACE_ID
    from sly_tui.ui.app import SlyApp

    # A random token for this run, or the one --token names (never one from the
    # environment or a profile: that is a real server's).
    given = settings.token if settings.sources.get("token") == "--token" else None
    emulator = Emulator(
        seed=demo.seed,
        speed=demo.speed,
        token=given.reveal() if given else None,
        big_workspace_tasks=demo.big_workspace_tasks,
        big_log_lines=demo.big_log_lines,
        big_team=demo.big_team,
    )
    # The demo opens its main workspace unless --team/--workspace say otherwise; a
    # --workspace alone brings its own team.
    team_flag = settings.sources.get("team_id") == "--team"
    workspace_flag = settings.sources.get("workspace_id") == "--workspace"
    async with serve(emulator, host="127.0.0.1", port=0) as url:
        demo_settings = replace(
            settings,
            server=url,
            token=Secret(emulator.token),
            api_server_address=None,
            team_id=settings.team_id if team_flag else None if workspace_flag else MAIN_TEAM_ID,
            workspace_id=settings.workspace_id if workspace_flag else MAIN_WORKSPACE_ID,
            profile=None,
            warnings=(),
        )
        port = url.rsplit(":", 1)[-1]
        app = SlyApp(
            demo_settings, interval=interval, demo_label=f"demo:{port}", remember=False, theme=theme
        )
        _collect_from_now()
        await app.run_async()
        return app.return_code or 0
