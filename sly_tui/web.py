"""`sly-tui serve`: the dashboard in a browser, through textual-serve.

Each browser tab that opens the page gets its own dashboard process (`python -m sly_tui`
with the connection flags given to `serve`), whose screen textual-serve streams over a
websocket to xterm.js in the page. Whoever reaches the port drives a dashboard holding the
API token, so only loopback is served unless `--public` says otherwise (an SSH tunnel is
the usual way to reach it from elsewhere).

The token never goes on the children's command line (textual-serve prints the command, and
`ps` shows it): a `--token` given to `serve` reaches them through their environment.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import os
import shlex
import signal
import sys
from collections.abc import Callable
from typing import Any

from sly_tui.config import ConfigError


def is_loopback(host: str) -> bool:
    """`localhost` or a loopback address (127.0.0.0/8, ::1); a name is not looked up."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, public: bool) -> None:
    """Refuse to serve beyond this machine unless `--public` asks for it."""
    if not public and not is_loopback(host):
        raise ConfigError(
            f"Serving on {host!r} would let anyone who reaches this machine drive the "
            "dashboard with your API token; serve on loopback (the default, 127.0.0.1) and "
            "use an SSH tunnel, or pass --public to do it on purpose."
        )


def dashboard_command(args: argparse.Namespace) -> list[str]:
    """The command line of each browser tab's dashboard: `serve`'s own flags, the token
    excepted."""
    command = [sys.executable, "-m", "sly_tui"]
    if getattr(args, "demo", False):
        command += [
            "--demo",
            f"--demo-seed={args.demo_seed}",
            f"--demo-speed={args.demo_speed:g}",
            f"--demo-big-workspace={args.demo_big_workspace}",
            f"--demo-big-log={args.demo_big_log}",
        ]
    for flag, value in (
        ("--server", args.server),
        ("--team", args.team),
        ("--workspace", args.workspace),
        ("--profile", args.profile),
        ("--env-file", args.env_file),
        ("--theme", getattr(args, "theme", None)),
        ("--interval", getattr(args, "interval", None)),
    ):
        if value is not None:
            command.append(f"{flag}={value}")
    if args.read_only:
        command.append("--read-only")
    return command


def token_environment(args: argparse.Namespace) -> dict[str, str]:
    """What the dashboards' environment adds to ours: `--token`, with the server it goes
    with (a token is only ever lent to the server named beside it)."""
    if not args.token:
        return {}
    return {"API_TOKEN": args.token, **({"SERVER_ADDRESS": args.server} if args.server else {})}


def serve(args: argparse.Namespace, check_settings: Callable[[], object]) -> int:
    """Serve until Ctrl+C (or SIGTERM); the address goes to stdout once listening.
    `check_settings` raises what is wrong with the connection settings, told once here
    rather than in every browser tab (after the host: a refused host reads no config)."""
    check_host(args.host, args.public)
    check_settings()
    try:
        from textual_serve.server import Server
    except ImportError:
        raise ConfigError(
            "sly-tui serve needs textual-serve: pip install 'sly-tui[serve]'."
        ) from None

    class _Server(Server):
        """textual-serve's server on a port of our choice (0: any free one), announced once
        it listens, with no banner."""

        async def on_startup(self, app: Any) -> None:
            """No logo: the address is printed once the port is known."""

    command = shlex.join(dashboard_command(args))
    server = _Server(command, host=args.host, port=args.port, title="sly-tui")
    os.environ.update(token_environment(args))  # textual-serve copies it for each tab
    return asyncio.run(_run(server, args.host))


async def _run(server: Any, host: str) -> int:
    from aiohttp import web

    runner = web.AppRunner(await server._make_app(), handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, server.port)
        await site.start()
        port = runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        server.public_url = f"http://{shown}:{port}"  # the page's websocket address
        print(f"sly-tui: serving the dashboard on {server.public_url} (Ctrl+C stops)")
        sys.stdout.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()
    return 0
