"""The `sly-tui` entry point: parse flags, pick a mode, hand over. Nothing else.

Heavy modules (Textual, the emulator) are imported only by the mode that needs them, so
headless commands start fast. Every expected failure ends as one sentence on stderr and a
non-zero exit code; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sly_tui import __version__

EXIT_USAGE = 2


def _whole(minimum: int, maximum: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number in [minimum, maximum], or a one-line complaint."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return value

    return parse


_positive_int = _whole(1, 2**63 - 1, "a positive id")
_count = _whole(0, 2**63 - 1, "zero or more")
_port = _whole(0, 65535, "a port from 0 to 65535")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _connection_flags() -> argparse.ArgumentParser:
    """Flags every mode that talks to a server accepts."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("connection")
    group.add_argument("--server", metavar="URL", help="server address (SERVER_ADDRESS)")
    group.add_argument(
        "--token", metavar="TOKEN", help="API token (API_TOKEN); prefer the env or a profile"
    )
    group.add_argument("--team", type=_positive_int, metavar="ID", help="team id (TEAM_ID)")
    group.add_argument(
        "--workspace", type=_positive_int, metavar="ID", help="workspace id (WORKSPACE_ID)"
    )
    group.add_argument("--profile", metavar="NAME", help="a saved profile from the config file")
    group.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help="read SERVER_ADDRESS/API_TOKEN from this file instead of ~/supervisely.env",
    )
    group.add_argument(
        "--read-only", action="store_true", help="refuse every action that changes the server"
    )
    parent.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    return parent


def _world_flags(parser: argparse.ArgumentParser, *, prefix: str = "") -> None:
    """Options that shape the emulator's simulated world."""
    group = parser.add_argument_group("emulator")
    group.add_argument(f"--{prefix}seed", type=int, default=0, help="world seed (default 0)")
    group.add_argument(
        f"--{prefix}speed",
        type=_positive_float,
        default=1.0,
        help="simulated seconds per real second (default 1)",
    )
    group.add_argument(
        f"--{prefix}big-workspace",
        type=_count,
        default=0,
        metavar="N",
        help="add a 'load-test' workspace with N finished tasks",
    )
    group.add_argument(
        f"--{prefix}big-log",
        type=_count,
        default=0,
        metavar="N",
        help="give one task a log of N lines",
    )


def build_parser() -> argparse.ArgumentParser:
    connection = _connection_flags()
    parser = argparse.ArgumentParser(
        prog="sly-tui",
        parents=[connection],
        description="A terminal dashboard for the tasks of a Supervisely instance.",
        epilog=(
            "examples:\n"
            "  sly-tui --demo                 dashboard on a built-in simulated instance\n"
            "  sly-tui                        dashboard on SERVER_ADDRESS / API_TOKEN\n"
            "  sly-tui --profile work         dashboard on a saved profile\n"
            "  sly-tui demo-server --port 8000 --env-file demo.env\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sly-tui {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="run against the built-in emulator (no server needed)"
    )
    parser.add_argument(
        "--theme",
        metavar="NAME",
        help="colour theme (e.g. supervisely-light, high-contrast, colorblind, ansi-dark)",
    )
    parser.add_argument(
        "--interval",
        type=_positive_float,
        default=None,
        metavar="SEC",
        help="seconds between polls (default 2)",
    )
    _world_flags(parser, prefix="demo-")

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    server = commands.add_parser(
        "demo-server",
        help="serve the emulator over HTTP for any client (the SDK included)",
        description="Serve the embedded Supervisely emulator on loopback.",
        epilog=(
            "examples:\n"
            "  sly-tui demo-server\n"
            "  sly-tui demo-server --port 8000 --env-file ~/demo.env --speed 10\n"
            "  SERVER_ADDRESS=... API_TOKEN=... python my_sdk_script.py\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    server.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    server.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0 = any)")
    server.add_argument("--token", help="accept this token instead of the generated one")
    server.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help="write SERVER_ADDRESS and API_TOKEN to PATH (mode 0600)",
    )
    # SUPPRESS: an absent --debug here must not undo `sly-tui --debug demo-server`.
    server.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    _world_flags(server)
    return parser


def _settings_from(args: argparse.Namespace):  # -> Settings (lazy import keeps start fast)
    from sly_tui.config import Flags, resolve

    return resolve(
        Flags(
            server=args.server,
            token=args.token,
            team_id=args.team,
            workspace_id=args.workspace,
            profile=args.profile,
            env_file=args.env_file,
            read_only=args.read_only,
        )
    )


def _run_demo_server(args: argparse.Namespace) -> int:
    from sly_tui.demo import run_server

    run_server(
        host=args.host,
        port=args.port,
        token=args.token,
        seed=args.seed,
        speed=args.speed,
        env_file=args.env_file,
        big_workspace_tasks=args.big_workspace,
        big_log_lines=args.big_log,
    )
    return 0


def _run_dashboard(args: argparse.Namespace) -> int:
    from sly_tui.ui.launch import DemoOptions, run_dashboard

    demo = None
    if args.demo:
        demo = DemoOptions(
            seed=args.demo_seed,
            speed=args.demo_speed,
            big_workspace_tasks=args.demo_big_workspace,
            big_log_lines=args.demo_big_log,
        )
    settings = _settings_from(args)
    return run_dashboard(settings, demo=demo, interval=args.interval, theme=args.theme)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo-server":
            return _run_demo_server(args)
        return _run_dashboard(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"sly-tui: {_sentence(exc)}", file=sys.stderr)
        return EXIT_USAGE if _is_config_error(exc) else 1


def _is_config_error(exc: BaseException) -> bool:
    from sly_tui.config import ConfigError

    return isinstance(exc, ConfigError)


def _sentence(exc: BaseException) -> str:
    """One line for the user: our own errors carry one; anything else gets a generic frame."""
    sentence = getattr(exc, "sentence", None) or str(exc)
    if _is_config_error(exc) or hasattr(exc, "sentence"):
        return sentence
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc} ({type(exc).__name__}); run with --debug for details."
    return f"unexpected {type(exc).__name__}: {sentence} (run with --debug for the traceback)."
